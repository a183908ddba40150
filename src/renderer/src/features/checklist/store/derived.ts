/**
 * Data derived from the runbook and the session, computed once per change
 * of its inputs and shared by every component that asks. A runbook can hold
 * 20,000 items: nothing here may run per item per render.
 */
import type { Phase, RunbookDoc, Section, TaskItem } from '../../../../../shared/runbook-model';
import type { SessionState } from '../../../../../shared/session-model';
import { isChecked } from '../../../../../shared/session-state';
import type { TeamItem } from '../../../../../shared/team-model';

export interface RunbookIndex {
  itemsById: Map<string, TaskItem>;
  /** Task items of each phase, in document order (nested items included). */
  itemsByPhase: Map<string, TaskItem[]>;
  phaseById: Map<string, Phase>;
  sectionById: Map<string, Section>;
  /** Lower-cased item texts, aligned with `doc.items`, for search. */
  lowerTexts: string[];
}

const EMPTY_INDEX: RunbookIndex = {
  itemsById: new Map(),
  itemsByPhase: new Map(),
  phaseById: new Map(),
  sectionById: new Map(),
  lowerTexts: [],
};

// Keyed by the runbook object itself: a new runbook is a new object, so the
// index can never go stale, and an old one is collected with its runbook.
const indexCache = new WeakMap<RunbookDoc, RunbookIndex>();

export function indexRunbook(doc: RunbookDoc | null | undefined): RunbookIndex {
  if (!doc) return EMPTY_INDEX;
  const cached = indexCache.get(doc);
  if (cached) return cached;
  const index: RunbookIndex = {
    itemsById: new Map(),
    itemsByPhase: new Map(doc.phases.map((phase) => [phase.id, []])),
    phaseById: new Map(doc.phases.map((phase) => [phase.id, phase])),
    sectionById: new Map(),
    lowerTexts: doc.items.map((item) => item.text.toLowerCase()),
  };
  for (const phase of doc.phases) for (const section of phase.sections) index.sectionById.set(section.id, section);
  for (const item of doc.items) {
    index.itemsById.set(item.id, item);
    let list = index.itemsByPhase.get(item.phaseId);
    if (!list) index.itemsByPhase.set(item.phaseId, (list = []));
    list.push(item);
  }
  indexCache.set(doc, index);
  return index;
}

export interface Progress {
  done: number;
  total: number;
}

type Ticks = SessionState['ticks'];
const NO_TICKS: Ticks = {};

/**
 * One slot is enough: there is one runbook and one session on screen, and
 * `applyEntry` gives `ticks` a new identity exactly when a tick changes.
 */
function memoOne<A, B, R>(compute: (a: A, b: B) => R): (a: A, b: B) => R {
  let last: { a: A; b: B; result: R } | null = null;
  return (a, b) => {
    if (last && last.a === a && last.b === b) return last.result;
    const result = compute(a, b);
    last = { a, b, result };
    return result;
  };
}

/** The team's merged items (issue 16), when this session is joined to a team; null otherwise. */
type TeamItems = Readonly<Record<string, TeamItem>> | null;

let lastProgress: { doc: RunbookDoc | null; ticks: Ticks; team: TeamItems; result: ReturnType<typeof computeProgress> } | null = null;

function progressFor(doc: RunbookDoc | null, ticks: Ticks, team: TeamItems) {
  if (lastProgress && lastProgress.doc === doc && lastProgress.ticks === ticks && lastProgress.team === team) return lastProgress.result;
  const result = computeProgress(doc, ticks, team);
  lastProgress = { doc, ticks, team, result };
  return result;
}

function computeProgress(doc: RunbookDoc | null, ticks: Ticks, team: TeamItems) {
  const byPhase = new Map<string, Progress>();
  const overall: Progress = { done: 0, total: 0 };
  if (!doc) return { byPhase, overall };
  for (const phase of doc.phases) byPhase.set(phase.id, { done: 0, total: 0 });
  const state = { ticks } as SessionState;
  for (const item of doc.items) {
    const progress = byPhase.get(item.phaseId);
    // Joined to a team: the team's merged state counts, as the item's box shows it (TaskItemRow).
    const done = (team?.[item.id]?.checked ?? isChecked(state, item.id, item.checked)) ? 1 : 0;
    if (progress) {
      progress.total++;
      progress.done += done;
    }
    overall.total++;
    overall.done += done;
  }
  return { byPhase, overall };
}

/** done/total per phase and overall; the same object until a tick (this session's or the team's) changes. */
export function phaseProgress(doc: RunbookDoc | null | undefined, session: SessionState | null | undefined, team: TeamItems = null) {
  return progressFor(doc ?? null, session?.ticks ?? NO_TICKS, team);
}

const searchFor = memoOne((doc: RunbookDoc | null, query: string): TaskItem[] => {
  const needle = query.trim().toLowerCase();
  if (!doc || !needle) return [];
  const { lowerTexts } = indexRunbook(doc);
  const out: TaskItem[] = [];
  for (let i = 0; i < doc.items.length; i++) if (lowerTexts[i]!.includes(needle)) out.push(doc.items[i]!);
  return out;
});

/** Every task item whose text contains the query, case-insensitive, in document order. */
export function searchItems(doc: RunbookDoc | null | undefined, query: string): TaskItem[] {
  return searchFor(doc ?? null, query);
}

/** Items the search view shows: matches, minus checked ones when asked, capped. */
export const SEARCH_CAP = 500;

export function visibleSearchResults(doc: RunbookDoc | null | undefined, session: SessionState | null | undefined, query: string, uncheckedOnly: boolean) {
  const matches = searchItems(doc, query);
  const shown = uncheckedOnly ? matches.filter((item) => !isChecked(session ?? null, item.id, item.checked)) : matches;
  return { total: shown.length, items: shown.length > SEARCH_CAP ? shown.slice(0, SEARCH_CAP) : shown };
}
