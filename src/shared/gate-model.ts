/**
 * What the renderer sees of gates, rollback triggers and the phase flow.
 * Main evaluates (src/main/services/gates/); the renderer draws this and
 * asks for deliberate acts (answer, decide, acknowledge, cancel). A value
 * that cannot be measured is `unknown`, never a pass.
 */
import { z } from 'zod';

export const CRITERION_STATUS = ['pass', 'fail', 'unknown'] as const;
export type CriterionStatus = (typeof CRITERION_STATUS)[number];

export const CriterionViewSchema = z.object({
  id: z.string(),
  text: z.string(),
  /** Runbook line it came from; null when the profile added it. */
  line: z.number().int().nullable(),
  /**
   * measured: a metric against a threshold or the baseline; person: asked of
   * the user; checklist: the phase's items ticked; signoff: a role signed.
   */
  source: z.enum(['measured', 'person', 'checklist', 'signoff']),
  status: z.enum(CRITERION_STATUS),
  /** The measured value in the metric's unit, when there is one. */
  value: z.number().nullable(),
  unit: z.string().nullable(),
  /** One sentence a reviewer can check: "error_rate 0.42 % ≤ baseline 0.40 % + 0.10". */
  evidence: z.string(),
  /** For person criteria: the latest answer, who gave it and when. */
  answer: z.object({ answer: z.enum(['yes', 'no']), by: z.string().nullable(), at: z.string(), note: z.string() }).nullable(),
});
export type CriterionView = z.infer<typeof CriterionViewSchema>;

export const DecisionViewSchema = z.object({
  decision: z.enum(['go', 'hold', 'rollback']),
  reason: z.string(),
  by: z.string().nullable(),
  at: z.string(),
});
export type DecisionView = z.infer<typeof DecisionViewSchema>;

export const GateViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  line: z.number().int().nullable(),
  /** The phase this gate closes. */
  phaseId: z.string().nullable(),
  criteria: z.array(CriterionViewSchema),
  /** pass only when every criterion passes. */
  status: z.enum(CRITERION_STATUS),
  /** The latest decision at this gate, if any. */
  decision: DecisionViewSchema.nullable(),
});
export type GateView = z.infer<typeof GateViewSchema>;

export const TriggerViewSchema = z.object({
  id: z.string(),
  /** The runbook's words: "Error rate above 2% for more than 5 minutes". */
  text: z.string(),
  line: z.number().int().nullable(),
  metric: z.string(),
  /** Red alarms and can roll back; yellow is a warning shown in the list, never an alarm. */
  severity: z.enum(['yellow', 'red']),
  /** The comparison as evaluated, "error_rate > 2 % for 300 s": tells apart two triggers read from one sentence. */
  condition: z.string().optional(),
  /** The comparison and its line as numbers ("> 2"), so the alarm rule can tell how far past it a value is. */
  op: z.enum(['<', '<=', '>', '>=']).optional(),
  threshold: z.number().optional(),
  /** The reading when it last fired (journaled in trigger.fired); null when it is not firing. */
  firedValue: z.number().nullable().optional(),
  /** quiet: condition false; pending: true but not yet for its duration; firing: held for its duration; unknown: no data. */
  state: z.enum(['quiet', 'pending', 'firing', 'unknown']),
  value: z.number().nullable(),
  unit: z.string().nullable(),
  forSeconds: z.number(),
  /** How long the condition has held so far (seconds), 0 when quiet. */
  heldSeconds: z.number(),
  acknowledged: z.boolean(),
  /** Profile opted in to an automatic rollback for this trigger. */
  autoRollback: z.boolean(),
  /** A running countdown to the automatic rollback: when it will start (epoch ms); null when none runs. */
  countdownEndsAt: z.number().nullable(),
});
export type TriggerView = z.infer<typeof TriggerViewSchema>;

export const PhaseViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  line: z.number().int(),
  /** The runbook's stated duration ("Monitoring (15 minutes)"), in seconds; null when it states none. */
  plannedSeconds: z.number().nullable(),
  /** When the phase was entered (epoch ms); null when not yet. */
  enteredAt: z.number().nullable(),
  /** The flag step this phase sets ("Set checkout_v2 to 50%"), when the runbook says so. */
  flagStep: z.object({ flag: z.string(), percent: z.number() }).nullable(),
});
export type PhaseView = z.infer<typeof PhaseViewSchema>;

export const GatesStateSchema = z.object({
  revision: z.number().int(),
  phases: z.array(PhaseViewSchema),
  currentPhaseId: z.string().nullable(),
  gates: z.array(GateViewSchema),
  triggers: z.array(TriggerViewSchema),
  /**
   * The next flag step; null when there is none, with the reason in
   * `nextStepBlockedBy`. While a hold applies to it (a gate without a go, a
   * red trigger firing) it is still named, with the hold in `nextStepBlockedBy`.
   */
  nextStep: z.object({ phaseId: z.string(), flag: z.string(), percent: z.number() }).nullable(),
  nextStepBlockedBy: z.string().nullable(),
  /** Whether the evaluator has live data (a profile with probes) or only the runbook. */
  live: z.boolean(),
  /**
   * Flag raises held now (shared/flag-holds.ts): by a firing red trigger or a
   * gate without a go. Main refuses such a write unless it carries an override
   * with a reason; `enforce` false (the profile's gates.enforce) makes them advisory.
   */
  flagHolds: z.array(z.object({ flag: z.string(), above: z.number(), kind: z.enum(['trigger', 'gate']), reason: z.string() })).optional(),
  enforce: z.boolean().optional(),
});
export type GatesState = z.infer<typeof GatesStateSchema>;
