/**
 * The deployment window's state from main's state machine
 * (shared/window-model.ts), kept in step like every other store. The alarm banner, its effects and the
 * rollback button ask it whether an alarm is already answered.
 */
import { create } from 'zustand';
import type { WindowView } from '../../../../shared/window-model';
import { api } from '../../api';
import { liveState } from '../../lib/live-state';

export interface WindowStore {
  window: WindowView | null;
  /** Takes a state unless an older one arrived late; `reset` takes it whatever its revision. */
  apply(view: WindowView, reset?: boolean): void;
}

export const useWindowState = create<WindowStore>()((set) => ({
  window: null,
  apply: (view, reset = false) => set((s) => (reset || s.window === null || view.revision >= s.window.revision ? { window: view } : {})),
}));

/** Through the one sync mechanism (lib/live-state.ts), like the gates store. */
export function startWindowSync(): () => void {
  const sync = liveState<WindowView>(api, {
    read: () => api.getWindow(),
    // A new activation, or a main that restarted, counts revisions from zero again: the read's answer is taken whatever its revision.
    apply: (view) => useWindowState.getState().apply(view, true),
    // Not connected or nothing open: the banner falls back to the gates alone until the next event.
    fail: () => undefined,
    events: { windowChanged: (view) => useWindowState.getState().apply(view) },
  });
  return () => sync.stop();
}
