/**
 * Folding journal entries into session state: pure, total and free of zod,
 * so main and the renderer run the same code and the renderer stays small.
 */
import type { EntryDataOf, JournalEntry, SessionState } from './session-model';

export const GENESIS_HASH = '0'.repeat(64);

export function emptySessionState(id: string): SessionState {
  return {
    id,
    runbook: { name: '', path: null, sha256: '', title: '' },
    startedAt: '',
    updatedAt: '',
    closedAt: null,
    ticks: {},
    notes: {},
    entries: 0,
    head: GENESIS_HASH,
  };
}

/**
 * Folds one journal entry into the state and returns a new state; the maps
 * that did not change are shared. Pure and total: an entry of a type this
 * version does not know only advances the head, so an older app can still
 * open a newer journal.
 */
export function applyEntry<S extends SessionState>(state: S, entry: JournalEntry): S {
  const next: S = { ...state };
  foldEntry(next, entry, true);
  return next;
}

/**
 * Replays many entries at once. Mutates `state` in place, which keeps the
 * replay of a long journal linear instead of copying maps per entry.
 */
export function replayEntries(state: SessionState, entries: Iterable<JournalEntry>): SessionState {
  for (const entry of entries) foldEntry(state, entry, false);
  return state;
}

function foldEntry(s: SessionState, entry: JournalEntry, copyOnWrite: boolean): void {
  s.updatedAt = entry.ts;
  s.entries = entry.seq + 1;
  s.head = entry.hash;
  const data = entry.data;
  switch (entry.type) {
    case 'session.started': {
      const d = data as EntryDataOf<'session.started'>;
      s.id = d.sessionId;
      s.runbook = { ...d.runbook };
      s.startedAt = entry.ts;
      break;
    }
    case 'runbook.loaded':
      s.runbook = { ...s.runbook, sha256: (data as EntryDataOf<'runbook.loaded'>).sha256 };
      break;
    case 'runbook.written':
      s.runbook = { ...s.runbook, sha256: (data as EntryDataOf<'runbook.written'>).sha256After };
      break;
    case 'item.ticked': {
      const d = data as EntryDataOf<'item.ticked'>;
      if (copyOnWrite) s.ticks = { ...s.ticks };
      s.ticks[d.itemId] = { checked: d.checked, by: entry.by, at: entry.ts, seq: entry.seq, ...(d.evidence ? { evidence: d.evidence } : {}) };
      break;
    }
    case 'item.noted': {
      const d = data as EntryDataOf<'item.noted'>;
      const note = { text: d.text, by: entry.by, at: entry.ts, seq: entry.seq };
      if (copyOnWrite) {
        s.notes = { ...s.notes, [d.itemId]: [...(s.notes[d.itemId] ?? []), note] };
      } else {
        (s.notes[d.itemId] ??= []).push(note);
      }
      break;
    }
    case 'session.closed':
      s.closedAt = entry.ts;
      break;
    default:
      break;
  }
}

/** Whether an item counts as done: the session's tick wins over the file's box. */
export function isChecked(state: SessionState | null, itemId: string, checkedInFile: boolean): boolean {
  const tick = state?.ticks[itemId];
  return tick ? tick.checked : checkedInFile;
}
