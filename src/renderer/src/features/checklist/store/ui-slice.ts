/**
 * What the operator is looking at: the phase, the keyboard-focused item,
 * the search, the filters and the open editor or overlay. Purely local.
 */
import type { StateCreator } from 'zustand';
import { indexRunbook } from './derived';
import { ABOUT, firstItemToFocus } from './placement';
import type { Store } from './store';

export interface UiSlice {
  selectedPhaseId: string | null;
  focusedItemId: string | null;
  search: string;
  uncheckedOnly: boolean;
  /** The item whose note editor is open. */
  noteEditorFor: string | null;
  helpOpen: boolean;
  select(selectedPhaseId: string | null, focusedItemId: string | null): void;
  /** Show a phase (leaving any search) with the focus on its first open item. */
  openPhase(phaseId: string): void;
  focusItem(itemId: string | null): void;
  setSearch(search: string): void;
  setUncheckedOnly(on: boolean): void;
  openNoteEditor(itemId: string | null): void;
  setHelpOpen(open: boolean): void;
}

export const createUiSlice: StateCreator<Store, [], [], UiSlice> = (set, get) => ({
  selectedPhaseId: null,
  focusedItemId: null,
  search: '',
  uncheckedOnly: false,
  noteEditorFor: null,
  helpOpen: false,
  select: (selectedPhaseId, focusedItemId) => set({ selectedPhaseId, focusedItemId }),
  openPhase(phaseId) {
    const s = get();
    const items = indexRunbook(s.cockpit?.runbook).itemsByPhase.get(phaseId) ?? [];
    const focusedItemId = phaseId === ABOUT ? s.focusedItemId : firstItemToFocus(items, s.cockpit?.session ?? null, s.uncheckedOnly);
    set({ search: '', selectedPhaseId: phaseId, focusedItemId, noteEditorFor: null });
  },
  focusItem: (focusedItemId) => set({ focusedItemId }),
  setSearch(search) {
    if (search.trim() || !get().search.trim()) {
      set({ search });
      return;
    }
    // Leaving the search: show the phase of the item the operator was on.
    const s = get();
    const focused = s.focusedItemId ? indexRunbook(s.cockpit?.runbook).itemsById.get(s.focusedItemId) : undefined;
    set({ search, selectedPhaseId: focused ? focused.phaseId : s.selectedPhaseId });
  },
  setUncheckedOnly: (uncheckedOnly) => set({ uncheckedOnly }),
  openNoteEditor: (noteEditorFor) => set({ noteEditorFor }),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
});
