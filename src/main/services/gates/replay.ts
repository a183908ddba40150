/**
 * A rehearsal: runs a recorded metric history through the gate evaluator
 * and lists, in time order, every change of every condition: a runbook
 * target met or missed, a rollback trigger pending, fired or cleared, a gate
 * criterion passing or failing, each with the runbook line it came from.
 * Criteria a machine cannot judge stay unknown and are named in the summary.
 */
import type { CriterionStatus } from '../../../shared/gate-model';
import { GateEvaluator, REPLAY_CONTEXT, type CriteriaContext } from './gate-evaluator';
import { describeCondition } from './conditions';
import type { GatePlan } from './gate-plan';
import type { MetricHistory } from './metric-history';

export interface ReplayEvent {
  /** ISO time the condition changed (a duration reached between points is interpolated). */
  at: string;
  kind: 'threshold' | 'trigger' | 'criterion';
  id: string;
  text: string;
  /** Runbook line; null for what the profile added. */
  line: number | null;
  /** threshold: met | missed | pending | unknown; trigger: pending | fired | cleared | unknown; criterion: pass | fail | unknown. */
  state: string;
  /** For a threshold or trigger: the comparison, "error_rate > 2 % for 300 s". */
  condition?: string;
  metric: string | null;
  value: number | null;
  /** For a criterion: the gate's title. */
  gate?: string;
  evidence?: string;
}

export interface GateSummary {
  id: string;
  title: string;
  line: number | null;
  status: CriterionStatus;
  pass: number;
  fail: number;
  unknown: number;
}

export interface ReplayResult {
  events: ReplayEvent[];
  gates: GateSummary[];
  from: string | null;
  to: string | null;
}

const TRIGGER_STATE = { true: 'fired', pending: 'pending', false: 'cleared', unknown: 'unknown' } as const;

export function replay(plan: GatePlan, history: MetricHistory): ReplayResult {
  const evaluator = new GateEvaluator(plan);
  evaluator.setBaseline(history.baseline, history.noise);
  const fired = new Set<string>();
  const context: CriteriaContext = { ...REPLAY_CONTEXT, firedInPhase: () => [...fired] };
  const events: ReplayEvent[] = [];
  const criterionStatus = new Map<string, CriterionStatus>();

  const judgeAll = (at: number) => {
    for (const gate of plan.gates) {
      const { criteria } = evaluator.judgeGate(gate, context);
      for (const c of criteria) {
        const key = `${gate.id}\u0000${c.id}`;
        const before = criterionStatus.get(key) ?? 'unknown';
        if (before === c.status) continue;
        criterionStatus.set(key, c.status);
        events.push({ at: new Date(at).toISOString(), kind: 'criterion', id: c.id, text: c.text, line: c.line, state: c.status, metric: null, value: c.value, gate: gate.title, evidence: c.evidence });
      }
    }
  };

  const points = history.points;
  for (let i = 0; i < points.length; i++) {
    const point = points[i]!;
    const changes = evaluator.point(point.at, point.metric, point.value);
    for (const t of changes.triggers) {
      // pending → false is not news; a trigger that only went pending and back stays quiet.
      const state = t.to === 'false' && t.from !== 'true' ? null : TRIGGER_STATE[t.to];
      // A red line held is an incident; a yellow flag is a warning.
      if (t.to === 'true' && t.trigger.severity === 'red') fired.add(`${t.trigger.text} (line ${t.trigger.line ?? 'profile'})`);
      if (state === null || (t.to === 'unknown' && t.from === 'unknown')) continue;
      events.push({ at: new Date(t.at).toISOString(), kind: 'trigger', id: t.trigger.id, text: t.trigger.text, line: t.trigger.line, state, metric: t.trigger.condition.metric, value: t.value, condition: describeCondition(t.trigger.condition, t.trigger.forSeconds) });
    }
    for (const t of changes.thresholds) {
      events.push({ at: new Date(t.at).toISOString(), kind: 'threshold', id: t.threshold.id, text: t.threshold.text, line: t.threshold.line, state: t.to, metric: t.threshold.condition.metric, value: t.value, condition: describeCondition(t.threshold.condition, t.threshold.forSeconds) });
    }
    // Criteria are judged once all points of one moment are in.
    if (points[i + 1]?.at !== point.at) judgeAll(point.at);
  }
  events.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));

  const gates: GateSummary[] = plan.gates.map((gate) => {
    const { status, criteria } = evaluator.judgeGate(gate, context);
    const count = (s: CriterionStatus) => criteria.filter((c) => c.status === s).length;
    return { id: gate.id, title: gate.title, line: gate.line, status, pass: count('pass'), fail: count('fail'), unknown: count('unknown') };
  });
  const from = points[0] ? new Date(points[0].at).toISOString() : null;
  const to = points.at(-1) ? new Date(points.at(-1)!.at).toISOString() : null;
  return { events, gates, from, to };
}
