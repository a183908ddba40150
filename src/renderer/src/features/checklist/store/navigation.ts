/**
 * j / k movement over the items the operator can see, in the order they
 * are shown: the search results when searching, otherwise the selected
 * phase, continuing into the next (or previous) phase at its edge.
 */
import type { TaskItem } from '../../../../../shared/runbook-model';
import { isChecked } from '../../../../../shared/session-state';
import { indexRunbook, visibleSearchResults } from './derived';
import type { Placement } from './placement';
import type { Store } from './store';

/** The next place for the focus, or null when there is nowhere to go. */
export function step(s: Store, delta: 1 | -1): Placement | null {
  const doc = s.cockpit?.runbook;
  if (!doc) return null;
  const session = s.cockpit?.session ?? null;
  const visible = (item: TaskItem) => !(s.uncheckedOnly && isChecked(session, item.id, item.checked));

  if (s.search.trim()) {
    const ids = visibleSearchResults(doc, session, s.search, s.uncheckedOnly).items.map((item) => item.id);
    const at = s.focusedItemId === null ? -1 : ids.indexOf(s.focusedItemId);
    const next = at === -1 ? (delta === 1 ? ids[0] : ids[ids.length - 1]) : ids[at + delta];
    return next === undefined ? null : { selectedPhaseId: s.selectedPhaseId, focusedItemId: next };
  }

  const { itemsByPhase } = indexRunbook(doc);
  const phases = doc.phases;
  const current = phases.findIndex((phase) => phase.id === s.selectedPhaseId);

  if (current !== -1) {
    const items = itemsByPhase.get(phases[current]!.id) ?? [];
    // Position in the whole phase, so a focused item the filter just hid
    // still tells where "next" is.
    const at = s.focusedItemId === null ? -1 : items.findIndex((item) => item.id === s.focusedItemId);
    const from = at === -1 ? (delta === 1 ? 0 : items.length - 1) : at + delta;
    for (let i = from; i >= 0 && i < items.length; i += delta) {
      if (visible(items[i]!)) return { selectedPhaseId: phases[current]!.id, focusedItemId: items[i]!.id };
    }
  } else if (delta === -1) {
    return null; // the About page comes before every phase
  }

  // Across the phase boundary: the first visible item of the next phase
  // that has one (or the last of the previous).
  for (let p = current + delta; p >= 0 && p < phases.length; p += delta) {
    const items = itemsByPhase.get(phases[p]!.id) ?? [];
    const order = delta === 1 ? items : [...items].reverse();
    const target = order.find(visible);
    if (target) return { selectedPhaseId: phases[p]!.id, focusedItemId: target.id };
  }
  return null;
}
