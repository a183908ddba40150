/**
 * The one alarm rule (src/shared/alarm-rule.ts) that main's notifications,
 * the window state machine and the renderer's banner all ask: the banner
 * names the most severe firing trigger (red over yellow, then the one
 * furthest past its line), and the value it shows never contradicts its
 * line ("0.92 %" beside "> 1 %" was seen in the field). Main's notices also
 * follow the window state: nothing asks for a rollback that already ran.
 */
import { describe, expect, it } from 'vitest';
import type { GatesState, TriggerView } from '../../src/shared/gate-model';
import type { WindowView } from '../../src/shared/window-model';
import { alarmDetail, alarmingTriggers, alarmNotice, alarmValue, mostSevereFiring } from '../../src/shared/alarm-rule';
import { formatValueAgainst } from '../../src/shared/format';
import { watchAlarms } from '../../src/main/electron/alarm-watch';
import type { EventListener } from '../../src/main/app/event-hub';
import { gatesState, triggerView } from '../support/gate-views';

const trigger = (over: Partial<TriggerView>): TriggerView =>
  triggerView({ id: 'red', state: 'firing', value: 3, forSeconds: 5, heldSeconds: 6, op: '>', threshold: 2, firedValue: 2.4, ...over });

const gates = (...triggers: TriggerView[]): GatesState => gatesState(triggers);

describe('the most severe firing trigger is the one named', () => {
  it('red over yellow, even when the yellow one is further past its own line', () => {
    const yellow = trigger({ id: 'yellow', text: 'Error rate above 1%', severity: 'yellow', threshold: 1, value: 1.9 });
    const red = trigger({ value: 2.1 });
    expect(mostSevereFiring(gates(yellow, red))?.id).toBe('red');
    // Yellow is never an alarm.
    expect(alarmingTriggers(gates(yellow)).map((t) => t.id)).toEqual([]);
  });

  it('among red ones, the one furthest past its line (relative to the line) comes first, whatever the runbook order', () => {
    const errors = trigger({ id: 'errors', value: 2.2 }); // 10 % past 2
    const latency = trigger({ id: 'p95', metric: 'latency_p95', unit: 'ms', threshold: 500, value: 900 }); // 80 % past 500
    const cache = trigger({ id: 'cache', metric: 'cache_hit_rate', op: '<', threshold: 60, value: 40 }); // 33 % below 60
    expect(alarmingTriggers(gates(errors, latency, cache)).map((t) => t.id)).toEqual(['p95', 'cache', 'errors']);
  });
});

describe('the value shown is consistent with its line', () => {
  it('shows the reading now while it is past the line', () => {
    expect(alarmValue(trigger({ value: 4.31 }))).toBe(4.31);
    expect(alarmDetail(trigger({ value: 4.31 }))).toBe('error_rate 4.31 % for 6 s (fires after 5 s)');
  });

  it('while hysteresis keeps it firing with the reading back inside, shows the value it fired at, and says the one now', () => {
    const t = trigger({ threshold: 1, value: 0.92, firedValue: 1.37 });
    expect(alarmValue(t)).toBe(1.37);
    expect(alarmDetail(t)).toBe('error_rate 1.37 % when it fired, now 0.92 % for 6 s (fires after 5 s)');
    expect(alarmNotice(t).body).toBe('error_rate 1.37 % when it fired, now 0.92 % for 6 s (fires after 5 s) · line > 1 % · runbook line 83');
  });

  it('never rounds a value onto its line or past it', () => {
    expect(formatValueAgainst(1.004, '%', 1)).toBe('1.004 %');
    expect(formatValueAgainst(0.9996, '%', 1)).toBe('0.9996 %');
    expect(formatValueAgainst(2.004, '%', 2)).toBe('2.004 %');
    // Where plain formatting already reads true, it is left as it is.
    expect(formatValueAgainst(4.3127, '%', 2)).toBe('4.31 %');
    expect(formatValueAgainst(512, 'ms', 500)).toBe('512 ms');
    expect(formatValueAgainst(null, '%', 2)).toBe('—');
  });
});

describe("main's notifications follow the window state", () => {
  function hub() {
    let listener: EventListener | null = null;
    return {
      subscribe: (l: EventListener) => {
        listener = l;
        return () => (listener = null);
      },
      emit: ((name, payload) => listener?.(name, payload)) as EventListener,
    };
  }
  const view = (state: WindowView['state'], revision: number): WindowView => ({
    revision,
    state,
    since: '2026-12-03T02:14:00Z',
    cause: 'x',
    triggerId: 'red',
    recoveredAt: state === 'recovered' ? '2026-12-03T02:16:00Z' : null,
    rollback: { runId: 'r1', plan: 'P0', by: 'Ada', automatic: false, startedAt: '2026-12-03T02:14:00Z', endedAt: null, outcome: 'ok', steps: [{ title: 'flag', outcome: 'ok', message: 'checkout_v2 read back 0' }], message: '' },
  });

  it('no alarm notice for a trigger still firing while its rollback runs or the metrics recover; one for the rollback verified and one for recovered', () => {
    const h = hub();
    const shown: string[] = [];
    watchAlarms(h, (n) => shown.push(`${n.triggerId}: ${n.title}`));
    h.emit('windowChanged', view('rolling-back', 1));
    h.emit('gatesChanged', gates(trigger({})));
    h.emit('windowChanged', view('recovering', 2));
    h.emit('gatesChanged', gates(trigger({ value: 5 })));
    h.emit('windowChanged', view('recovered', 3));
    expect(shown).toHaveLength(2);
    expect(shown[0]).toMatch(/^window: Rolled back by Ada at \d{2}:\d{2}: metrics recovering$/);
    expect(shown[1]).toMatch(/^window: Recovered at \d{2}:\d{2}: metrics back inside their lines$/);
  });
});
