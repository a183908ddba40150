/**
 * Which rollback triggers start alarming, seen from main: a trigger that
 * fires and is not acknowledged is notified once, and again only after it
 * has stopped and fired anew. Kept apart from the Electron adapter
 * (alarm-notifier.ts) so the rule runs under vitest without Electron.
 */
import type { EventHub } from '../app/event-hub';
import type { ControlState } from '../../shared/control-model';
import { formatValue } from '../../shared/format';
import type { GatesState, TriggerView } from '../../shared/gate-model';

export interface AlarmNotice {
  triggerId: string;
  title: string;
  body: string;
}

/** The rule, as a fold: the ids alarming now and the notices for those that were not before. */
export function alarmStep(known: ReadonlySet<string>, state: GatesState): { known: Set<string>; notices: AlarmNotice[] } {
  const alarming = state.triggers.filter((t) => t.severity === 'red' && t.state === 'firing' && !t.acknowledged);
  return { known: new Set(alarming.map((t) => t.id)), notices: alarming.filter((t) => !known.has(t.id)).map(notice) };
}

function notice(t: TriggerView): AlarmNotice {
  const value = t.value === null ? 'no value' : formatValue(t.value, t.unit);
  const countdown = t.countdownEndsAt !== null ? ' · automatic rollback counting down: open Flightdeck to cancel' : '';
  return {
    triggerId: t.id,
    title: `Rollback condition: ${t.text}`,
    body: `${t.metric} ${value} for ${Math.floor(t.heldSeconds)} s${t.line !== null ? ` · runbook line ${t.line}` : ''}${countdown}`,
  };
}

/**
 * Calls `show` for each trigger that starts alarming, from the app's
 * gatesChanged events, and once for each new flag alarm (a rollback guard's
 * reassertion, a drift) from controlChanged; returns the unsubscribe.
 */
export function watchAlarms(events: Pick<EventHub, 'subscribe'>, show: (notice: AlarmNotice) => void): () => void {
  let known: ReadonlySet<string> = new Set();
  const flagAlerts = new Set<string>();
  return events.subscribe((name, payload) => {
    if (name === 'controlChanged') {
      for (const alert of (payload as ControlState).flagAlerts) {
        if (flagAlerts.has(alert.id)) continue;
        flagAlerts.add(alert.id);
        show({ triggerId: `flag-${alert.id}`, title: `Flag alarm: ${alert.flag}`, body: alert.message });
      }
      return;
    }
    if (name !== 'gatesChanged') return;
    const step = alarmStep(known, payload as GatesState);
    known = step.known;
    for (const n of step.notices) show(n);
  });
}
