/**
 * Where the operator lands: which phase is shown and which item has the
 * keyboard focus, when a runbook opens and when j/k cross a phase boundary.
 */
import type { RunbookDoc, TaskItem } from '../../../../../shared/runbook-model';
import type { SessionState } from '../../../../../shared/session-model';
import { isChecked } from '../../../../../shared/session-state';
import { indexRunbook } from './derived';

/** The pseudo-phase that shows the runbook's preamble. Cannot clash with a parsed id (those never start with '#'). */
export const ABOUT = '#about';

export interface Placement {
  selectedPhaseId: string | null;
  focusedItemId: string | null;
}

/** The first unchecked item of the first phase that has one: where the work is. */
export function initialPlacement(doc: RunbookDoc | null, session: SessionState | null): Placement {
  if (!doc) return { selectedPhaseId: null, focusedItemId: null };
  const next = doc.items.find((item) => !isChecked(session, item.id, item.checked));
  if (next) return { selectedPhaseId: next.phaseId, focusedItemId: next.id };
  const first = doc.phases[0];
  if (first) return { selectedPhaseId: first.id, focusedItemId: indexRunbook(doc).itemsByPhase.get(first.id)?.[0]?.id ?? null };
  return { selectedPhaseId: doc.preamble.length > 0 ? ABOUT : null, focusedItemId: null };
}

/**
 * After the cockpit is replaced: keep the operator's place when it still
 * exists in the same run (a reconnect resends the whole cockpit); start
 * over when the runbook or the session is a different one.
 */
export function placementAfterReplace(
  current: Placement,
  before: { doc: RunbookDoc | null; sessionId: string | null },
  doc: RunbookDoc | null,
  session: SessionState | null,
): Placement {
  const sameRun =
    before.doc !== null &&
    doc !== null &&
    before.doc.source.sha256 === doc.source.sha256 &&
    before.doc.source.name === doc.source.name &&
    before.sessionId === (session?.id ?? null);
  if (!sameRun) return initialPlacement(doc, session);
  const index = indexRunbook(doc);
  const phaseOk = current.selectedPhaseId === ABOUT ? doc.preamble.length > 0 : current.selectedPhaseId !== null && index.phaseById.has(current.selectedPhaseId);
  const itemOk = current.focusedItemId !== null && index.itemsById.has(current.focusedItemId);
  if (phaseOk && itemOk) return current;
  const fresh = initialPlacement(doc, session);
  return { selectedPhaseId: phaseOk ? current.selectedPhaseId : fresh.selectedPhaseId, focusedItemId: itemOk ? current.focusedItemId : fresh.focusedItemId };
}

/** The item to focus when a phase is opened from the sidebar: its first unchecked one, else its first. */
export function firstItemToFocus(items: readonly TaskItem[], session: SessionState | null, uncheckedOnly: boolean): string | null {
  const unchecked = items.find((item) => !isChecked(session, item.id, item.checked));
  if (unchecked) return unchecked.id;
  return uncheckedOnly ? null : (items[0]?.id ?? null);
}
