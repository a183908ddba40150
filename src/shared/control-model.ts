/**
 * What the renderer sees of the control side: the vault (names, never
 * values), flags, commands, actions with honest outcomes, and the rollback
 * run. Outcomes are ok, failed or unknown: a timeout is unknown until a
 * read-back settles it.
 */
import { z } from 'zod';

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
});
export type FlagView = z.infer<typeof FlagViewSchema>;

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
});
export type ControlState = z.infer<typeof ControlStateSchema>;
