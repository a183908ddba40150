/**
 * A session is one run of a runbook. Its journal is the truth; the state
 * below is what the journal says, computed by `applyEntry` in main (when the
 * journal is opened) and in the renderer (as entries arrive as events).
 */
import { z } from 'zod';

export const GENESIS_HASH = '0'.repeat(64);

export const JournalEntrySchema = z.object({
  seq: z.number().int().nonnegative(),
  ts: z.string(),
  type: z.string(),
  by: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  /** Hash of the previous entry (GENESIS_HASH for the first). */
  prev: z.string().length(64),
  /** sha256 over the canonical JSON of the entry without this field. */
  hash: z.string().length(64),
});
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

/** What the journal records; `data` shapes by type. */
export const EntryData = {
  'session.started': z.object({
    sessionId: z.string(),
    runbook: z.object({ name: z.string(), path: z.string().nullable(), sha256: z.string(), title: z.string() }),
  }),
  'runbook.loaded': z.object({ path: z.string().nullable(), sha256: z.string(), previousSha256: z.string() }),
  'item.ticked': z.object({ itemId: z.string(), checked: z.boolean(), itemText: z.string() }),
  'item.noted': z.object({ itemId: z.string(), text: z.string(), itemText: z.string() }),
  'runbook.written': z.object({ path: z.string(), sha256Before: z.string(), sha256After: z.string(), changed: z.number().int() }),
  'session.closed': z.object({ reason: z.string() }),
} as const;
export type EntryType = keyof typeof EntryData;
export type EntryDataOf<T extends EntryType> = z.infer<(typeof EntryData)[T]>;

export const TickStateSchema = z.object({ checked: z.boolean(), by: z.string().nullable(), at: z.string(), seq: z.number().int() });
export type TickState = z.infer<typeof TickStateSchema>;

export const NoteStateSchema = z.object({ text: z.string(), by: z.string().nullable(), at: z.string(), seq: z.number().int() });
export type NoteState = z.infer<typeof NoteStateSchema>;

export const SessionStateSchema = z.object({
  id: z.string(),
  runbook: z.object({ name: z.string(), path: z.string().nullable(), sha256: z.string(), title: z.string() }),
  startedAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  /** Latest tick per item; items absent here keep the state the file gives them. */
  ticks: z.record(z.string(), TickStateSchema),
  notes: z.record(z.string(), z.array(NoteStateSchema)),
  /** Number of entries and the hash of the last one: the head of the chain. */
  entries: z.number().int(),
  head: z.string(),
});
export type SessionState = z.infer<typeof SessionStateSchema>;

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
      s.ticks[d.itemId] = { checked: d.checked, by: entry.by, at: entry.ts, seq: entry.seq };
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
