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

export const TriggerConfigSchema = z
  .object({
    /** A runbook trigger to tune: its id or words of its text. Absent: a new trigger (metric, op, value needed). */
    match: z.string().min(1).optional(),
    text: z.string().min(1).max(300).optional(),
    metric: Metric.optional(),
    op: z.enum(COMPARATORS).optional(),
    value: z.number().optional(),
    forSeconds: Seconds.optional(),
    severity: z.enum(['yellow', 'red']).optional(),
    autoRollback: AutoRollbackConfigSchema.optional(),
  })
  .strict()
  .superRefine((trigger, ctx) => {
    if (trigger.match !== undefined) return;
    for (const key of ['text', 'metric', 'op', 'value'] as const) {
      if (trigger[key] === undefined) ctx.addIssue({ code: 'custom', message: 'is needed for a trigger the runbook does not state (or name one with match:)', path: [key] });
    }
  });
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
