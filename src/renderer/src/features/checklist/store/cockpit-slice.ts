/**
 * The cockpit as main last described it: fetched once, then kept current
 * by events. Only main's answers and events change it; nothing here
 * guesses ahead of the journal.
 */
import type { StateCreator } from 'zustand';
import type { Cockpit, Prefs } from '../../../../../shared/contract';
import type { JournalEntry } from '../../../../../shared/session-model';
import { foldEntry, type FoldOutcome } from './fold-entry';
import { placementAfterReplace } from './placement';
import type { Store } from './store';

export interface CockpitSlice {
  /** Null until the first getCockpit answer. */
  cockpit: Cockpit | null;
  replaceCockpit(next: Cockpit): void;
  setPrefs(prefs: Prefs): void;
  /** Folds an entry into the session; the outcome tells the caller whether to resync. */
  applyJournalEntry(entry: JournalEntry, sessionId: string | null): FoldOutcome['kind'];
}

export const createCockpitSlice: StateCreator<Store, [], [], CockpitSlice> = (set, get) => ({
  cockpit: null,

  replaceCockpit(next) {
    set((state) => {
      const placement = placementAfterReplace(
        { selectedPhaseId: state.selectedPhaseId, focusedItemId: state.focusedItemId },
        { doc: state.cockpit?.runbook ?? null, sessionId: state.cockpit?.session?.id ?? null },
        next.runbook,
        next.session,
      );
      const sameRunbook = state.cockpit?.runbook?.source.sha256 === next.runbook?.source.sha256;
      return {
        cockpit: next,
        ...placement,
        // An editor or a search belongs to the runbook it was opened on.
        noteEditorFor: sameRunbook ? state.noteEditorFor : null,
        search: sameRunbook ? state.search : '',
      };
    });
  },

  setPrefs(prefs) {
    const cockpit = get().cockpit;
    if (cockpit) set({ cockpit: { ...cockpit, prefs } });
  },

  applyJournalEntry(entry, sessionId) {
    const cockpit = get().cockpit;
    const outcome = foldEntry(cockpit?.session ?? null, entry, sessionId);
    if (outcome.kind === 'applied' && cockpit) set({ cockpit: { ...cockpit, session: outcome.session } });
    return outcome.kind;
  },
});
