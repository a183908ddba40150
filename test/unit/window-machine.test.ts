/**
 * The deployment window's state machine, fed the same inputs main feeds
 * it (gates evaluations, journal entries): each transition a release
 * manager would see in the banner, including the ones that went wrong in
 * the field (a banner still asking for a rollback after one verified, a
 * failed rollback, a condition that holds again after recovery), and a
 * reopened session resuming the state its journal recorded.
 */
import { describe, expect, it } from 'vitest';
import type { GatesState, TriggerView } from '../../src/shared/gate-model';
import type { JournalEntry } from '../../src/shared/session-model';
import { WindowMachine, type WindowTransition } from '../../src/main/services/window/window-machine';
import { offersRollback, windowHeadline } from '../../src/shared/window-words';
import { gatesState, triggerView } from '../support/gate-views';

const T0 = Date.parse('2026-12-03T02:10:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const trigger = (over: Partial<TriggerView> = {}): TriggerView => triggerView({ id: 'err', forSeconds: 5, op: '>', threshold: 2, firedValue: null, ...over });

const gates = (...triggers: TriggerView[]): GatesState => gatesState(triggers);

let seq = 0;
function entry(type: string, data: Record<string, unknown>, s: number, by: string | null = null): JournalEntry {
  return { seq: seq++, ts: at(s), type, by, data, prev: '0'.repeat(64), hash: '0'.repeat(64) };
}

const started = (s: number, by: string | null = 'Ada', confirmation = 'held 1.5 s') =>
  entry('rollback.started', { runId: 'r1', plan: 'P0', steps: ['Set checkout_v2 to 0', 'Wait for shop-health'], confirmation, pressedAt: at(s) }, s, by);
const step = (actionId: string, index: number, s: number) => entry('action.started', { actionId, kind: 'rollback-step', title: `step ${index}`, inputs: {}, runId: 'r1', step: index }, s);
const stepDone = (actionId: string, message: string, s: number, outcome = 'ok') => entry('action.finished', { actionId, outcome, message, durationMs: 100 }, s);
const finished = (outcome: 'ok' | 'failed', s: number) => entry('rollback.finished', { runId: 'r1', outcome, message: outcome === 'ok' ? 'verified' : 'shop-health did not answer within 30 s', pressToVerifiedMs: 1900 }, s);

function run(machine: WindowMachine, inputs: Array<(m: WindowMachine) => WindowTransition[]>): string[] {
  return inputs.flatMap((input) => input(machine)).map((t) => `${t.from}→${t.to}`);
}

describe('the window state machine', () => {
  it('healthy → holding → firing → rolling back → verified, recovering → recovered, and never asks for the rollback again on the way', () => {
    const m = new WindowMachine(at(0));
    const path = run(m, [
      (x) => x.gates(gates(trigger()), at(1)),
      (x) => x.gates(gates(trigger({ state: 'pending', value: 3.1, heldSeconds: 2 })), at(2)),
      (x) => x.gates(gates(trigger({ state: 'firing', value: 4.2, heldSeconds: 5, firedValue: 4.2 })), at(5)),
      (x) => x.entry(started(6)),
      (x) => x.entry(step('a1', 0, 6)),
      (x) => x.entry(stepDone('a1', 'checkout_v2 read back 0', 7)),
      // Still firing by the tracker while the rollback runs: no new alarm.
      (x) => x.gates(gates(trigger({ state: 'firing', value: 5.0, heldSeconds: 7 })), at(7)),
      (x) => x.entry(step('a2', 1, 7)),
      (x) => x.entry(stepDone('a2', 'shop-health answering', 8)),
      (x) => x.entry(finished('ok', 8)),
    ]);
    expect(path).toEqual(['healthy→holding', 'holding→firing', 'firing→rolling-back', 'rolling-back→recovering']);
    expect(offersRollback(m.state)).toBe(false);
    // Verified is the steps' own checks; recovering says the metrics are not back yet.
    const words = windowHeadline(m.view());
    expect(words.title).toMatch(/^Rolled back by Ada at \d{2}:\d{2}: metrics recovering$/);
    expect(words.body).toBe('plan P0, 2 of 2 steps verified (checkout_v2 read back 0; shop-health answering)');

    // The error rate is still above its line and the trigger still firing: recovering, not recovered, and no alarm.
    expect(m.gates(gates(trigger({ state: 'firing', value: 6.6, heldSeconds: 20 })), at(20))).toEqual([]);
    expect(m.gates(gates(trigger({ state: 'firing', value: 1.2, heldSeconds: 40 })), at(40))).toEqual([]);
    expect(m.state).toBe('recovering');
    // Back inside its line for the trigger's clear time: recovered, said when it happens.
    expect(run(m, [(x) => x.gates(gates(trigger({ state: 'quiet', value: 0.5 })), at(70))])).toEqual(['recovering→recovered']);
    expect(m.view().recoveredAt).toBe(at(70));
    expect(windowHeadline(m.view()).title).toMatch(/^Recovered at \d{2}:\d{2}: metrics back inside their lines$/);
  });

  it('an acknowledged alarm is its own state, and a rollback can still follow it', () => {
    const m = new WindowMachine(at(0));
    expect(run(m, [(x) => x.gates(gates(trigger({ state: 'firing', value: 3 })), at(1)), (x) => x.gates(gates(trigger({ state: 'firing', value: 3, acknowledged: true })), at(2)), (x) => x.entry(started(3))])).toEqual([
      'healthy→firing',
      'firing→acknowledged',
      'acknowledged→rolling-back',
    ]);
  });

  it('a failed rollback says so and offers the rollback again; the next rollback starts from there', () => {
    const m = new WindowMachine(at(0));
    const path = run(m, [(x) => x.gates(gates(trigger({ state: 'firing', value: 3 })), at(1)), (x) => x.entry(started(2, null, 'started automatically: the countdown ran out')), (x) => x.entry(finished('failed', 40))]);
    expect(path).toEqual(['healthy→firing', 'firing→rolling-back', 'rolling-back→rollback-failed']);
    expect(offersRollback(m.state)).toBe(true);
    expect(m.view().rollback).toMatchObject({ automatic: true, by: null, outcome: 'failed' });
    expect(windowHeadline(m.view())).toEqual({ title: 'Rollback P0 failed: roll back again or act by hand', body: 'shop-health did not answer within 30 s' });
    // The metrics do not make a failed rollback disappear.
    expect(m.gates(gates(trigger({ state: 'quiet', value: 0.3 })), at(50))).toEqual([]);
    expect(run(m, [(x) => x.entry(started(60))])).toEqual(['rollback-failed→rolling-back']);
  });

  it('the condition holding again after recovery asks again; a trigger firing anew while recovering does too', () => {
    const m = new WindowMachine(at(0));
    run(m, [(x) => x.gates(gates(trigger({ state: 'firing', value: 3 })), at(1)), (x) => x.entry(started(2)), (x) => x.entry(finished('ok', 4)), (x) => x.gates(gates(trigger({ state: 'quiet', value: 0.5 })), at(40))]);
    expect(m.state).toBe('recovered');
    // Quiet again: stays recovered (it does not fall back to a plain "healthy" that forgets the rollback).
    expect(m.gates(gates(trigger({ state: 'quiet', value: 0.4 })), at(50))).toEqual([]);
    expect(run(m, [(x) => x.gates(gates(trigger({ state: 'pending', value: 2.5 })), at(60)), (x) => x.gates(gates(trigger({ state: 'firing', value: 2.6 })), at(65))])).toEqual(['recovered→holding', 'holding→firing']);
    expect(offersRollback(m.state)).toBe(true);

    const n = new WindowMachine(at(0));
    run(n, [(x) => x.gates(gates(trigger({ state: 'firing', value: 3 })), at(1)), (x) => x.entry(started(2)), (x) => x.entry(finished('ok', 4))]);
    // It cleared (its value clearly back inside for the clear time), then held again for its duration.
    expect(n.entry(entry('trigger.cleared', { triggerId: 'err' }, 60))).toEqual([]);
    const fired = entry('trigger.fired', { triggerId: 'err', text: 'Error rate above 2%', line: 83, metric: 'error_rate', value: 2.4, heldSeconds: 5, autoRollback: false }, 90);
    // A yellow flag firing does not count.
    expect(n.entry(entry('trigger.fired', { triggerId: 'warn', text: 'Error rate above 1%', line: 80, metric: 'error_rate', value: 1.4, heldSeconds: 5, autoRollback: false }, 89))).toEqual([]);
    expect(n.entry(fired).map((t) => `${t.from}→${t.to}:${t.cause}`)).toEqual(['recovering→firing:"Error rate above 2%" fired again after the rollback']);
  });

  it('a trigger already holding before the rollback, whose hold runs out on the old readings while recovering, is the same incident: no new alarm', () => {
    const m = new WindowMachine(at(0));
    const late = trigger({ id: 'late', text: 'red flag: > 1%', threshold: 1 });
    run(m, [(x) => x.gates(gates(trigger({ state: 'firing', value: 5.9 }), { ...late, state: 'pending', value: 5.9 }), at(1)), (x) => x.entry(started(2)), (x) => x.entry(finished('ok', 4))]);
    const fired = entry('trigger.fired', { triggerId: 'late', text: 'red flag: > 1%', line: 80, metric: 'error_rate', value: 4.0, heldSeconds: 10, autoRollback: false }, 11);
    expect(m.entry(fired)).toEqual([]);
    expect(m.gates(gates(trigger({ state: 'firing', value: 3 }), { ...late, state: 'firing', value: 3 }), at(12))).toEqual([]);
    expect(m.state).toBe('recovering');
    expect(run(m, [(x) => x.gates(gates(trigger({ state: 'quiet', value: 0.3 }), { ...late, state: 'quiet', value: 0.3 }), at(30))])).toEqual(['recovering→recovered']);
  });

  it('a trigger that clears before anyone acts returns the window to healthy', () => {
    const m = new WindowMachine(at(0));
    expect(run(m, [(x) => x.gates(gates(trigger({ state: 'firing', value: 3 })), at(1)), (x) => x.gates(gates(trigger({ state: 'quiet', value: 1 })), at(30))])).toEqual(['healthy→firing', 'firing→healthy']);
  });

  it('a yellow flag alone never moves the window; with red firing too, the red one is named', () => {
    const m = new WindowMachine(at(0));
    const yellow = trigger({ id: 'warn', text: 'Error rate above 1%', severity: 'yellow', state: 'firing', value: 1.5, threshold: 1 });
    expect(m.gates(gates(yellow), at(1))).toEqual([]);
    const [t] = m.gates(gates(yellow, trigger({ state: 'firing', value: 2.2 })), at(2));
    expect(t).toMatchObject({ to: 'firing', triggerId: 'err', cause: '"Error rate above 2%" fired' });
  });

  it('a reopened session resumes the state its journal recorded, with the rollback it ran, and journals nothing twice', () => {
    const m = new WindowMachine(at(0));
    const journal = [
      started(2),
      step('a1', 0, 2),
      stepDone('a1', 'checkout_v2 read back 0', 3),
      finished('ok', 4),
      entry('window.state', { from: 'firing', to: 'rolling-back', cause: 'x', triggerId: 'err', runId: 'r1' }, 2),
      entry('window.state', { from: 'rolling-back', to: 'recovering', cause: 'rollback P0 verified', triggerId: 'err', runId: 'r1' }, 4),
    ];
    expect(journal.flatMap((e) => m.entry(e, true))).toEqual([]);
    expect(m.view()).toMatchObject({ state: 'recovering', triggerId: 'err', rollback: { plan: 'P0', by: 'Ada', outcome: 'ok' } });
    // Live window.state entries (its own) are ignored.
    expect(m.entry(entry('window.state', { from: 'recovering', to: 'healthy', cause: 'x', triggerId: null, runId: null }, 5))).toEqual([]);
    expect(m.state).toBe('recovering');
  });
});
