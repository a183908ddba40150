/**
 * A session is one run of a runbook. Its journal is the truth; the state is
 * what the journal says, folded by session-state.ts in main (when the
 * journal is opened) and in the renderer (as entries arrive as events).
 * These are the schemas; session-state.ts holds the zod-free folding.
 */
import { z } from 'zod';


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

export {
  applyEntry,
  emptySessionState,
  GENESIS_HASH,
  isChecked,
  replayEntries,
} from './session-state';
