/**
 * What the renderer sees of the control side: the vault (names, never
 * values), flags, commands, actions with honest outcomes, and the rollback
 * run. Outcomes are ok, failed or unknown: a timeout is unknown until a
 * read-back settles it.
 */
import { z } from 'zod';
import { TickEvidenceSchema } from './session-model';

export const OUTCOMES = ['running', 'ok', 'failed', 'unknown'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const VaultStatusSchema = z.object({
  /** safeStorage: the OS keyring holds the key. passphrase: scrypt + AES-256-GCM, unlocked once per session. */
  kind: z.enum(['safe-storage', 'passphrase']),
  /** uninitialised: no passphrase chosen yet (the first unlock sets it). */
  state: z.enum(['uninitialised', 'locked', 'unlocked']),
  /** Names of stored secrets; values never leave main. */
  names: z.array(z.string()),
  /** Names the profile refers to that the vault does not hold. */
  missing: z.array(z.string()),
  /** Where each scoped secret may be sent (origins, host:port, program:NAME); scopes are not secret. */
  scopes: z.record(z.string(), z.array(z.string())),
  /** Stored secrets with no scope yet (stored before scopes existed): sent nowhere until given one. */
  unscoped: z.array(z.string()),
});
export type VaultStatus = z.infer<typeof VaultStatusSchema>;

export const ActionRecordSchema = z.object({
  id: z.string(),
  kind: z.enum(['flag', 'command', 'rollback-step', 'backup', 'restore']),
  title: z.string(),
  by: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
  /** What is known, in a sentence: "set to 50 and read back 50", "timed out; read-back shows 10". */
  message: z.string(),
  /** Inputs as journaled, secrets redacted. */
  inputs: z.record(z.string(), z.string()),
  durationMs: z.number().nullable(),
});
export type ActionRecord = z.infer<typeof ActionRecordSchema>;

export const FlagViewSchema = z.object({
  name: z.string(),
  backend: z.string(),
  /** Where it lives, without credentials. */
  target: z.string(),
  steps: z.array(z.number()),
  /** Last value read back; null before the first read or when unreadable. */
  value: z.union([z.number(), z.string(), z.boolean()]).nullable(),
  readAt: z.string().nullable(),
  readError: z.string().nullable(),
  testUsers: z.array(z.string()),
  /** A re-read found another value than Flightdeck last wrote (changed outside it, or lost); null when none. */
  drift: z.object({ expected: z.string(), seen: z.string(), at: z.string() }).nullable(),
  /** A rollback's guard keeps this value while earlier writes (action ids) may still land, until `until`; null when none. */
  guard: z.object({ runId: z.string(), value: z.string(), watching: z.array(z.string()), until: z.string() }).nullable(),
});
export type FlagView = z.infer<typeof FlagViewSchema>;

/**
 * Something put a flag where Flightdeck did not: an older write landed
 * after a rollback (and was overridden, or could not be), or the flag
 * changed outside Flightdeck. The renderer shows it in the alarm banner.
 */
export const FlagAlertSchema = z.object({
  id: z.string(),
  flag: z.string(),
  kind: z.enum(['reasserted', 'reassert-failed', 'drifted']),
  message: z.string(),
  at: z.string(),
});
export type FlagAlert = z.infer<typeof FlagAlertSchema>;

export const FlagPreviewSchema = z.object({
  flag: z.string(),
  from: z.union([z.number(), z.string(), z.boolean()]).nullable(),
  to: z.number(),
  /** Test accounts inside the rollout at `to` percent (Unleash bucketing). */
  inside: z.array(z.string()),
  outside: z.array(z.string()),
  /** Accounts that join (were outside at the current value). */
  joining: z.array(z.string()),
});
export type FlagPreview = z.infer<typeof FlagPreviewSchema>;

export const CommandViewSchema = z.object({
  id: z.string(),
  source: z.enum(['profile', 'runbook']),
  title: z.string(),
  /** The argv that would run; never holds a secret (those travel in the environment). */
  argv: z.array(z.string()),
  /** Runbook line of the code block it came from. */
  line: z.number().int().nullable(),
  itemId: z.string().nullable(),
  /** Whether it may run; copy-only otherwise, with the reason. */
  runnable: z.boolean(),
  reason: z.string().nullable(),
  /** A well-known command offered as a native action instead of a process. */
  native: z.enum(['probe', 'flag', 'backup', 'rollback', 'redis', 'command']).nullable(),
});
export type CommandView = z.infer<typeof CommandViewSchema>;

export const RollbackStepViewSchema = z.object({
  index: z.number().int(),
  title: z.string(),
  outcome: z.enum(['pending', ...OUTCOMES]),
  message: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});

export const PlanViewSchema = z.object({
  name: z.string(),
  severity: z.string().nullable(),
  description: z.string().nullable(),
  steps: z.array(z.object({ index: z.number().int(), title: z.string() })),
  /** The act this plan asks for: "type" for a plan that restores a database, whatever the profile's rule. */
  confirm: z.enum(['hold', 'type']),
});
export type PlanView = z.infer<typeof PlanViewSchema>;

export const RollbackRunSchema = z.object({
  id: z.string(),
  plan: z.string(),
  by: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  outcome: z.enum(OUTCOMES),
  steps: z.array(RollbackStepViewSchema),
  /** From the button's press to the last verified step. */
  pressToVerifiedMs: z.number().nullable(),
  /** Resumed after a crash or restart. */
  resumed: z.boolean(),
});
export type RollbackRun = z.infer<typeof RollbackRunSchema>;

/** How far a backup is: bytes, and rows, documents or keys when the engine counts them. */
export const BackupProgressSchema = z.object({
  phase: z.enum(['estimating', 'dumping', 'verifying', 'restore-test', 'finishing']),
  bytes: z.number(),
  done: z.number().nullable(),
  total: z.number().nullable(),
  unit: z.enum(['rows', 'documents', 'keys', 'tables', 'collections']).nullable(),
  estimatedBytes: z.number().nullable(),
  secondsLeft: z.number().nullable(),
});
export type BackupProgressView = z.infer<typeof BackupProgressSchema>;

export const BackupProgressEventSchema = z.object({ actionId: z.string(), name: z.string(), progress: BackupProgressSchema });
export type BackupProgressEvent = z.infer<typeof BackupProgressEventSchema>;

/** A verified backup as the journal records it: the evidence the checklist item shows. */
export const BackupEvidenceSchema = z.object({
  actionId: z.string(),
  at: z.string(),
  by: z.string().nullable(),
  location: z.string(),
  bytes: z.number(),
  files: z.number().int(),
  manifestSha256: z.string(),
  checks: z.array(z.string()),
  /** Verified by loading it into a scratch database or server too. */
  restoreTested: z.boolean(),
});
export type BackupEvidence = z.infer<typeof BackupEvidenceSchema>;

export const BackupViewSchema = z.object({
  name: z.string(),
  engine: z.enum(['postgres', 'mongodb', 'redis']),
  /** Where it reads from, without credentials. */
  source: z.string(),
  /** Where backups of this target are kept. */
  root: z.string(),
  /** The checklist item a verified backup ticks. */
  itemId: z.string().nullable(),
  /** The run under way, with its latest progress. */
  running: z.object({ actionId: z.string(), restoreTest: z.boolean(), progress: BackupProgressSchema.nullable() }).nullable(),
  /** How the latest backup action of this target ended (a failure's reason shows here). */
  last: z.object({ actionId: z.string(), outcome: z.enum(OUTCOMES), message: z.string(), endedAt: z.string().nullable(), restoreTest: z.boolean() }).nullable(),
  /** The newest verified backup in this session. */
  verified: BackupEvidenceSchema.nullable(),
});
export type BackupView = z.infer<typeof BackupViewSchema>;

/**
 * Flightdeck did what an unticked item says (a flag step read back, a
 * baseline, a probe answering) and offers to tick it with that evidence;
 * nothing is ticked until the operator accepts (acceptTickOffer).
 */
export const TickOfferSchema = z.object({ itemId: z.string(), itemText: z.string(), evidence: TickEvidenceSchema });
export type TickOffer = z.infer<typeof TickOfferSchema>;

export const ControlStateSchema = z.object({
  /** Rises with every state main hands out, so a late answer never overwrites a newer event. */
  revision: z.number().int(),
  /** The profile in force, null when the runbook has none. */
  profile: z.object({ file: z.string(), origin: z.enum(['front-matter', 'file', 'demo']), environment: z.string() }).nullable(),
  /** Why there is no profile when the runbook has one that failed to load. */
  profileError: z.string().nullable(),
  vault: VaultStatusSchema,
  flags: z.array(FlagViewSchema),
  commands: z.array(CommandViewSchema),
  plans: z.array(PlanViewSchema),
  defaultPlan: z.string().nullable(),
  confirm: z.enum(['hold', 'type']),
  /** The most recent actions, newest last. */
  actions: z.array(ActionRecordSchema),
  rollback: RollbackRunSchema.nullable(),
  /** Flag alarms of this activation (rollback guard, drift), oldest first. */
  flagAlerts: z.array(FlagAlertSchema),
  /** The profile's backup targets with their latest evidence. */
  backups: z.array(BackupViewSchema),
  /** The "Backup verified (restore test ...)" item, ticked when a restore test passes. */
  restoreTestItemId: z.string().nullable(),
  /** Items Flightdeck offers to tick because it did their act, oldest first. */
  tickOffers: z.array(TickOfferSchema),
});
export type ControlState = z.infer<typeof ControlStateSchema>;
