/**
 * The gate decision rules the panel applies before asking main, and the
 * gate it opens on: a hold or a rollback without a reason is never sent,
 * and a go past a failing or unknown criterion needs "go anyway, because…".
 */
import { describe, expect, it } from 'vitest';
import type { CriterionView, GateView, GatesState } from '../../src/shared/gate-model';
import { currentGate, decisionProblem, unmetCriteria } from '../../src/renderer/src/features/gates/gates-decision';

function criterion(id: string, status: CriterionView['status']): CriterionView {
  return { id, text: `criterion ${id}`, line: 10, source: 'measured', status, value: 0.3, unit: '%', evidence: 'error_rate 0.3 % < 1 %', answer: null };
}

function gate(id: string, statuses: CriterionView['status'][], phaseId: string | null = null, decision: GateView['decision'] = null): GateView {
  const criteria = statuses.map((s, i) => criterion(`${id}-${i}`, s));
  return { id, title: 'Go/No-Go Decision', line: 60, phaseId, criteria, status: statuses.every((s) => s === 'pass') ? 'pass' : 'fail', decision };
}

describe('a gate decision', () => {
  it('hold and roll back need a reason; whitespace is not one', () => {
    const g = gate('g', ['pass']);
    expect(decisionProblem(g, 'hold', '  ')).toBe('Say why you hold: the reason goes into the journal.');
    expect(decisionProblem(g, 'rollback', '')).toBe('Say why you roll back: the reason goes into the journal.');
    expect(decisionProblem(g, 'hold', 'waiting for the payments team')).toBeNull();
  });

  it('a go when every criterion passes needs nothing more', () => {
    expect(decisionProblem(gate('g', ['pass', 'pass']), 'go', '')).toBeNull();
  });

  it('a go past failing or unknown criteria needs a reason, and says how many of each', () => {
    const g = gate('g', ['pass', 'fail', 'unknown', 'unknown']);
    expect(unmetCriteria(g).map((c) => c.status)).toEqual(['fail', 'unknown', 'unknown']);
    expect(decisionProblem(g, 'go', '')).toBe('1 failing and 2 unknown criteria: to go anyway, say why.');
    expect(decisionProblem(gate('h', ['unknown']), 'go', ' ')).toBe('1 unknown criterion: to go anyway, say why.');
    expect(decisionProblem(g, 'go', 'dashboards lag; error rate checked by hand at 0.2 %')).toBeNull();
  });
});

describe('the gate the panel opens on', () => {
  const base: GatesState = { revision: 1, phases: [], currentPhaseId: null, gates: [], triggers: [], nextStep: null, nextStepBlockedBy: null, live: true };

  it('is the gate that closes the current phase', () => {
    const state = { ...base, currentPhaseId: 'p2', gates: [gate('g1', ['pass'], 'p1'), gate('g2', ['fail'], 'p2')] };
    expect(currentGate(state)?.id).toBe('g2');
  });

  it('otherwise the first without a go, otherwise the last; none when the runbook has none', () => {
    const go = { decision: 'go' as const, reason: '', by: 'Dana', at: '2026-01-01T02:00:00Z' };
    expect(currentGate({ ...base, gates: [gate('g1', ['pass'], 'p1', go), gate('g2', ['pass'], 'p2')] })?.id).toBe('g2');
    expect(currentGate({ ...base, gates: [gate('g1', ['pass'], 'p1', go), gate('g2', ['pass'], 'p2', go)] })?.id).toBe('g2');
    expect(currentGate(base)).toBeNull();
  });
});
