/**
 * When the cockpit raises an alarm and what it says: only a trigger that
 * has held for its duration and that nobody acknowledged alarms; each one
 * is announced once (renderer and Electron main follow the same rule); the
 * words name the condition, the value with its unit and how long it held.
 */
import { describe, expect, it } from 'vitest';
import type { ControlState } from '../../src/shared/control-model';
import type { TriggerView } from '../../src/shared/gate-model';
import { alarmDetail, alarmIds, alarmingTriggers, alarmNotice, newAlarms, triggerStateText } from '../../src/renderer/src/features/gates/gates-alarm';
import { alarmStep, watchAlarms } from '../../src/main/electron/alarm-watch';
import type { EventListener } from '../../src/main/app/event-hub';
import { gatesState, triggerView } from '../support/gate-views';

const trigger = (over: Partial<TriggerView>): TriggerView => triggerView({ id: 't-error', text: 'Error rate above 2% for more than 5 minutes', line: 78, ...over });

const gates = gatesState;

describe('what counts as an alarm', () => {
  it('a firing red trigger alarms; pending, quiet, unknown, yellow and acknowledged ones do not', () => {
    const state = gates([
      trigger({ id: 'a', state: 'firing', value: 4.31, heldSeconds: 301 }),
      trigger({ id: 'b', state: 'pending', heldSeconds: 299 }),
      trigger({ id: 'c', state: 'unknown', value: null }),
      trigger({ id: 'y', state: 'firing', severity: 'yellow', value: 0.7, heldSeconds: 30 }),
      trigger({ id: 'd', state: 'firing', acknowledged: true }),
      trigger({ id: 'e', state: 'quiet' }),
    ]);
    expect(alarmingTriggers(state).map((t) => t.id)).toEqual(['a']);
    expect(alarmingTriggers(null)).toEqual([]);
  });

  it('announces a trigger once while it keeps firing, and again after it stopped and fired anew', () => {
    const firing = gates([trigger({ state: 'firing', heldSeconds: 300 })]);
    let known = alarmIds(null);
    expect(newAlarms(known, firing).map((t) => t.id)).toEqual(['t-error']);
    known = alarmIds(firing);
    expect(newAlarms(known, gates([trigger({ state: 'firing', heldSeconds: 310 })]))).toEqual([]);
    const quiet = gates([trigger({ state: 'quiet' })]);
    known = alarmIds(quiet);
    expect(newAlarms(known, firing).map((t) => t.id)).toEqual(['t-error']);
  });

  it('an acknowledgement ends the alarm without announcing anything', () => {
    const known = alarmIds(gates([trigger({ state: 'firing' })]));
    expect(newAlarms(known, gates([trigger({ state: 'firing', acknowledged: true })]))).toEqual([]);
    expect(alarmIds(gates([trigger({ state: 'firing', acknowledged: true })])).size).toBe(0);
  });
});

describe('the words of the alarm', () => {
  it('names the condition, the value with its unit, how long it held and the duration it needed', () => {
    const t = trigger({ state: 'firing', value: 4.3127, heldSeconds: 306.8, forSeconds: 300 });
    expect(alarmDetail(t)).toBe('error_rate 4.31 % for 5 min 6 s (fires after 5 min)');
    expect(alarmNotice(t)).toEqual({ triggerId: 't-error', title: 'Rollback condition: Error rate above 2% for more than 5 minutes', body: 'error_rate 4.31 % for 5 min 6 s (fires after 5 min) · runbook line 78' });
  });

  it('says a missing value plainly rather than showing 0', () => {
    expect(alarmDetail(trigger({ state: 'firing', value: null, heldSeconds: 12, forSeconds: 10 }))).toBe('error_rate — for 12 s (fires after 10 s)');
  });

  it('every trigger state is said in words, unknown as "no data", never as healthy', () => {
    expect(triggerStateText(trigger({ state: 'quiet' }))).toBe('quiet');
    expect(triggerStateText(trigger({ state: 'unknown' }))).toBe('unknown: no data');
    expect(triggerStateText(trigger({ state: 'pending', heldSeconds: 125, forSeconds: 300 }))).toBe('holding 2 min 5 s of 5 min');
    expect(triggerStateText(trigger({ state: 'firing', heldSeconds: 301 }))).toBe('FIRING for 5 min 1 s');
    expect(triggerStateText(trigger({ state: 'firing', heldSeconds: 301, acknowledged: true }))).toBe('firing for 5 min 1 s, acknowledged');
  });
});

describe('desktop notifications from main (Electron)', () => {
  it('follows the same rule and says the condition, value, time held, line and a running countdown', () => {
    const first = alarmStep(new Set(), gates([trigger({ state: 'firing', value: 4.3127, heldSeconds: 6.9, countdownEndsAt: 1_000 }), trigger({ id: 'p', state: 'pending' })]));
    expect(first.notices).toEqual([
      {
        triggerId: 't-error',
        title: 'Rollback condition: Error rate above 2% for more than 5 minutes',
        // The same words as the browser's notification: one rule (shared/alarm-rule.ts).
        body: 'error_rate 4.31 % for 6 s (fires after 5 min) · runbook line 78 · automatic rollback counting down: open Flightdeck to cancel',
      },
    ]);
    expect(alarmStep(first.known, gates([trigger({ state: 'firing', heldSeconds: 8 })])).notices).toEqual([]);
  });

  it('watches only gatesChanged events and stops when unsubscribed', () => {
    let listener: EventListener | null = null;
    const hub = {
      subscribe: (l: EventListener) => {
        listener = l;
        return () => (listener = null);
      },
    };
    const shown: string[] = [];
    const stop = watchAlarms(hub, (n) => shown.push(n.triggerId));
    const emit: EventListener = (name, payload) => listener?.(name, payload);
    emit('prefsChanged', { operator: 'x', theme: 'dark' });
    emit('gatesChanged', gates([trigger({ state: 'pending' })]));
    expect(shown).toEqual([]);
    emit('gatesChanged', gates([trigger({ state: 'firing' })]));
    emit('gatesChanged', gates([trigger({ state: 'firing' })]));
    expect(shown).toEqual(['t-error']);
    stop();
    expect(listener).toBeNull();
  });

  it('notifies each new flag alarm (a rollback guard put a flag back) once, from controlChanged', () => {
    let listener: EventListener | null = null;
    const hub = {
      subscribe: (l: EventListener) => {
        listener = l;
        return () => (listener = null);
      },
    };
    const shown: Array<{ id: string; body: string }> = [];
    watchAlarms(hub, (n) => shown.push({ id: n.triggerId, body: n.body }));
    const alert = { id: 'a1', flag: 'checkout_v2', kind: 'reasserted' as const, message: 'an older write of 50 landed after rollback rb-1 verified 0; checkout_v2 was set back to 0', at: '2026-01-01T00:00:00Z' };
    // Only the field the watch reads; the rest of the control state does not matter here.
    const control = { flagAlerts: [alert] } as unknown as ControlState;
    listener!('controlChanged', control);
    listener!('controlChanged', control);
    expect(shown).toEqual([{ id: 'flag-a1', body: alert.message }]);
  });
});
