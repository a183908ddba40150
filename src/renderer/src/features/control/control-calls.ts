/**
 * What the control panel asks main to do. Each call puts main's answer in
 * the control store and throws on failure, so the component that asked can
 * say what went wrong next to the control the operator touched. Secret
 * values and passphrases pass through as arguments and are never kept.
 */
import type { ActionRecord, FlagPreview, RollbackRun } from '../../../../shared/control-model';
import type { CallInput } from '../../../../shared/contract';
import { api } from '../../api';
import { useControl } from './control-store';

const control = () => useControl.getState();

export async function unlockVault(passphrase: string): Promise<void> {
  control().setVault(await api.unlockVault({ passphrase }));
}

export async function lockVault(): Promise<void> {
  control().setVault(await api.lockVault());
}

export async function putSecret(name: string, value: string, scope: string[]): Promise<void> {
  control().setVault(await api.putSecret({ name, value, scope }));
}

export async function setSecretScope(name: string, scope: string[]): Promise<void> {
  control().setVault(await api.setSecretScope({ name, scope }));
}

export async function deleteSecret(name: string): Promise<void> {
  control().setVault(await api.deleteSecret({ name }));
}

export async function readFlag(flag: string): Promise<void> {
  control().setFlagView(await api.readFlag({ flag }));
}

export function previewFlag(flag: string, percent: number): Promise<FlagPreview> {
  return api.previewFlag({ flag, percent });
}

/**
 * Writes the flag; the answer is the honest outcome (main reads it back and sends the new value with controlChanged).
 * `overrideReason` goes past a gate that holds the raise (main journals it); without one main refuses a held raise.
 */
export async function setFlag(flag: string, percent: number, overrideReason?: string): Promise<ActionRecord> {
  const record = await api.setFlag(overrideReason === undefined ? { flag, percent } : { flag, percent, override: { reason: overrideReason } });
  control().setFlagOutcome(flag, record);
  return record;
}

export async function runCommand(commandId: string): Promise<ActionRecord> {
  const record = await api.runCommand({ commandId });
  control().applyAction(record);
  return record;
}

export async function startRollback(input: CallInput<'startRollback'>): Promise<RollbackRun> {
  const run = await api.startRollback(input);
  control().applyRollback(run);
  return run;
}
