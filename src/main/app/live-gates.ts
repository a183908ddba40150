/**
 * Gates for whatever is open (issue 6), rebuilt on each cockpit activation
 * like live-telemetry.ts. Once a second it feeds the telemetry store into
 * the gate evaluator (several probes reporting one metric combine into the
 * worst reading, the safe choice), journals triggers that fire or clear,
 * runs the auto-rollback countdown here in main (a closed window cannot
 * stop it, only a journaled cancel can), and hands the renderer a
 * GatesState through the change listener. Answers, decisions,
 * acknowledgements and cancellations are journaled before they count.
 */
import { FlightdeckError, noRunbookOpen } from '../../shared/errors';
import type { CriterionView, GatesState, TriggerView } from '../../shared/gate-model';
import { METRIC_NAMES, METRICS, type MetricName } from '../../shared/metrics';
import type { EntryDataOf, JournalEntry } from '../../shared/session-model';
import { formatValue } from '../../shared/format';
import { describeCondition, worse } from '../services/gates/conditions';
import { GateEvaluator, type CriteriaContext, type TriggerChange } from '../services/gates/gate-evaluator';
import { GateJournal } from '../services/gates/gate-journal';
import type { GatePlan, TriggerDef } from '../services/gates/gate-plan';
import { extractGatePlan } from '../services/gates/extract-plan';
import { phaseFlow } from '../services/gates/phase-flow';
import { flagHolds } from '../services/gates/gate-policy';
import { holdsOnWrite, type FlagHold } from '../../shared/flag-holds';
import type { Activation, Cockpit } from './cockpit';
import type { LiveTelemetry } from './live-telemetry';
import type { Logger } from './log';

export type GateDecision = 'go' | 'hold' | 'rollback';

/** Starts the rollback the profile opted in to; the implementation journals that it was automatic and why. */
export type StartAutoRollback = (plan: string, reason: string) => Promise<unknown>;

export interface LiveGatesDeps {
  cockpit: Cockpit;
  telemetry: LiveTelemetry;
  log: Logger;
  startAutoRollback: StartAutoRollback;
  /** Epoch ms; tests and the app use the wall clock. */
  clock?: () => number;
  intervalMs?: number;
}

interface Countdown {
  endsAt: number;
  trigger: TriggerDef;
  value: number | null;
  heldSeconds: number;
}

const EMPTY_PLAN: GatePlan = { phases: [], gates: [], triggers: [], thresholds: [], settings: { tolerance: { relativePercent: 10, absolute: {} }, hysteresis: { clearMarginPercent: 5, clearSeconds: 30 }, staleSeconds: 30 } };

export class LiveGates {
  private activation: Activation | null = null;
  private evaluator = new GateEvaluator(EMPTY_PLAN);
  private journal = new GateJournal();
  private readonly countdowns = new Map<string, Countdown>();
  /** Each firing trigger's reading when it fired, from the journal: what the alarm shows once the value hovers back at the line. */
  private readonly firedValues = new Map<string, number | null>();
  /** The plan of a rollback that started while countdowns ran; they are stopped at the next evaluation. */
  private rollbackStarted: string | null = null;
  private readonly listeners = new Set<(state: GatesState) => void>();
  private readonly unsubscribe: Array<() => void> = [];
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | null = null;
  private revision = 0;
  private lastEmitted = '';

  constructor(private readonly deps: LiveGatesDeps) {
    this.clock = deps.clock ?? Date.now;
    this.unsubscribe.push(deps.cockpit.onActivated((activation) => this.rebuild(activation)));
    this.unsubscribe.push(deps.cockpit.onEntry((entry) => this.follow(entry)));
    this.timer = setInterval(() => this.evaluate(), deps.intervalMs ?? 1000);
    this.timer.unref();
  }

  /** The plan in force (for the CLI and tests). */
  get plan(): GatePlan {
    return this.evaluator.plan;
  }

  onChange(listener: (state: GatesState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  state(): GatesState {
    const plan = this.evaluator.plan;
    const context = this.context();
    const flow = this.flow();
    const gates = plan.gates.map((gate) => {
      const judged = this.evaluator.judgeGate(gate, context);
      return { id: gate.id, title: gate.title, line: gate.line, phaseId: gate.phaseId, criteria: judged.criteria, status: judged.status, decision: this.journal.decisions.get(gate.id) ?? null };
    });
    const triggers: TriggerView[] = plan.triggers.map((trigger) => {
      const now = this.evaluator.triggerState(trigger.id);
      return {
        id: trigger.id,
        text: trigger.text,
        line: trigger.line,
        metric: trigger.condition.metric,
        severity: trigger.severity,
        condition: describeCondition(trigger.condition, trigger.forSeconds),
        op: trigger.condition.op,
        threshold: trigger.condition.value,
        firedValue: this.firedValues.get(trigger.id) ?? null,
        state: now.state === 'true' ? 'firing' : now.state === 'false' ? 'quiet' : now.state,
        value: now.value,
        unit: trigger.condition.unit,
        forSeconds: trigger.forSeconds,
        heldSeconds: Math.round(now.heldSeconds * 10) / 10,
        acknowledged: this.journal.acknowledged.has(trigger.id),
        autoRollback: trigger.autoRollback !== null,
        countdownEndsAt: this.countdowns.get(trigger.id)?.endsAt ?? null,
      };
    });
    const holds = this.holds();
    const next = flow.nextStep;
    const nextHold = next ? holdsOnWrite(holds, next.flag, this.journal.flags.get(next.flag)?.percent ?? null, next.percent)[0] : undefined;
    return {
      revision: this.revision,
      phases: plan.phases.map((p) => ({ id: p.id, title: p.title, line: p.line, plannedSeconds: p.plannedSeconds, enteredAt: flow.enteredAt.get(p.id) ?? null, flagStep: p.flagStep ? { flag: p.flagStep.flag, percent: p.flagStep.percent } : null })),
      currentPhaseId: flow.currentPhaseId,
      gates,
      triggers,
      nextStep: flow.nextStep,
      nextStepBlockedBy: nextHold?.reason ?? flow.nextStepBlockedBy,
      live: this.deps.telemetry.current.active,
      flagHolds: holds,
      enforce: this.enforced(),
    };
  }

  /**
   * What holds a write of `flag` from `from` to `to` now (gate-policy.ts);
   * empty when nothing does, or when the profile makes gates advisory
   * (gates.enforce: false). Live control asks before every flag write.
   */
  holdsOnWrite(flag: string, from: unknown, to: number): FlagHold[] {
    return this.enforced() ? holdsOnWrite(this.holds(), flag, from, to) : [];
  }

  answer(gateId: string, criterionId: string, answer: 'yes' | 'no', note: string): GatesState {
    const activation = this.require();
    const gate = this.gate(gateId);
    const criterion = gate.criteria.find((c) => c.id === criterionId);
    if (!criterion) throw new FlightdeckError('not-found', `Gate "${gate.title}" has no criterion "${criterionId}".`, { field: 'criterionId' });
    if (criterion.kind !== 'person' && criterion.kind !== 'incidents') {
      throw new FlightdeckError('bad-input', `"${criterion.text}" is judged from ${criterion.kind === 'metric' || criterion.kind === 'targets' || criterion.kind === 'dashboards' ? 'measurements' : `the ${criterion.kind}`}, not answered.`, { field: 'criterionId' });
    }
    activation.journal.record('gate.answered', this.deps.cockpit.operator(), { gateId, criterionId, answer, note: note.trim() });
    return this.changed();
  }

  /** A go, a hold or a rollback decision, journaled with every criterion as measured at this moment. */
  decide(gateId: string, decision: GateDecision, reason: string): GatesState {
    const activation = this.require();
    const gate = this.gate(gateId);
    if (decision !== 'go' && reason.trim() === '') throw new FlightdeckError('bad-input', `A ${decision === 'hold' ? 'hold' : 'rollback decision'} needs a reason.`, { field: 'reason' });
    const judged = this.evaluator.judgeGate(gate, this.context());
    // A go past a criterion that is not a pass is the operator's call, but never a silent one.
    const unmet = decision === 'go' && reason.trim() === '' ? judged.criteria.filter((c: CriterionView) => c.status !== 'pass') : [];
    if (unmet.length > 0) {
      throw new FlightdeckError('bad-input', `Go anyway needs a reason: ${unmet.map((c) => `"${c.text}" is ${c.status}`).join('; ')}.`, { field: 'reason' });
    }
    activation.journal.record('gate.decided', this.deps.cockpit.operator(), {
      gateId,
      phaseId: gate.phaseId,
      decision,
      reason: reason.trim(),
      criteria: judged.criteria.map((c: CriterionView) => ({ id: c.id, text: c.text, line: c.line, source: c.source, status: c.status, value: c.value, evidence: c.evidence })),
    });
    return this.changed();
  }

  acknowledge(triggerId: string, reason: string): GatesState {
    const activation = this.require();
    this.trigger(triggerId);
    activation.journal.record('trigger.acknowledged', this.deps.cockpit.operator(), { triggerId, reason: reason.trim() });
    return this.changed();
  }

  cancelAutoRollback(triggerId: string, reason: string): GatesState {
    const activation = this.require();
    const trigger = this.trigger(triggerId);
    if (!this.countdowns.has(triggerId)) throw new FlightdeckError('conflict', `No automatic rollback is counting down for "${trigger.text}".`, { field: 'triggerId' });
    if (reason.trim() === '') throw new FlightdeckError('bad-input', 'Cancelling an automatic rollback needs a reason.', { field: 'reason' });
    activation.journal.record('autorollback.cancelled', this.deps.cockpit.operator(), { triggerId, reason: reason.trim() });
    this.countdowns.delete(triggerId);
    return this.changed();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const off of this.unsubscribe.splice(0)) off();
    this.listeners.clear();
  }

  /** One evaluation: the store's latest readings, triggers, countdowns; emits when anything changed. */
  evaluate(): void {
    if (!this.activation) return;
    const now = this.clock();
    try {
      const changes: TriggerChange[] = [];
      const telemetry = this.deps.telemetry.current;
      const store = telemetry.store;
      const staleMs = this.evaluator.plan.settings.staleSeconds * 1000;
      const byMetric = new Map<MetricName, string[]>();
      for (const id of store.ids()) {
        const metric = id.slice(id.indexOf('/') + 1);
        if ((METRIC_NAMES as string[]).includes(metric)) byMetric.set(metric as MetricName, [...(byMetric.get(metric as MetricName) ?? []), id]);
      }
      for (const [metric, ids] of byMetric) {
        let combined: number | null = null;
        for (const id of ids) {
          const latest = store.latest(id);
          // A rate whose window is still filling after a start or reconnect is shown, not judged.
          if (!latest || latest.value === null || now - latest.t > staleMs || latest.t < telemetry.judgedFrom(id)) continue;
          combined = combined === null ? latest.value : worse(metric, combined, latest.value);
        }
        changes.push(...this.evaluator.point(now, metric, combined).triggers);
      }
      changes.push(...this.evaluator.tick(now).triggers);
      for (const change of changes) this.onTrigger(change, now);
      this.stopCountdownsForRollback();
      this.runCountdowns(now);
    } catch (error) {
      this.deps.log.error('evaluating gates failed', error);
    }
    this.emitIfChanged();
  }

  private onTrigger(change: TriggerChange, now: number): void {
    const journal = this.activation?.journal;
    if (!journal) return;
    const { trigger } = change;
    if (change.to === 'true') {
      journal.record('trigger.fired', null, {
        triggerId: trigger.id,
        text: trigger.text,
        line: trigger.line,
        metric: trigger.condition.metric,
        value: change.value,
        heldSeconds: Math.round(change.heldSeconds * 10) / 10,
        autoRollback: trigger.autoRollback !== null,
      });
      if (trigger.autoRollback) this.countdowns.set(trigger.id, { endsAt: now + trigger.autoRollback.countdownSeconds * 1000, trigger, value: change.value, heldSeconds: change.heldSeconds });
    } else if (change.from === 'true' && change.to === 'false') {
      journal.record('trigger.cleared', null, { triggerId: trigger.id });
      // The condition is gone: an automatic rollback would now act on a healthy system.
      if (this.countdowns.delete(trigger.id)) journal.record('autorollback.cancelled', null, { triggerId: trigger.id, reason: 'the condition cleared before the countdown ended' });
    }
  }

  private stopCountdownsForRollback(): void {
    const plan = this.rollbackStarted;
    this.rollbackStarted = null;
    if (plan === null) return;
    for (const id of [...this.countdowns.keys()]) {
      this.countdowns.delete(id);
      this.activation?.journal.record('autorollback.cancelled', null, { triggerId: id, reason: `rollback ${plan} started before the countdown ended` });
    }
  }

  private runCountdowns(now: number): void {
    for (const [id, countdown] of [...this.countdowns]) {
      if (now < countdown.endsAt) continue;
      this.countdowns.delete(id);
      const { trigger } = countdown;
      const unit = METRICS[trigger.condition.metric].unit;
      const value = countdown.value === null ? 'no reading' : formatValue(countdown.value, unit);
      const where = trigger.line === null ? 'from the profile' : `runbook line ${trigger.line}`;
      const reason = `rollback trigger "${trigger.text}" (${where}) held for ${Math.round(countdown.heldSeconds)} s at ${value}; the ${trigger.autoRollback!.countdownSeconds} s countdown ran out uncancelled`;
      this.deps.startAutoRollback(trigger.autoRollback!.plan, reason).catch((error: unknown) => this.deps.log.error('automatic rollback failed to start', error));
    }
  }

  private rebuild(activation: Activation): void {
    this.activation = activation;
    this.countdowns.clear();
    this.rollbackStarted = null;
    let plan: GatePlan;
    try {
      plan = extractGatePlan(activation.runbook, activation.profile?.profile, activation.profile?.file);
    } catch (error) {
      // A bad gates: section must not take the runbook's own gates away.
      this.deps.log.error('the profile gates: section was not applied', error);
      plan = extractGatePlan(activation.runbook);
    }
    // Review mode arms nothing: triggers still show and alarm, but none starts a rollback by itself.
    if (!activation.trust.trusted) plan = { ...plan, triggers: plan.triggers.map((t) => ({ ...t, autoRollback: null })) };
    this.evaluator = new GateEvaluator(plan);
    this.journal = new GateJournal();
    this.firedValues.clear();
    for (const entry of activation.journal.entries()) this.follow(entry, false);
    this.changed();
  }

  private follow(entry: JournalEntry, live = true): void {
    this.journal.add(entry);
    if (entry.type === 'trigger.fired') this.firedValues.set((entry.data as EntryDataOf<'trigger.fired'>).triggerId, (entry.data as EntryDataOf<'trigger.fired'>).value);
    if (entry.type === 'trigger.cleared') this.firedValues.delete((entry.data as EntryDataOf<'trigger.cleared'>).triggerId);
    // A rollback under way answers every countdown: none may start a second one once it has verified. Journaled at the next evaluation, outside this entry's publication.
    if (live && entry.type === 'rollback.started' && this.countdowns.size > 0) this.rollbackStarted = (entry.data as EntryDataOf<'rollback.started'>).plan;
    if (entry.type === 'baseline.captured') {
      const data = entry.data as EntryDataOf<'baseline.captured'>;
      this.setBaseline(data.values, data.noise ?? {});
    }
    if (live && entry.type !== 'trigger.fired' && entry.type !== 'trigger.cleared') this.emitIfChanged();
  }

  /**
   * The baseline per metric: the worst of the probes' means, the same rule as
   * live readings, with that probe's noise (none in journals before issue 14).
   */
  private setBaseline(values: Record<string, number>, noiseOf: Record<string, number>): void {
    const baseline: Partial<Record<MetricName, number>> = {};
    const noise: Partial<Record<MetricName, number>> = {};
    for (const [id, value] of Object.entries(values)) {
      const metric = id.slice(id.indexOf('/') + 1) as MetricName;
      if (!(METRIC_NAMES as string[]).includes(metric)) continue;
      const previous = baseline[metric];
      baseline[metric] = previous === undefined ? value : worse(metric, previous, value);
      if (baseline[metric] !== value) continue;
      if (noiseOf[id] === undefined) delete noise[metric];
      else noise[metric] = noiseOf[id];
    }
    this.evaluator.setBaseline(baseline, noise);
  }

  private context(): CriteriaContext {
    const runbook = this.activation?.runbook;
    const telemetry = this.deps.telemetry.current;
    const flow = this.flow();
    return {
      probes: telemetry.probeStatuses().map((p) => ({ name: p.name, health: p.health })),
      checklist: (phaseId) => {
        if (!runbook) return null;
        const items = runbook.items.filter((i) => i.phaseId === phaseId);
        return { done: items.filter((i) => this.journal.ticked.get(i.id) ?? i.checked).length, total: items.length };
      },
      signedRoles: () => this.journal.signedRoles,
      answer: (gateId, criterionId) => this.journal.answers.get(GateJournal.key(gateId, criterionId)) ?? null,
      firedInPhase: (phaseId) => {
        const since = phaseId === null ? 0 : (flow.enteredAt.get(phaseId) ?? 0);
        // A red line held is an incident; a yellow flag is a warning.
        const red = new Set(this.evaluator.plan.triggers.filter((t) => t.severity === 'red').map((t) => t.id));
        return this.journal.fired.filter((f) => f.at >= since && red.has(f.triggerId)).map((f) => `${f.text}${f.line === null ? '' : ` (line ${f.line})`}`);
      },
    };
  }

  private enforced(): boolean {
    return this.activation?.profile?.profile.gates.enforce ?? true;
  }

  private holds(): FlagHold[] {
    const plan = this.evaluator.plan;
    const firingRed = plan.triggers
      .filter((t) => t.severity === 'red' && this.evaluator.triggerState(t.id).state === 'true')
      .map((trigger) => {
        const value = this.evaluator.triggerState(trigger.id).value;
        return { trigger, value: value === null ? null : formatValue(value, trigger.condition.unit) };
      });
    const flags = this.activation?.profile?.profile.flags.map((f) => f.name) ?? [];
    return flagHolds({ plan, currentIndex: this.flow().currentIndex, decisions: this.journal.decisions, firingRed, flags });
  }

  private flow() {
    const runbook = this.activation?.runbook;
    return phaseFlow(this.evaluator.plan, {
      flags: this.journal.flags,
      phaseDone: (phaseId) => (runbook ? runbook.items.filter((i) => i.phaseId === phaseId).every((i) => this.journal.ticked.get(i.id) ?? i.checked) : false),
    });
  }

  private changed(): GatesState {
    this.emitIfChanged();
    return this.state();
  }

  private emitIfChanged(): void {
    const state = this.state();
    const key = JSON.stringify({ ...state, revision: 0 });
    if (key === this.lastEmitted) return;
    this.lastEmitted = key;
    this.revision += 1;
    const emitted = { ...state, revision: this.revision };
    for (const listener of this.listeners) listener(emitted);
  }

  private require(): Activation {
    if (!this.activation) throw noRunbookOpen();
    return this.activation;
  }

  private gate(gateId: string) {
    const gate = this.evaluator.plan.gates.find((g) => g.id === gateId);
    if (!gate) throw new FlightdeckError('not-found', `The runbook has no gate "${gateId}".`, { field: 'gateId' });
    return gate;
  }

  private trigger(triggerId: string): TriggerDef {
    const trigger = this.evaluator.plan.triggers.find((t) => t.id === triggerId);
    if (!trigger) throw new FlightdeckError('not-found', `The runbook has no rollback trigger "${triggerId}".`, { field: 'triggerId' });
    return trigger;
  }
}
