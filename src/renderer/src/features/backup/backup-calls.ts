/**
 * What the backup controls ask main to do. Starting answers once the
 * backup's intent is journaled; its end arrives as actionUpdated and
 * controlChanged, and a verified backup's item is ticked by main.
 */
import type { ActionRecord } from '../../../../shared/control-model';
import { api } from '../../api';
import { useControl } from '../control/control-store';

export async function startBackup(backup: string, itemId: string, restoreTest: boolean): Promise<ActionRecord> {
  const record = await api.startBackup({ backup, itemId, restoreTest });
  useControl.getState().applyAction(record);
  return record;
}

export async function cancelBackup(actionId: string): Promise<void> {
  await api.cancelBackup({ actionId });
}
