/**
 * Which notifications main shows, kept apart from the Electron adapter
 * (alarm-notifier.ts) so it runs under vitest without Electron. The alarm
 * rule is the shared one (shared/alarm-rule.ts): a trigger that fires and
 * is not acknowledged is notified once, and again only after it stopped
 * and fired anew; never while the window state machine knows a rollback
 * already answers it (running, or verified with the metrics recovering).
 * The window's own turns are notified too: rolled back, recovered, failed.
 */
import type { EventHub } from '../app/event-hub';
import type { ControlState } from '../../shared/control-model';
import { alarmIds, alarmNotice, newAlarms } from '../../shared/alarm-rule';
import type { GatesState } from '../../shared/gate-model';
import type { WindowStateName, WindowView } from '../../shared/window-model';
import { offersRollback, toldOnEntering, windowHeadline } from '../../shared/window-words';

export interface AlarmNotice {
  triggerId: string;
  title: string;
  body: string;
}

/** The rule, as a fold: the ids alarming now and the notices for those that were not before. */
export function alarmStep(known: ReadonlySet<string>, state: GatesState, window: WindowStateName | null = null): { known: Set<string>; notices: AlarmNotice[] } {
  const notices = offersRollback(window) ? newAlarms(known, state).map(alarmNotice) : [];
  return { known: alarmIds(state), notices };
}

/** The notice for a window state that begins, or null when it is not one to tell. */
export function windowNotice(view: WindowView, previous: WindowStateName | null): AlarmNotice | null {
  if (view.state === previous || !toldOnEntering(view.state)) return null;
  const { title, body } = windowHeadline(view);
  return { triggerId: 'window', title, body };
}

/**
 * Calls `show` for each trigger that starts alarming (gatesChanged), each
 * window turn worth telling (windowChanged), and once for each new flag
 * alarm (a rollback guard's reassertion, a drift) from controlChanged;
 * returns the unsubscribe.
 */
export function watchAlarms(events: Pick<EventHub, 'subscribe'>, show: (notice: AlarmNotice) => void): () => void {
  let known: ReadonlySet<string> = new Set();
  let window: WindowStateName | null = null;
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
    if (name === 'windowChanged') {
      const view = payload as WindowView;
      const notice = windowNotice(view, window);
      window = view.state;
      if (notice) show(notice);
      return;
    }
    if (name !== 'gatesChanged') return;
    const step = alarmStep(known, payload as GatesState, window);
    known = step.known;
    for (const n of step.notices) show(n);
  });
}
