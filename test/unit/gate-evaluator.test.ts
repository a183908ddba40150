import { describe, expect, it } from 'vitest';
import { ConditionTracker } from '../../src/main/services/gates/condition-tracker';
import { GateEvaluator, REPLAY_CONTEXT } from '../../src/main/services/gates/gate-evaluator';
import { DEFAULT_SETTINGS, type GateDef, type GatePlan, type TriggerDef } from '../../src/main/services/gates/gate-plan';
import { compareWithBaseline } from '../../src/main/services/gates/tolerance';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;

/** Feeds one reading a second from `from` to `to` seconds (inclusive) and returns the states seen. */
function feed(tracker: ConditionTracker, from: number, to: number, value: (t: number) => number | null) {
  const transitions = [];
  for (let t = from; t <= to; t++) transitions.push(...tracker.point(s(t), value(t)));
  return transitions;
}

const errorAbove2For5Min = () => new ConditionTracker({ op: '>', line: 2, forSeconds: 300, staleSeconds: 30, hysteresis: { clearMarginPercent: 5, clearSeconds: 30 } });

describe('durations', () => {
  it('a condition true for 4 minutes 59 seconds has not fired; at 5 minutes it has', () => {
    const tracker = errorAbove2For5Min();
    feed(tracker, 0, 299, () => 2.4);
    expect(tracker.state).toBe('pending');
    expect(tracker.heldSeconds).toBe(299);
    const at300 = tracker.point(s(300), 2.4);
    expect(tracker.state).toBe('true');
    expect(at300).toEqual([{ at: s(300), from: 'pending', to: 'true', value: 2.4, heldSeconds: 300 }]);
  });

  it('fires at the exact moment the duration is reached, even between sparse points', () => {
    const tracker = errorAbove2For5Min();
    tracker.point(s(0), 3);
    tracker.point(s(20), 3);
    // Points 20 s apart: held 280 s at t=280, 300 s at t=300 exactly.
    const transitions = [];
    for (let t = 40; t <= 320; t += 20) transitions.push(...tracker.point(s(t), 3));
    expect(transitions.filter((x) => x.to === 'true').map((x) => x.at)).toEqual([s(300)]);
  });

  it('a dip clearly below the line before the duration starts the count again', () => {
    const tracker = errorAbove2For5Min();
    feed(tracker, 0, 200, () => 2.5);
    tracker.point(s(201), 1.0);
    expect(tracker.state).toBe('false');
    feed(tracker, 202, 501, () => 2.5);
    expect(tracker.state).toBe('pending');
    tracker.point(s(502), 2.5);
    expect(tracker.state).toBe('true');
  });
});

describe('hysteresis', () => {
  it('a value hovering at the line fires once and does not flap', () => {
    const tracker = errorAbove2For5Min();
    // 2.05 / 1.98 alternating: above the line, then just under it (within the 5 % margin).
    const transitions = feed(tracker, 0, 900, (t) => (t % 2 === 0 ? 2.05 : 1.98));
    expect(transitions.map((x) => x.to)).toEqual(['pending', 'true']);
    expect(transitions[1]!.at).toBe(s(300));
    expect(tracker.state).toBe('true');
  });

  it('clears only after the value stays clearly out (beyond the margin) for clearSeconds', () => {
    const tracker = errorAbove2For5Min();
    feed(tracker, 0, 300, () => 3);
    expect(tracker.state).toBe('true');
    // 1.95 is under the line but inside the 5 % margin (1.9): still firing.
    feed(tracker, 301, 400, () => 1.95);
    expect(tracker.state).toBe('true');
    // 1.5 is clearly out; it must stay there 30 s.
    feed(tracker, 401, 430, () => 1.5);
    expect(tracker.state).toBe('true');
    const cleared = tracker.point(s(431), 1.5);
    expect(cleared.map((x) => x.to)).toEqual(['false']);
  });

  it('without hysteresis the same hovering value flaps', () => {
    const tracker = new ConditionTracker({ op: '>', line: 2, forSeconds: 0, staleSeconds: 30, hysteresis: null });
    const transitions = feed(tracker, 0, 5, (t) => (t % 2 === 0 ? 2.05 : 1.98));
    expect(transitions.map((x) => x.to)).toEqual(['true', 'false', 'true', 'false', 'true', 'false']);
  });
});

describe('data gaps', () => {
  it('a null reading is unknown, never healthy, and the gap adds no held time', () => {
    const tracker = errorAbove2For5Min();
    feed(tracker, 0, 200, () => 3);
    expect(tracker.heldSeconds).toBe(200);
    const gap = feed(tracker, 201, 400, () => null);
    expect(gap.map((x) => x.to)).toEqual(['unknown']);
    expect(tracker.state).toBe('unknown');
    // Data returns still above the line: the 200 s held before the gap count, the gap does not.
    feed(tracker, 401, 499, () => 3);
    expect(tracker.state).toBe('pending');
    expect(tracker.heldSeconds).toBe(298);
    feed(tracker, 500, 502, () => 3);
    expect(tracker.state).toBe('true');
  });

  it('no point for longer than the staleness window makes it unknown at the window\'s end', () => {
    const tracker = errorAbove2For5Min();
    tracker.point(s(0), 0.5);
    expect(tracker.state).toBe('false');
    expect(tracker.tick(s(30))).toEqual([]);
    expect(tracker.tick(s(45))).toEqual([{ at: s(30), from: 'false', to: 'unknown', value: null, heldSeconds: 0 }]);
    expect(tracker.state).toBe('unknown');
  });

  it('an evaluator criterion on a stale metric is unknown, not a pass', () => {
    const plan = planWith([], [{ kind: 'metric', id: 'c', text: 'Error rate < 1%', line: 3, condition: { kind: 'absolute', metric: 'error_rate', op: '<', value: 1, unit: '%' } }]);
    const evaluator = new GateEvaluator(plan);
    evaluator.point(s(0), 'error_rate', 0.2);
    expect(evaluator.judgeGate(plan.gates[0]!, REPLAY_CONTEXT).status).toBe('pass');
    evaluator.tick(s(31));
    const judged = evaluator.judgeGate(plan.gates[0]!, REPLAY_CONTEXT);
    expect(judged.status).toBe('unknown');
    expect(judged.criteria[0]!.evidence).toContain('no fresh reading');
  });
});

function planWith(triggers: TriggerDef[], criteria: GateDef['criteria'], settings = DEFAULT_SETTINGS): GatePlan {
  return { phases: [{ id: 'p1', title: 'Phase 1', line: 1, plannedSeconds: null, flagStep: null }], gates: [{ id: 'g', title: 'Go/No-Go', line: 2, phaseId: 'p1', criteria }], triggers, thresholds: [], settings };
}

describe('baseline comparisons', () => {
  const tolerance = { relativePercent: 10, absolute: {} };

  it('"unchanged or lower" passes within the tolerance and fails beyond it', () => {
    expect(compareWithBaseline('error_rate', 0.43, 0.4, tolerance)).toMatchObject({ pass: true, limit: 0.44 });
    expect(compareWithBaseline('error_rate', 0.45, 0.4, tolerance)).toMatchObject({ pass: false });
    expect(compareWithBaseline('error_rate', 0.45, 0.4, tolerance).evidence).toBe('error_rate 0.45 % > baseline 0.40 % + 0.04 %');
  });

  it('an absolute tolerance per metric is a floor under the relative one (a 0 % baseline allows nothing otherwise)', () => {
    expect(compareWithBaseline('error_rate', 0.05, 0, tolerance).pass).toBe(false);
    expect(compareWithBaseline('error_rate', 0.05, 0, { relativePercent: 10, absolute: { error_rate: 0.1 } }).pass).toBe(true);
  });

  it('judges a gate criterion against the captured baseline, and is unknown without one', () => {
    const plan = planWith([], [{ kind: 'metric', id: 'c', text: 'Error rates unchanged or lower', line: 5, condition: { kind: 'baseline', metric: 'error_rate' } }]);
    const evaluator = new GateEvaluator(plan);
    evaluator.point(s(0), 'error_rate', 0.6);
    expect(evaluator.judgeGate(plan.gates[0]!, REPLAY_CONTEXT).criteria[0]).toMatchObject({ status: 'unknown', value: 0.6 });
    evaluator.setBaseline({ error_rate: 0.5 });
    expect(evaluator.judgeGate(plan.gates[0]!, REPLAY_CONTEXT).criteria[0]).toMatchObject({ status: 'fail', evidence: 'error_rate 0.60 % > baseline 0.50 % + 0.05 %' });
    evaluator.point(s(1), 'error_rate', 0.52);
    expect(evaluator.judgeGate(plan.gates[0]!, REPLAY_CONTEXT).criteria[0]).toMatchObject({ status: 'pass' });
  });
});

describe('lower is better and higher is better', () => {
  it('higher-is-better metrics pass above the baseline and fail below its tolerance', () => {
    const tolerance = { relativePercent: 10, absolute: {} };
    expect(compareWithBaseline('cache_hit_rate', 95, 80, tolerance).pass).toBe(true);
    expect(compareWithBaseline('cache_hit_rate', 73, 80, tolerance).pass).toBe(true);
    expect(compareWithBaseline('cache_hit_rate', 71, 80, tolerance)).toMatchObject({ pass: false, evidence: 'cache_hit_rate 71 % < baseline 80 % − 8 %' });
    // The same drift the other way is fine for a lower-is-better metric.
    expect(compareWithBaseline('latency_p95', 200, 300, tolerance).pass).toBe(true);
    expect(compareWithBaseline('latency_p95', 340, 300, tolerance).pass).toBe(false);
  });

  it('a trigger on a higher-is-better metric fires when it falls, and hysteresis lets go above the line', () => {
    const tracker = new ConditionTracker({ op: '<', line: 60, forSeconds: 60, staleSeconds: 30, hysteresis: { clearMarginPercent: 5, clearSeconds: 10 } });
    feed(tracker, 0, 59, () => 50);
    expect(tracker.state).toBe('pending');
    tracker.point(s(60), 50);
    expect(tracker.state).toBe('true');
    // 61 is above the line but not by 5 % (63): still firing.
    feed(tracker, 61, 200, () => 61);
    expect(tracker.state).toBe('true');
    feed(tracker, 201, 211, () => 70);
    expect(tracker.state).toBe('false');
  });

  it('the evaluator reports trigger transitions per metric with the trigger they belong to', () => {
    const trigger: TriggerDef = { id: 't', text: 'Cache hit rate below 50% for 1 minute', line: 9, condition: { kind: 'absolute', metric: 'cache_hit_rate', op: '<', value: 50, unit: '%' }, forSeconds: 60, severity: 'red', autoRollback: null };
    const evaluator = new GateEvaluator(planWith([trigger], []));
    const fired = [];
    for (let t = 0; t <= 70; t++) {
      fired.push(...evaluator.point(s(t), 'cache_hit_rate', 40).triggers);
      evaluator.point(s(t), 'error_rate', 5); // another metric does not move this trigger
    }
    expect(fired.map((x) => [x.to, x.at, x.trigger.line])).toEqual([
      ['pending', s(0), 9],
      ['true', s(60), 9],
    ]);
  });
});
