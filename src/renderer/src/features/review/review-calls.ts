/**
 * The review panel's calls: main lists what it read and saves each choice
 * in the profile's overrides:. A saved choice re-reads the profile, and the
 * new cockpit (bands, gates, trust) arrives as the usual event.
 */
import { api } from '../../api';
import type { ReviewChoice, ReviewItem, ReviewState } from '../../../../shared/review-model';
import type { RunbookDoc } from '../../../../shared/runbook-model';
import { indexRunbook } from '../checklist/store/derived';

export function loadReview(): Promise<ReviewState> {
  return api.getReview({});
}

export function saveChoice(item: ReviewItem, choice: ReviewChoice['choice'], edit?: { op: NonNullable<ReviewChoice['op']>; value: number; forSeconds: number }): Promise<ReviewState> {
  return api.setReviewChoice({ kind: item.kind, line: item.line, metric: item.metric, severity: item.severity, choice, ...(choice === 'edit' && edit ? edit : {}) });
}

/** The phase and item of a runbook line, to jump there in the checklist: the item on that line, else the phase around it. */
export function placeOfLine(doc: RunbookDoc, line: number): { phaseId: string; itemId: string | null } | null {
  const item = doc.items.find((i) => i.line === line) ?? null;
  if (item) {
    for (const [phaseId, items] of indexRunbook(doc).itemsByPhase) if (items.some((i) => i.id === item.id)) return { phaseId, itemId: item.id };
  }
  const phase = [...doc.phases].filter((p) => p.line <= line).sort((a, b) => b.line - a.line)[0] ?? doc.phases[0];
  return phase ? { phaseId: phase.id, itemId: null } : null;
}
