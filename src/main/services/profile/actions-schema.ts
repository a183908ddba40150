/**
 * The `commands:` and `rollback:` sections: which executables may run, and
 * the plans behind the rollback button.
 */
import { z } from 'zod';
import { MaybeSecretSchema } from './secret-ref';

const Executable = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[^\s;&|`$<>]+$/, 'must be a program name or path without spaces or shell characters');

export const CommandsSchema = z
  .object({
    /** Program names (looked up on PATH) or absolute paths that may run. */
    allow: z.array(Executable).default([]),
    /** Environment for every command; secrets travel here, never in argv. */
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'is not an environment variable name'), MaybeSecretSchema).default({}),
    timeoutSeconds: z.number().min(1).max(3600).default(120),
    /** Named commands the checklist can run: argv arrays, never a command line. */
    named: z
      .record(
        z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
        z.object({ argv: z.array(z.string().max(4096)).min(1), timeoutSeconds: z.number().min(1).max(3600).optional() }).strict(),
      )
      .default({}),
  })
  .strict();
export type CommandsConfig = z.infer<typeof CommandsSchema>;

const Percent = z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');

export const RollbackStepSchema = z.union([
  /** Set a flag to a value: `{ flag: checkout_v2, set: 0 }` is a kill. */
  z.object({ flag: z.string(), set: z.union([Percent, z.string(), z.boolean()]) }).strict(),
  /** Drop a flag to the last step below its current value (P1). */
  z.object({ flag: z.string(), lastStableStep: z.literal(true) }).strict(),
  /**
   * Run an allowlisted program, argv array or the name of a `commands.named`
   * entry. `idempotent: true` says running it twice does no harm, so a run
   * interrupted by a crash may repeat it; otherwise it is never repeated.
   */
  z
    .object({
      command: z.union([z.array(z.string().max(4096)).min(1), z.string()]),
      timeoutSeconds: z.number().min(1).max(3600).optional(),
      idempotent: z.boolean().optional(),
    })
    .strict(),
  /** Wait until the named probes are up. */
  z.object({ waitForHealth: z.array(z.string()).min(1), timeoutSeconds: z.number().min(1).max(3600).default(60) }).strict(),
  /**
   * Restore the newest verified backup of a `backups:` target into its
   * database. `clean: true` drops objects first (pg_restore --clean). A
   * plan with a restore step asks for the environment's name typed, even
   * under confirm: hold. Never repeated after a crash unless `idempotent: true`.
   */
  z
    .object({
      restore: z.string().min(1).max(64),
      clean: z.boolean().default(false),
      timeoutSeconds: z.number().min(1).max(86_400).optional(),
      idempotent: z.boolean().optional(),
    })
    .strict(),
]);
export type RollbackStepConfig = z.infer<typeof RollbackStepSchema>;

export const RollbackPlanSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
    severity: z.enum(['P0', 'P1', 'P2']).optional(),
    description: z.string().max(500).optional(),
    steps: z.array(RollbackStepSchema).min(1),
  })
  .strict();
export type RollbackPlanConfig = z.infer<typeof RollbackPlanSchema>;

export const RollbackSchema = z
  .object({
    /** The deliberate act: hold the button, or type the environment's name. */
    confirm: z.enum(['hold', 'type']).default('hold'),
    /** The plan the button runs. */
    default: z.string().optional(),
    plans: z.array(RollbackPlanSchema).default([]),
  })
  .strict();
export type RollbackConfig = z.infer<typeof RollbackSchema>;
