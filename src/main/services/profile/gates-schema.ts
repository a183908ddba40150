/**
 * The `gates:` section (issue 6): how the profile tunes the gates the
 * runbook states. It can add or replace criteria of a gate, shorten or
 * lengthen a trigger's duration (`forSeconds`, which is how a test turns
 * "5 minutes" into a few seconds), opt a trigger in to an automatic
 * rollback after a cancellable countdown, and set the baseline tolerance,
 * the hysteresis and the staleness window. Everything is optional: a
 * runbook's own words are the default.
 */
import { z } from 'zod';
import { COMPARATORS, METRIC_NAMES } from '../../../shared/metrics';

const Metric = z.enum(METRIC_NAMES as [string, ...string[]], { error: `must be a metric of the vocabulary (${METRIC_NAMES.join(', ')})` });
const Seconds = z.number().min(0, 'must be 0 or more seconds').max(30 * 86_400, 'must be at most 30 days');

/** What a profile criterion checks. */
const CheckSchema = z.union([
  z.object({ metric: Metric, op: z.enum(COMPARATORS), value: z.number() }).strict(),
  z.object({ baseline: Metric }).strict(),
  z.enum(['person', 'checklist', 'signoff', 'targets', 'dashboards', 'incidents']),
]);

export const GateCriterionConfigSchema = z
  .object({
    /** The gate: its id, or words of its title ("Phase 1 Go/No-Go"). */
    gate: z.string().min(1),
    /** Replace this criterion of the gate (its id or words of its text) instead of adding one. */
    replaces: z.string().min(1).optional(),
    text: z.string().min(1).max(300),
    check: CheckSchema,
    /** For `check: signoff`: the roles that must sign (every role the runbook names when absent). */
    roles: z.array(z.string().min(1)).optional(),
  })
  .strict();
export type GateCriterionConfig = z.infer<typeof GateCriterionConfigSchema>;

export const AutoRollbackConfigSchema = z
  .object({
    plan: z.string().min(1),
    countdownSeconds: z.number().int('must be whole seconds').min(3, 'must be at least 3 seconds, so a person can cancel').max(600, 'must be at most 600 seconds'),
  })
  .strict();

/** "5m", "90s", "2 hours", "1.5 min": a trigger's duration as people write it. */
const DURATION = /^(\d+(?:\.\d+)?)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?)$/i;
const DURATION_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600 };

/** Seconds of a duration, or null when it is not one. */
export function durationSeconds(text: string): number | null {
  const match = DURATION.exec(text.trim());
  return match ? Number(match[1]) * DURATION_SECONDS[match[2]!.toLowerCase()[0]!]! : null;
}

const Duration = z.string().refine((text) => durationSeconds(text) !== null, { message: 'must be a duration such as "90s", "5m" or "2 hours"' });

/**
 * A trigger of the profile: one that tunes a runbook trigger (`match:`),
 * or one that stands alone (issue 15: metric, op and value, with no
 * sentence of the runbook behind it). A trigger that arms an automatic
 * rollback is in the trust manifest either way.
 */
export const TriggerConfigSchema = z
  .object({
    /** A runbook trigger to tune: its id or words of its text. Absent: a trigger of its own (metric, op, value needed). */
    match: z.string().min(1).optional(),
    /** How the trigger is named on screen; a trigger of its own without one is named by its condition. */
    text: z.string().min(1).max(300).optional(),
    metric: Metric.optional(),
    op: z.enum(COMPARATORS).optional(),
    value: z.number().optional(),
    forSeconds: Seconds.optional(),
    /** The same as forSeconds, as people write it ("5m"); give one or the other. */
    duration: Duration.optional(),
    severity: z.enum(['yellow', 'red']).optional(),
    autoRollback: AutoRollbackConfigSchema.optional(),
  })
  .strict()
  .superRefine((trigger, ctx) => {
    if (trigger.forSeconds !== undefined && trigger.duration !== undefined) ctx.addIssue({ code: 'custom', message: 'and forSeconds both say how long; give one of them', path: ['duration'] });
    const seconds = trigger.duration === undefined ? null : durationSeconds(trigger.duration);
    if (seconds !== null && seconds > 30 * 86_400) ctx.addIssue({ code: 'custom', message: 'must be at most 30 days', path: ['duration'] });
    if (trigger.match !== undefined) return;
    for (const key of ['metric', 'op', 'value'] as const) {
      if (trigger[key] === undefined) ctx.addIssue({ code: 'custom', message: 'is needed for a trigger the runbook does not state (or name one with match:)', path: [key] });
    }
  })
  .transform(({ duration, ...trigger }) => (duration === undefined ? trigger : { ...trigger, forSeconds: durationSeconds(duration)! }));
export type TriggerConfig = z.infer<typeof TriggerConfigSchema>;

export const GatesConfigSchema = z
  .object({
    /**
     * Gates hold (issue 14): main refuses to raise a flag while a red trigger
     * fires or a gate before the step has no go, unless the write carries an
     * override with a reason. false makes the holds advisory (shown, not enforced).
     */
    enforce: z.boolean().default(true),
    tolerance: z
      .object({
        /** "Unchanged" allows this drift from the baseline, in percent of it. */
        relativePercent: z.number().min(0).max(1000).default(10),
        /** Or this absolute drift per metric, in the metric's unit (replaces the relative rule for it). */
        absolute: z.partialRecord(Metric, z.number().min(0)).default({}),
      })
      .strict()
      .default({ relativePercent: 10, absolute: {} }),
    hysteresis: z
      .object({
        clearMarginPercent: z.number().min(0).max(100).default(5),
        clearSeconds: Seconds.default(30),
      })
      .strict()
      .default({ clearMarginPercent: 5, clearSeconds: 30 }),
    /** No sample for this long and a metric is unknown, never healthy. */
    staleSeconds: z.number().min(1).max(3600).default(30),
    /**
     * How long a trigger whose runbook states no duration ("red flag: > 1%")
     * must hold before it fires: two readings at the usual probe interval, so
     * one noisy scrape (a rate over a short window) cannot raise the alarm.
     */
    minHoldSeconds: z.number().min(0).max(3600).default(10),
    criteria: z.array(GateCriterionConfigSchema).default([]),
    triggers: z.array(TriggerConfigSchema).default([]),
  })
  .strict();
export type GatesConfig = z.infer<typeof GatesConfigSchema>;

export const DEFAULT_GATES_CONFIG: GatesConfig = GatesConfigSchema.parse({});

/** References to other sections (rollback plans), for the loader's line-numbered check. */
export function gateReferenceProblems(
  config: GatesConfig,
  planNames: ReadonlySet<string>,
  restoringPlans: ReadonlySet<string> = new Set(),
): Array<{ path: (string | number)[]; message: string }> {
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  config.triggers.forEach((trigger, index) => {
    const at = ['gates', 'triggers', index, 'autoRollback', 'plan'];
    if (trigger.autoRollback && !planNames.has(trigger.autoRollback.plan)) {
      problems.push({ path: at, message: `names plan "${trigger.autoRollback.plan}", which rollback.plans does not define.` });
    } else if (trigger.autoRollback && restoringPlans.has(trigger.autoRollback.plan)) {
      // A restore needs the environment's name typed by a person; it can never start by itself.
      problems.push({ path: at, message: `names plan "${trigger.autoRollback.plan}", which restores a backup: such a plan never starts automatically.` });
    }
  });
  return problems;
}
