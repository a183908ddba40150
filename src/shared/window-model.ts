/**
 * The deployment window's state, as main's state machine knows it
 * (src/main/services/window/window-machine.ts) and the renderer shows it in
 * the alarm banner: healthy → a trigger holding → firing → acknowledged or
 * a rollback running → rollback verified, metrics recovering → recovered;
 * or the rollback failed. Every change is journaled as `window.state`.
 */
import { z } from 'zod';

export const WINDOW_STATES = ['healthy', 'holding', 'firing', 'acknowledged', 'rolling-back', 'recovering', 'recovered', 'rollback-failed'] as const;
export type WindowStateName = (typeof WINDOW_STATES)[number];

export const WindowRollbackSchema = z.object({
  runId: z.string(),
  plan: z.string(),
  /** Who pressed; null when main started it (an automatic rollback). */
  by: z.string().nullable(),
  automatic: z.boolean(),
  startedAt: z.string(),
  /** When its steps' own checks had all passed (or it failed); null while running. */
  endedAt: z.string().nullable(),
  outcome: z.enum(['running', 'ok', 'failed', 'unknown']),
  /** Each step with what its own check said ("read back 0", "shop-health answering"). */
  steps: z.array(z.object({ title: z.string(), outcome: z.enum(['pending', 'running', 'ok', 'failed', 'unknown']), message: z.string() })),
  message: z.string(),
});
export type WindowRollback = z.infer<typeof WindowRollbackSchema>;

export const WindowViewSchema = z.object({
  revision: z.number().int(),
  state: z.enum(WINDOW_STATES),
  /** When this state began (ISO). */
  since: z.string(),
  /** Why, in words: "Error rate above 2% fired", "rollback P0 verified". */
  cause: z.string(),
  /** The trigger this state is about (the one that held or fired), when there is one. */
  triggerId: z.string().nullable(),
  /** The latest rollback of this session, once one ran. */
  rollback: WindowRollbackSchema.nullable(),
  /** When the metrics were back inside their lines after the latest rollback. */
  recoveredAt: z.string().nullable(),
});
export type WindowView = z.infer<typeof WindowViewSchema>;
