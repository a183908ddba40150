/**
 * Progress of running backups, per action id, fed by backupProgress
 * events. Kept out of the control store: a backup reports up to ten times a
 * second and only its own row needs to redraw.
 */
import { create } from 'zustand';
import type { BackupProgressView } from '../../../../shared/control-model';
import { api } from '../../api';
import { liveState } from '../../lib/live-state';

interface BackupProgressStore {
  byAction: Record<string, BackupProgressView>;
  apply(actionId: string, progress: BackupProgressView): void;
}

export const useBackupProgress = create<BackupProgressStore>()((set) => ({
  byAction: {},
  apply: (actionId, progress) => set((s) => ({ byAction: { ...s.byAction, [actionId]: progress } })),
}));

/** Progress has nothing to read back from main: only its events, through the one sync mechanism (lib/live-state.ts). */
export function startBackupSync(): () => void {
  const sync = liveState(api, {
    events: { backupProgress: ({ actionId, progress }) => useBackupProgress.getState().apply(actionId, progress) },
    invalidateOn: [],
  });
  return () => sync.stop();
}
