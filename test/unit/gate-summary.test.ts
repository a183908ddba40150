/** The folded gate panel's one line names the trigger closest to a rollback, and a gate's decision in words. */
import { describe, expect, it } from 'vitest';
import type { GateView, GatesState, TriggerView } from '../../src/shared/gate-model';
import { mostSevereFiring } from '../../src/shared/alarm-rule';
import { triggerView } from '../support/gate-views';
import { decisionText, worstTrigger } from '../../src/renderer/src/features/gates/gate-summary';

const trigger = (id: string, over: Partial<TriggerView> = {}): TriggerView => triggerView({ id, text: id, line: null, ...over });

describe('worstTrigger', () => {
  it('is null without triggers', () => {
    expect(worstTrigger([])).toBeNull();
  });

  it('ranks a red firing one above an acknowledged one, a yellow flag, a holding one, no data and quiet', () => {
    const quiet = trigger('quiet');
    const unknown = trigger('unknown', { state: 'unknown', value: null });
    const pending = trigger('pending', { state: 'pending', heldSeconds: 3 });
    const yellow = trigger('yellow', { severity: 'yellow', state: 'firing' });
    const acked = trigger('acked', { state: 'firing', acknowledged: true });
    const firing = trigger('firing', { state: 'firing' });
    const ladder = [quiet, unknown, pending, yellow, acked, firing];
    for (let i = 0; i < ladder.length; i++) {
      // Whatever the order in the runbook, the worst of the first i+1 rungs wins.
      const some = ladder.slice(0, i + 1);
      expect(worstTrigger([...some].reverse())!.id).toBe(ladder[i]!.id);
      expect(worstTrigger(some)!.id).toBe(ladder[i]!.id);
    }
  });

  it('puts red before yellow in the same state, and never calls a trigger without data quiet', () => {
    expect(worstTrigger([trigger('y', { severity: 'yellow', state: 'pending' }), trigger('r', { state: 'pending' })])!.id).toBe('r');
    expect(worstTrigger([trigger('q'), trigger('u', { state: 'unknown', value: null })])!.id).toBe('u');
  });
});

describe('worstTrigger and the alarm banner', () => {
  it('names the same firing trigger as the banner: the one furthest past its line', () => {
    const near = trigger('near', { state: 'firing', value: 2.1, op: '>', threshold: 2 });
    const far = trigger('far', { state: 'firing', value: 9, op: '>', threshold: 5 });
    expect(worstTrigger([near, far])!.id).toBe('far');
    expect(worstTrigger([far, near])!.id).toBe('far');
    expect(mostSevereFiring({ triggers: [near, far] } as GatesState)!.id).toBe('far');
  });
});

describe('decisionText', () => {
  const gate = (decision: GateView['decision']): GateView => ({ decision }) as GateView;
  it('says who decided what, and that a gate without a decision waits for one', () => {
    expect(decisionText(gate(null))).toBe('waiting for a decision');
    expect(decisionText(gate({ decision: 'rollback', reason: 'x', by: 'Dana', at: '2026-01-01T00:00:00Z' }))).toBe('roll back by Dana');
    expect(decisionText(gate({ decision: 'go', reason: '', by: null, at: '2026-01-01T00:00:00Z' }))).toBe('go by someone unnamed');
  });
});
