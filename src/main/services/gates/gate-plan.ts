/**
 * The gate plan: what a runbook (and its profile's `gates:` section) asks
 * of a rollout, as data the evaluator can run. Extraction (extract-plan.ts)
 * builds it once per runbook; the replay CLI and the live gate service both
 * evaluate the same plan, so a rehearsal and the real window agree.
 *
 * Every criterion and trigger keeps the runbook line it came from (null
 * when the profile added it) and a stable id (heading path + normalised
 * text), so journal entries stay meaningful after the runbook is edited.
 */
import type { Comparator, MetricName, Unit } from '../../../shared/metrics';

/** A metric compared with a fixed value: "Error rate < 1%". */
export interface AbsoluteCondition {
  kind: 'absolute';
  metric: MetricName;
  op: Comparator;
  value: number;
  unit: Unit;
}

/**
 * "Error rates unchanged or lower": the metric no worse than the baseline
 * captured before the rollout, within the tolerance (tolerance.ts).
 */
export interface BaselineCondition {
  kind: 'baseline';
  metric: MetricName;
}

export type MetricCondition = AbsoluteCondition | BaselineCondition;

/** How far a metric may drift from its baseline and still count as "unchanged". */
export interface Tolerance {
  /** Relative drift allowed, in percent of the baseline value (10 = 10 %). */
  relativePercent: number;
  /** Absolute drift allowed per metric, in its unit; when set it replaces the relative rule for that metric. */
  absolute: Partial<Record<MetricName, number>>;
}

/** Keeps a value hovering at a line from flapping between true and false. */
export interface Hysteresis {
  /**
   * Once true, a condition stays true until the value is back on the healthy
   * side by this fraction of the line (5 = 5 % of the threshold value).
   */
  clearMarginPercent: number;
  /** ...and has stayed there for this long. */
  clearSeconds: number;
}

export type CriterionDef =
  | (CriterionBase & { kind: 'metric'; condition: MetricCondition })
  /** "Performance metrics within targets": every runbook threshold of this phase or an earlier one met. */
  | (CriterionBase & { kind: 'targets' })
  /** "All monitoring dashboards green": every probe up and no runbook threshold on a live series breached. */
  | (CriterionBase & { kind: 'dashboards' })
  /** The phase's checklist items all ticked. */
  | (CriterionBase & { kind: 'checklist'; phaseId: string })
  /** Sign-offs recorded for these roles (every role the runbook names when empty). */
  | (CriterionBase & { kind: 'signoff'; roles: string[] })
  /**
   * "No P0/P1 incidents": fails by itself when a rollback trigger fired in
   * the phase (a red line held is an incident); otherwise asked of the person.
   */
  | (CriterionBase & { kind: 'incidents' })
  /** Asked of the person: "User feedback neutral or positive". */
  | (CriterionBase & { kind: 'person' });

export interface CriterionBase {
  id: string;
  text: string;
  line: number | null;
}

export type CriterionKind = CriterionDef['kind'];

export interface GateDef {
  id: string;
  title: string;
  line: number | null;
  /** The phase this gate closes. */
  phaseId: string | null;
  criteria: CriterionDef[];
}

export interface FlagStep {
  flag: string;
  percent: number;
  /** Runbook line of the step ("Set `checkout_v2` to 50%"). */
  line: number;
}

export interface PhaseDef {
  id: string;
  title: string;
  line: number;
  /** Stated duration in seconds ("Monitoring (Days 1-3)" → 3 days), null when none. */
  plannedSeconds: number | null;
  flagStep: FlagStep | null;
}

export interface AutoRollback {
  /** Rollback plan name from the profile's `rollback.plans`. */
  plan: string;
  countdownSeconds: number;
}

/** A condition that, held for `forSeconds`, calls for a rollback. */
export interface TriggerDef {
  id: string;
  text: string;
  line: number | null;
  condition: AbsoluteCondition;
  forSeconds: number;
  severity: 'yellow' | 'red';
  autoRollback: AutoRollback | null;
}

/** A runbook threshold as a condition of its own, reported by the replay. */
export interface ThresholdDef {
  id: string;
  text: string;
  line: number;
  phaseId: string | null;
  condition: AbsoluteCondition;
  /** "Error rate < 0.5% for 30 minutes": must hold this long to count as met. */
  forSeconds: number;
}

export interface EvaluationSettings {
  tolerance: Tolerance;
  hysteresis: Hysteresis;
  /** No point for longer than this → unknown, never healthy. */
  staleSeconds: number;
}

export interface GatePlan {
  phases: PhaseDef[];
  gates: GateDef[];
  triggers: TriggerDef[];
  thresholds: ThresholdDef[];
  settings: EvaluationSettings;
}

export const DEFAULT_SETTINGS: EvaluationSettings = {
  tolerance: { relativePercent: 10, absolute: {} },
  hysteresis: { clearMarginPercent: 5, clearSeconds: 30 },
  staleSeconds: 30,
};
