/**
 * A session is one run of a runbook. Its journal is the truth; the state is
 * what the journal says, folded by session-state.ts in main (when the
 * journal is opened) and in the renderer (as entries arrive as events).
 * These are the schemas; session-state.ts holds the zod-free folding.
 */
import { z } from 'zod';
import { WINDOW_STATES } from './window-model';


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

/**
 * What Flightdeck itself did that satisfies a checklist item (issue 14): a
 * flag step read back, a baseline captured, a probe answering, a verified
 * backup or restore test. Carried by the item's tick, so the journal and
 * the report say why the box is ticked.
 */
export const TickEvidenceSchema = z.object({
  act: z.enum(['flag', 'baseline', 'probe', 'backup', 'restore-test']),
  /** What ran, in a sentence: "set checkout_v2 to 10 %". */
  what: z.string(),
  /** The value read back or the answer seen ("10", "200 in 42 ms"); null when the act has none. */
  readBack: z.string().nullable(),
  /** When the act happened (ISO), and who performed it. */
  at: z.string(),
  by: z.string().nullable(),
});
export type TickEvidence = z.infer<typeof TickEvidenceSchema>;

/** What the journal records; `data` shapes by type. */
export const EntryData = {
  'session.started': z.object({
    sessionId: z.string(),
    runbook: z.object({ name: z.string(), path: z.string().nullable(), sha256: z.string(), title: z.string() }),
  }),
  'runbook.loaded': z.object({ path: z.string().nullable(), sha256: z.string(), previousSha256: z.string() }),
  /** `evidence` when the operator accepted Flightdeck's offer to tick it after doing its act (absent before issue 14). */
  'item.ticked': z.object({ itemId: z.string(), checked: z.boolean(), itemText: z.string(), evidence: TickEvidenceSchema.optional() }),
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
  /**
   * The rollback guard (issue 13): an older write that was unknown landed
   * after the rollback verified its value, and the rollback wrote its own
   * value again. `landed` is the older value seen, `value` the rollback's;
   * `actionIds` the late writes, settled "landed late, overridden by rollback".
   */
  'rollback.reasserted': z.object({
    runId: z.string(),
    flag: z.string(),
    value: z.string(),
    landed: z.string(),
    actionIds: z.array(z.string()),
    /** The action that wrote the rollback's value again, and how it ended. */
    reassertActionId: z.string(),
    outcome: z.enum(['ok', 'failed', 'unknown']),
    message: z.string(),
  }),
  /** A re-read found a flag holding another value than Flightdeck last wrote (changed outside Flightdeck, or lost). */
  'flag.drifted': z.object({ flag: z.string(), expected: z.string(), seen: z.string(), message: z.string() }),
  /** Series id to value: what "unchanged or lower" compares against. */
  'baseline.captured': z.object({
    values: z.record(z.string(), z.number()),
    /** Series id to its noise over the baseline window (standard deviation); absent in journals before issue 14. */
    noise: z.record(z.string(), z.number()).optional(),
  }),
  /**
   * An exception main did not catch (app/fault-handler.ts), redacted; the action it ended, if it could tell;
   * fatal when main stopped because of it.
   */
  'app.fault': z.object({ kind: z.enum(['uncaughtException', 'unhandledRejection']), message: z.string(), actionId: z.string().nullable(), fatal: z.boolean() }),
  /** A secret was added, replaced or deleted: its name only. */
  'vault.changed': z.object({ op: z.enum(['put', 'delete', 'scope']), name: z.string(), scope: z.array(z.string()).optional() }),
  /** A person approved exactly this capability manifest (trust-model.ts); live capability is armed from here on. */
  'trust.approved': z.object({ subject: z.string(), hash: z.string(), hosts: z.number().int(), programs: z.number().int(), automatic: z.number().int() }),
  /** The approval was withdrawn, or the runbook/profile changed what it would do: back to review mode. */
  'trust.revoked': z.object({ subject: z.string(), reason: z.string() }),
  /**
   * The person pressed "Test connection" in the profile form (issue 15): a one-off approval to contact this one
   * origin, once, for one proposal, before the profile is approved. Who pressed it is the entry's `by`; no secret.
   */
  'trust.tested': z.object({ origin: z.string(), proposal: z.string(), kind: z.enum(['probe', 'flag']) }),

  // Backups (issue 5). The backup itself is an action of kind 'backup'; this is its evidence.
  /** A backup whose files are complete and verified: what the checklist item shows and the report lists. */
  'backup.verified': z.object({
    actionId: z.string(),
    /** The profile's name for the backup target. */
    name: z.string(),
    engine: z.enum(['postgres', 'mongodb', 'redis']),
    /** The backup's directory. */
    location: z.string(),
    bytes: z.number(),
    files: z.number().int(),
    /** sha256 of the manifest (which lists the sha256 of every file). */
    manifestSha256: z.string(),
    /** What verification did, one sentence each ("pg_restore --list read 12 entries"). */
    checks: z.array(z.string()),
    itemId: z.string().nullable(),
  }),

  // Gates and triggers (issue 6).
  /** A criterion a machine cannot judge, answered by a person. */
  'gate.answered': z.object({ gateId: z.string(), criterionId: z.string(), answer: z.enum(['yes', 'no']), note: z.string() }),
  /** The deliberate go / hold / roll back, with every criterion as measured at that moment. */
  'gate.decided': z.object({
    gateId: z.string(),
    phaseId: z.string().nullable(),
    decision: z.enum(['go', 'hold', 'rollback']),
    reason: z.string(),
    criteria: z.array(
      z.object({
        id: z.string(),
        text: z.string(),
        /** Runbook line the criterion came from; null when the profile added it. */
        line: z.number().int().nullable(),
        source: z.enum(['measured', 'person', 'checklist', 'signoff']),
        status: z.enum(['pass', 'fail', 'unknown']),
        value: z.number().nullable(),
        evidence: z.string(),
      }),
    ),
  }),
  /** A rollback condition held for its stated duration. */
  'trigger.fired': z.object({
    triggerId: z.string(),
    text: z.string(),
    line: z.number().int().nullable(),
    metric: z.string(),
    value: z.number().nullable(),
    heldSeconds: z.number(),
    /** The profile opted in: a cancellable countdown to an automatic rollback started. */
    autoRollback: z.boolean(),
  }),
  'trigger.acknowledged': z.object({ triggerId: z.string(), reason: z.string() }),
  /** A flag raise that a gate held, made anyway by a person with a reason (issue 14); `from` as read back, null when unknown. */
  'gate.overridden': z.object({
    flag: z.string(),
    from: z.string().nullable(),
    to: z.number(),
    reason: z.string(),
    heldBy: z.array(z.object({ kind: z.enum(['trigger', 'gate']), reason: z.string() })),
  }),
  'trigger.cleared': z.object({ triggerId: z.string() }),
  'autorollback.cancelled': z.object({ triggerId: z.string(), reason: z.string() }),

  /** The deployment window changed state (shared/window-model.ts): from, to, and why in words; the trigger and rollback it is about. */
  'window.state': z.object({
    from: z.enum(WINDOW_STATES),
    to: z.enum(WINDOW_STATES),
    cause: z.string(),
    triggerId: z.string().nullable(),
    runId: z.string().nullable(),
  }),

  // Sign-offs and the report (issue 7).
  /** A person signed for a role the runbook asks for. */
  'signoff.recorded': z.object({
    /** The runbook sign-off line or table row; null for a role the runbook does not name. */
    signoffId: z.string().nullable(),
    role: z.string(),
    name: z.string(),
    /** The signer's own Ed25519 public key (SPKI, base64) when they sign with their own key. */
    publicKey: z.string().nullable(),
  }),
  'report.exported': z.object({ pdfSha256: z.string(), pdf: z.string(), bundle: z.string() }),
} as const;
export type EntryType = keyof typeof EntryData;
export type EntryDataOf<T extends EntryType> = z.infer<(typeof EntryData)[T]>;

export const TickStateSchema = z.object({
  checked: z.boolean(),
  by: z.string().nullable(),
  at: z.string(),
  seq: z.number().int(),
  /** What Flightdeck did that the operator accepted as the item done (issue 14). */
  evidence: TickEvidenceSchema.optional(),
});
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
