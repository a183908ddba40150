/**
 * The deployment window's state from main's state machine
 * (shared/window-model.ts), kept like the gates store: subscribe to
 * windowChanged first, then read it once, and read it again when another
 * runbook opens or main comes back. The alarm banner, its effects and the
 * rollback button ask it whether an alarm is already answered.
 */
import { create } from 'zustand';
import type { WindowView } from '../../../../shared/window-model';
import { api } from '../../api';
import { onReconnect } from '../../store/connection';

export interface WindowStore {
  window: WindowView | null;
  /** Takes a state unless an older one arrived late; `reset` takes it whatever its revision. */
  apply(view: WindowView, reset?: boolean): void;
}

export const useWindowState = create<WindowStore>()((set) => ({
  window: null,
  apply: (view, reset = false) => set((s) => (reset || s.window === null || view.revision >= s.window.revision ? { window: view } : {})),
}));

async function refetch(reset: boolean): Promise<void> {
  try {
    useWindowState.getState().apply(await api.getWindow(), reset);
  } catch {
    // Not connected or nothing open: the banner falls back to the gates alone until the next event.
  }
}

export function startWindowSync(): () => void {
  const unsubscribe = [
    api.on('windowChanged', (view) => useWindowState.getState().apply(view)),
    // A new activation restarts main's revisions: take what comes.
    api.on('cockpitReplaced', () => void refetch(true)),
    onReconnect(() => void refetch(true)),
  ];
  void refetch(false);
  return () => {
    for (const off of unsubscribe) off();
  };
}
