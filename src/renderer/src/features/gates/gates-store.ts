/**
 * The gates' own store (phases, gates, triggers, the next step), apart
 * from the checklist and control stores: the evaluation runs once a second
 * and must re-render only the gate panel and the alarm. It also holds the
 * alarm's mute switch, persisted (gates-mute.ts).
 */
import { create } from 'zustand';
import type { GatesState } from '../../../../shared/gate-model';
import type { ErrorInfo } from '../../../../shared/errors';
import { readMuted, writeMuted, type MuteStorage } from './gates-mute';

export interface GatesStore {
  gates: GatesState | null;
  loadError: ErrorInfo | null;
  muted: boolean;
  /**
   * Takes a state from main unless an older one arrived late (an answer
   * and an event cross on different channels); `reset` takes it whatever
   * its revision (another runbook was opened).
   */
  apply(state: GatesState, reset?: boolean): void;
  setLoadError(error: ErrorInfo): void;
  setMuted(muted: boolean): void;
}

/** The window's localStorage; null where there is none (tests in Node) or where reading it throws (privacy settings). */
function storage(): MuteStorage | null {
  try {
    return (globalThis as { localStorage?: MuteStorage }).localStorage ?? null;
  } catch {
    return null;
  }
}

/** Whether `incoming` should replace `current`: a newer revision, or any state after a reset. */
export function newerGates(current: GatesState | null, incoming: GatesState): boolean {
  return current === null || incoming.revision >= current.revision;
}

export const useGates = create<GatesStore>()((set) => ({
  gates: null,
  loadError: null,
  muted: readMuted(storage()),
  apply: (state, reset = false) => set((s) => (reset || newerGates(s.gates, state) ? { gates: state, loadError: null } : {})),
  setLoadError: (loadError) => set({ loadError }),
  setMuted: (muted) => {
    writeMuted(storage(), muted);
    set({ muted });
  },
}));
