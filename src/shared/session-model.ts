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
  /** The intent of a side effect, journaled before it runs; inputs have secrets redacted. */
  'action.started': z.object({
    actionId: z.string(),
    kind: z.enum(['flag', 'command', 'rollback-step', 'backup', 'restore']),
    title: z.string(),
    inputs: z.record(z.string(), z.string()),
    runId: z.string().optional(),
    step: z.number().int().optional(),
  }),
  /** A bounded chunk of a command's output, redacted. */
  'action.output': z.object({ actionId: z.string(), stream: z.enum(['stdout', 'stderr']), text: z.string() }),
  /** How it ended: a timeout is unknown, settled later by a read-back (action.settled). */
  'action.finished': z.object({
    actionId: z.string(),
    outcome: z.enum(['ok', 'failed', 'unknown']),
    message: z.string(),
    durationMs: z.number(),
    readBack: z.string().nullable().optional(),
  }),
  'action.settled': z.object({ actionId: z.string(), outcome: z.enum(['ok', 'failed', 'unknown']), message: z.string(), readBack: z.string().nullable() }),
  'rollback.started': z.object({ runId: z.string(), plan: z.string(), steps: z.array(z.string()), confirmation: z.string(), pressedAt: z.string() }),
  'rollback.finished': z.object({ runId: z.string(), outcome: z.enum(['ok', 'failed', 'unknown']), message: z.string(), pressToVerifiedMs: z.number().nullable() }),
  /** Series id to value: what "unchanged or lower" compares against. */
  'baseline.captured': z.object({ values: z.record(z.string(), z.number()) }),
  /** A secret was added, replaced or deleted: its name only. */
  'vault.changed': z.object({ op: z.enum(['put', 'delete']), name: z.string() }),
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
