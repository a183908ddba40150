/**
 * The gate calls as a renderer can send them: ids bounded, a reason
 * required where the act is journaled with one, lengths capped, and no way
 * for a renderer to claim an automatic rollback (only main's countdown can
 * start one without a hold or a typed name).
 */
import { describe, expect, it } from 'vitest';
import { dispatchCall, type Handlers } from '../../src/main/app/dispatch';
import { CALL_NAMES, LIMITS } from '../../src/shared/contract';
import { checkConfirmation } from '../../src/main/services/rollback/confirmation';

const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
const STATE = { revision: 1, phases: [], currentPhaseId: null, gates: [], triggers: [], nextStep: null, nextStepBlockedBy: null, live: false };

function recording(): { handlers: Handlers; calls: Array<[string, unknown]> } {
  const calls: Array<[string, unknown]> = [];
  const handlers = Object.fromEntries(
    CALL_NAMES.map((name) => [
      name,
      (input: unknown) => {
        calls.push([name, input]);
        return STATE;
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

describe('gate calls from a renderer', () => {
  it('a hold or a rollback decision without a reason is refused naming the field; a go may come without one', async () => {
    const { handlers, calls } = recording();
    expect(await dispatchCall(handlers, 'decideGate', { gateId: 'g', decision: 'hold', reason: '   ' }, log)).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'reason' } });
    expect(await dispatchCall(handlers, 'decideGate', { gateId: 'g', decision: 'rollback' }, log)).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'reason' } });
    expect(calls).toEqual([]);
    expect(await dispatchCall(handlers, 'decideGate', { gateId: 'g', decision: 'go' }, log)).toMatchObject({ ok: true });
    expect(await dispatchCall(handlers, 'decideGate', { gateId: 'g', decision: 'hold', reason: '  payments team asked to wait ' }, log)).toMatchObject({ ok: true });
    expect(calls).toEqual([
      ['decideGate', { gateId: 'g', decision: 'go', reason: '' }],
      ['decideGate', { gateId: 'g', decision: 'hold', reason: 'payments team asked to wait' }],
    ]);
  });

  it('acknowledging a trigger or cancelling an automatic rollback needs a reason', async () => {
    const { handlers, calls } = recording();
    expect(await dispatchCall(handlers, 'acknowledgeTrigger', { triggerId: 't', reason: '' }, log)).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'reason', message: expect.stringContaining('say why') } });
    expect(await dispatchCall(handlers, 'cancelAutoRollback', { triggerId: 't' }, log)).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'reason' } });
    expect(await dispatchCall(handlers, 'cancelAutoRollback', { triggerId: 't', reason: 'known spike from the load test' }, log)).toMatchObject({ ok: true });
    expect(calls).toEqual([['cancelAutoRollback', { triggerId: 't', reason: 'known spike from the load test' }]]);
  });

  it('ids are bounded, reasons and notes capped, answers only yes or no, and nothing extra passes', async () => {
    const { handlers, calls } = recording();
    const long = 'x'.repeat(LIMITS.reasonChars + 1);
    expect(await dispatchCall(handlers, 'answerCriterion', { gateId: '', criterionId: 'c', answer: 'yes' }, log)).toMatchObject({ ok: false, error: { field: 'gateId' } });
    expect(await dispatchCall(handlers, 'answerCriterion', { gateId: 'g'.repeat(201), criterionId: 'c', answer: 'yes' }, log)).toMatchObject({ ok: false, error: { field: 'gateId' } });
    expect(await dispatchCall(handlers, 'answerCriterion', { gateId: 'g', criterionId: 'c', answer: 'maybe' }, log)).toMatchObject({ ok: false, error: { field: 'answer' } });
    expect(await dispatchCall(handlers, 'answerCriterion', { gateId: 'g', criterionId: 'c', answer: 'yes', note: long }, log)).toMatchObject({ ok: false, error: { field: 'note' } });
    expect(await dispatchCall(handlers, 'acknowledgeTrigger', { triggerId: 't', reason: long }, log)).toMatchObject({ ok: false, error: { field: 'reason' } });
    expect(await dispatchCall(handlers, 'decideGate', { gateId: 'g', decision: 'go', by: 'someone else' }, log)).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(calls).toEqual([]);
    expect(await dispatchCall(handlers, 'answerCriterion', { gateId: 'g', criterionId: 'c', answer: 'no' }, log)).toMatchObject({ ok: true });
    expect(calls).toEqual([['answerCriterion', { gateId: 'g', criterionId: 'c', answer: 'no', note: '' }]]);
  });

  it('a renderer cannot start a rollback as "automatic": the contract accepts a hold or a typed name only', async () => {
    const { handlers, calls } = recording();
    const result = await dispatchCall(handlers, 'startRollback', { plan: 'P0', confirmation: { kind: 'automatic', why: 'the countdown ran out' } }, log);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'confirmation.kind' } });
    expect(calls).toEqual([]);
  });

  it('main journals an automatic start as such, with why, whatever the profile asks of a person', () => {
    const why = 'trigger "Error rate above 2% for more than 5 minutes" (line 78) held 12 s; the 10 s countdown ran out uncancelled';
    expect(checkConfirmation({ kind: 'automatic', why }, 'hold', 'production')).toBe(`started automatically: ${why}`);
    expect(checkConfirmation({ kind: 'automatic', why }, 'type', 'production')).toBe(`started automatically: ${why}`);
  });
});
