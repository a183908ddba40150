/**
 * The one evaluator behind both the rehearsal (replay-command.ts) and the
 * live panel (app/live-gates.ts). It is fed (time, metric, value | null)
 * points, one stream per metric (the live source combines several probes
 * into the worst reading first), follows every trigger and runbook
 * threshold with a ConditionTracker, and judges gate criteria on demand
 * from the latest fresh values, the baseline and what the context knows
 * (probe health, ticks, sign-offs, answers). No clock inside: `now` is
 * always the time of the latest point or tick.
 */
import { METRICS, type MetricName } from '../../../shared/metrics';
import type { CriterionStatus, CriterionView } from '../../../shared/gate-model';
import { formatValue } from '../../../shared/format';
import { compare, negate } from './conditions';
import { ConditionTracker, type TrackState, type Transition } from './condition-tracker';
import type { CriterionDef, GateDef, GatePlan, ThresholdDef, TriggerDef } from './gate-plan';
import { compareWithBaseline } from './tolerance';

/** pending: a target with a duration that holds but not yet for that long. */
export type ThresholdState = 'met' | 'missed' | 'pending' | 'unknown';

export interface Answer {
  answer: 'yes' | 'no';
  by: string | null;
  at: string;
  note: string;
}

/** What only the live cockpit knows; the replay passes REPLAY_CONTEXT. */
export interface CriteriaContext {
  /** Probe status lights; empty when there are no probes (replay). */
  probes: ReadonlyArray<{ name: string; health: 'up' | 'degraded' | 'down' | 'unknown' }>;
  /** Ticked and total checklist items of a phase; null when unknown (replay). */
  checklist(phaseId: string): { done: number; total: number } | null;
  /** Roles signed so far; null when unknown (replay). */
  signedRoles(): ReadonlySet<string> | null;
  answer(gateId: string, criterionId: string): Answer | null;
  /** Triggers that fired since the phase was entered (journal), for "No P0/P1 incidents". */
  firedInPhase(phaseId: string | null): string[];
}

export const REPLAY_CONTEXT: CriteriaContext = {
  probes: [],
  checklist: () => null,
  signedRoles: () => null,
  answer: () => null,
  firedInPhase: () => [],
};

export interface TriggerChange extends Transition {
  trigger: TriggerDef;
}

export interface ThresholdChange {
  threshold: ThresholdDef;
  at: number;
  from: ThresholdState;
  to: ThresholdState;
  value: number | null;
}

interface Latest {
  at: number;
  value: number | null;
}

export class GateEvaluator {
  private readonly triggerTrackers = new Map<string, ConditionTracker>();
  private readonly thresholdTrackers = new Map<string, ConditionTracker>();
  private readonly latest = new Map<MetricName, Latest>();
  /** Metrics that have reported at least once: a threshold on a metric nobody measures is left out of "targets". */
  private readonly seen = new Set<MetricName>();
  private baseline: Partial<Record<MetricName, number>> | null = null;
  private noise: Partial<Record<MetricName, number>> = {};
  private now = 0;

  constructor(readonly plan: GatePlan) {
    const { staleSeconds, hysteresis } = plan.settings;
    for (const trigger of plan.triggers) {
      const { op, value } = trigger.condition;
      this.triggerTrackers.set(trigger.id, new ConditionTracker({ op, line: value, forSeconds: trigger.forSeconds, staleSeconds, hysteresis }));
    }
    for (const threshold of plan.thresholds) {
      const { op, value } = threshold.condition;
      // A target with a duration is met only once it has held that long; one
      // without is missed the moment it is crossed, and stays missed until
      // clearly back (hysteresis on the unhealthy side only).
      const tracker =
        threshold.forSeconds > 0
          ? new ConditionTracker({ op, line: value, forSeconds: threshold.forSeconds, staleSeconds, hysteresis: null })
          : new ConditionTracker({ op: negate(op), line: value, forSeconds: 0, staleSeconds, hysteresis });
      this.thresholdTrackers.set(threshold.id, tracker);
    }
  }

  get time(): number {
    return this.now;
  }

  /** `noise`: each metric's standard deviation over the baseline window, the floor of "unchanged" (tolerance.ts). */
  setBaseline(values: Partial<Record<MetricName, number>> | null, noise: Partial<Record<MetricName, number>> = {}): void {
    this.baseline = values;
    this.noise = noise;
  }

  /** A reading of one metric at `at`; returns the trigger and threshold changes it caused, in time order. */
  point(at: number, metric: MetricName, value: number | null): { triggers: TriggerChange[]; thresholds: ThresholdChange[] } {
    const ticked = this.tick(at);
    this.latest.set(metric, { at, value });
    if (value !== null) this.seen.add(metric);
    for (const trigger of this.plan.triggers) {
      if (trigger.condition.metric !== metric) continue;
      for (const t of this.triggerTrackers.get(trigger.id)!.point(at, value)) ticked.triggers.push({ ...t, trigger });
    }
    for (const threshold of this.plan.thresholds) {
      if (threshold.condition.metric !== metric) continue;
      const tracker = this.thresholdTrackers.get(threshold.id)!;
      for (const t of tracker.point(at, value)) pushThreshold(ticked.thresholds, threshold, t);
    }
    return sortChanges(ticked);
  }

  /** Advances time without a reading: stale metrics become unknown. */
  tick(now: number): { triggers: TriggerChange[]; thresholds: ThresholdChange[] } {
    this.now = Math.max(this.now, now);
    const triggers: TriggerChange[] = [];
    const thresholds: ThresholdChange[] = [];
    for (const trigger of this.plan.triggers) {
      for (const t of this.triggerTrackers.get(trigger.id)!.tick(now)) triggers.push({ ...t, trigger });
    }
    for (const threshold of this.plan.thresholds) {
      for (const t of this.thresholdTrackers.get(threshold.id)!.tick(now)) pushThreshold(thresholds, threshold, t);
    }
    return { triggers, thresholds };
  }

  triggerState(id: string): { state: TrackState; value: number | null; heldSeconds: number } {
    const tracker = this.triggerTrackers.get(id);
    if (!tracker) return { state: 'unknown', value: null, heldSeconds: 0 };
    return { state: tracker.state, value: tracker.state === 'unknown' ? null : tracker.value, heldSeconds: tracker.heldSeconds };
  }

  thresholdState(id: string): ThresholdState {
    const threshold = this.plan.thresholds.find((t) => t.id === id);
    const tracker = this.thresholdTrackers.get(id);
    if (!threshold || !tracker) return 'unknown';
    return thresholdStateOf(threshold, tracker.state);
  }

  /** The latest fresh value of a metric, or null (never seen, a gap, or older than the staleness window). */
  value(metric: MetricName): number | null {
    const latest = this.latest.get(metric);
    if (!latest || latest.value === null) return null;
    return this.now - latest.at > this.plan.settings.staleSeconds * 1000 ? null : latest.value;
  }

  /** Every criterion of a gate as measured now, and the gate's overall status. */
  judgeGate(gate: GateDef, context: CriteriaContext): { status: CriterionStatus; criteria: CriterionView[] } {
    const criteria = gate.criteria.map((criterion) => this.judge(gate, criterion, context));
    return { status: overall(criteria.map((c) => c.status)), criteria };
  }

  judge(gate: GateDef, criterion: CriterionDef, context: CriteriaContext): CriterionView {
    const answer = context.answer(gate.id, criterion.id);
    const base = { id: criterion.id, text: criterion.text, line: criterion.line, answer, value: null, unit: null } as const;
    switch (criterion.kind) {
      case 'metric': {
        const { metric } = criterion.condition;
        const unit = METRICS[metric].unit;
        const value = this.value(metric);
        if (value === null) return { ...base, source: 'measured', unit, status: 'unknown', evidence: `${metric}: no fresh reading` };
        if (criterion.condition.kind === 'absolute') {
          const { op, value: line } = criterion.condition;
          const pass = compare(value, op, line);
          return { ...base, source: 'measured', value, unit, status: pass ? 'pass' : 'fail', evidence: `${metric} ${formatValue(value, unit)} ${pass ? op : negate(op)} ${formatValue(line, unit)}` };
        }
        const baseline = this.baseline?.[metric];
        if (baseline === undefined) return { ...base, source: 'measured', value, unit, status: 'unknown', evidence: `${metric} ${formatValue(value, unit)}, but no baseline was captured for it` };
        const verdict = compareWithBaseline(metric, value, baseline, this.plan.settings.tolerance, this.noise[metric]);
        return { ...base, source: 'measured', value, unit, status: verdict.pass ? 'pass' : 'fail', evidence: verdict.evidence };
      }
      case 'targets':
        return { ...base, source: 'measured', ...this.targets(gate) };
      case 'dashboards':
        return { ...base, source: 'measured', ...this.dashboards(context) };
      case 'checklist': {
        const progress = context.checklist(criterion.phaseId);
        if (!progress) return { ...base, source: 'checklist', status: 'unknown', evidence: 'checklist progress is not known here' };
        const status = progress.done >= progress.total ? 'pass' : 'fail';
        return { ...base, source: 'checklist', value: progress.done, unit: 'count', status, evidence: `${progress.done} of ${progress.total} items ticked` };
      }
      case 'signoff': {
        const signed = context.signedRoles();
        if (!signed) return { ...base, source: 'signoff', status: 'unknown', evidence: 'sign-offs are not known here' };
        const missing = criterion.roles.filter((role) => !signed.has(role));
        return { ...base, source: 'signoff', status: missing.length === 0 ? 'pass' : 'fail', evidence: missing.length === 0 ? `signed: ${criterion.roles.join(', ')}` : `not yet signed: ${missing.join(', ')}` };
      }
      case 'incidents': {
        const fired = context.firedInPhase(gate.phaseId);
        if (fired.length > 0) return { ...base, source: 'person', status: 'fail', evidence: `rollback trigger fired in this phase: ${fired.join('; ')}` };
        return { ...base, source: 'person', ...personStatus(answer, 'no rollback trigger fired in this phase') };
      }
      case 'person':
        return { ...base, source: 'person', ...personStatus(answer, null) };
    }
  }

  /** "Performance metrics within targets": every measured threshold of the gate's phase or an earlier one. */
  private targets(gate: GateDef): { status: CriterionStatus; evidence: string } {
    const order = this.plan.phases.map((p) => p.id);
    const upTo = gate.phaseId === null ? order.length - 1 : order.indexOf(gate.phaseId);
    const applicable = this.plan.thresholds.filter((t) => t.phaseId === null || order.indexOf(t.phaseId) <= upTo);
    const measured = applicable.filter((t) => this.seen.has(t.condition.metric));
    if (measured.length === 0) return { status: 'unknown', evidence: 'none of the runbook targets is measured' };
    const missed = measured.filter((t) => this.thresholdState(t.id) === 'missed');
    const unknown = measured.filter((t) => this.thresholdState(t.id) === 'unknown');
    const pending = measured.filter((t) => this.thresholdState(t.id) === 'pending');
    const notMeasured = [...new Set(applicable.filter((t) => !measured.includes(t)).map((t) => t.condition.metric))];
    const tail = notMeasured.length > 0 ? ` (not measured: ${notMeasured.join(', ')})` : '';
    if (missed.length > 0) return { status: 'fail', evidence: `missed: ${missed.map((t) => `${t.text} (line ${t.line})`).join('; ')}${tail}` };
    if (unknown.length > 0) return { status: 'unknown', evidence: `no fresh reading for: ${unknown.map((t) => `${t.text} (line ${t.line})`).join('; ')}${tail}` };
    if (pending.length > 0) return { status: 'unknown', evidence: `not yet held for their stated time: ${pending.map((t) => `${t.text} (line ${t.line})`).join('; ')}${tail}` };
    return { status: 'pass', evidence: `${measured.length} target${measured.length === 1 ? '' : 's'} met${tail}` };
  }

  /** "All monitoring dashboards green": every probe up and no trigger pending or firing. */
  private dashboards(context: CriteriaContext): { status: CriterionStatus; evidence: string } {
    const notUp = context.probes.filter((p) => p.health !== 'up');
    const hot = this.plan.triggers.filter((t) => ['pending', 'true'].includes(this.triggerState(t.id).state));
    if (notUp.some((p) => p.health === 'down' || p.health === 'degraded') || hot.length > 0) {
      const parts = [...notUp.filter((p) => p.health !== 'unknown').map((p) => `${p.name} ${p.health}`), ...hot.map((t) => `trigger "${t.text}" ${this.triggerState(t.id).state === 'true' ? 'firing' : 'pending'}`)];
      return { status: 'fail', evidence: parts.join('; ') };
    }
    if (notUp.length > 0) return { status: 'unknown', evidence: `no answer yet from: ${notUp.map((p) => p.name).join(', ')}` };
    const watched = this.plan.triggers.filter((t) => this.triggerState(t.id).state !== 'unknown').length;
    if (context.probes.length === 0 && watched === 0) return { status: 'unknown', evidence: 'nothing is measured' };
    const probes = context.probes.length === 0 ? '' : `${context.probes.length} probe${context.probes.length === 1 ? '' : 's'} up, `;
    return { status: 'pass', evidence: `${probes}no trigger pending or firing` };
  }
}

function personStatus(answer: Answer | null, context: string | null): { status: CriterionStatus; evidence: string } {
  if (!answer) return { status: 'unknown', evidence: context ? `${context}; not answered yet` : 'not answered yet' };
  const who = answer.by ?? 'someone';
  const note = answer.note.trim() === '' ? '' : `: ${answer.note.trim()}`;
  return { status: answer.answer === 'yes' ? 'pass' : 'fail', evidence: `${who} answered ${answer.answer}${note}` };
}

export function overall(statuses: readonly CriterionStatus[]): CriterionStatus {
  if (statuses.includes('fail')) return 'fail';
  if (statuses.length === 0 || statuses.includes('unknown')) return 'unknown';
  return 'pass';
}

function thresholdStateOf(threshold: ThresholdDef, state: TrackState): ThresholdState {
  if (state === 'unknown') return 'unknown';
  if (threshold.forSeconds > 0) return state === 'true' ? 'met' : state === 'pending' ? 'pending' : 'missed';
  return state === 'true' ? 'missed' : 'met';
}

function pushThreshold(out: ThresholdChange[], threshold: ThresholdDef, t: Transition): void {
  const from = thresholdStateOf(threshold, t.from);
  const to = thresholdStateOf(threshold, t.to);
  if (from !== to) out.push({ threshold, at: t.at, from, to, value: t.value });
}

function sortChanges<T extends { triggers: TriggerChange[]; thresholds: ThresholdChange[] }>(changes: T): T {
  changes.triggers.sort((a, b) => a.at - b.at);
  changes.thresholds.sort((a, b) => a.at - b.at);
  return changes;
}
