/**
 * The keys between the search field and its results: ↓ or Enter in the
 * field moves to the first result, ↑ on the first result goes back to the
 * field, Enter on a result opens it in its phase. Moving between results
 * is the checklist's own ↑/↓ (navigation.ts walks the results while
 * searching).
 */
import { visibleSearchResults } from './store/derived';
import { useStore } from './store/store';

export const SEARCH_INPUT_ID = 'search-input';

/** The row of a search result, when it is on screen. */
function resultRow(itemId: string): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-testid="search-results"] [data-item-id="${CSS.escape(itemId)}"]`);
}

/** From the field to the first result; false when there is none (the key then does what it did). */
export function enterResults(): boolean {
  const s = useStore.getState();
  const first = visibleSearchResults(s.cockpit?.runbook, s.cockpit?.session ?? null, s.search, s.uncheckedOnly).items[0];
  if (!first) return false;
  // Leave the field first: a row takes the focus itself only when nobody is typing.
  document.getElementById(SEARCH_INPUT_ID)?.blur();
  s.select(s.selectedPhaseId, first.id);
  const row = resultRow(first.id);
  if (row) {
    row.scrollIntoView({ block: 'nearest' });
    row.focus({ preventScroll: true });
  }
  return true;
}

/** Back to the field, its text selected, as "/" leaves it. */
export function focusSearch(): void {
  const input = document.getElementById(SEARCH_INPUT_ID);
  if (input instanceof HTMLInputElement) {
    input.focus();
    input.select();
  }
}

/** Enter on a result: leave the search and show the item in its phase, focused (ui-slice's setSearch keeps it). */
export function openResult(): boolean {
  const s = useStore.getState();
  if (!s.search.trim() || !s.focusedItemId) return false;
  s.setSearch('');
  return true;
}
