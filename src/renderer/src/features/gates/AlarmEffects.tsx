/**
 * What an alarm does beyond the banner: beeps (unless muted) while any
 * trigger alarms, and in browser mode one notification per trigger that
 * starts alarming. In the desktop app main shows the native notification
 * (src/main/electron/alarm-notifier.ts), so the renderer does not.
 */
import { useEffect, useRef, useState } from 'react';
import { alarmIds, alarmNotice, newAlarms } from './gates-alarm';
import { askNotifyPermission, notifyPermission, showBrowserNotification, type NotifyPermission } from './gates-notify';
import { createAlarmSound, type AlarmSound } from './gates-sound';
import { useGates } from './gates-store';
import { useStore } from '../checklist/store/store';
import { offersRollback, toldOnEntering, windowHeadline } from '../../../../shared/window-words';
import { useWindowState } from './window-store';

export function AlarmEffects({ alarming }: { alarming: boolean }) {
  const muted = useGates((s) => s.muted);
  const browserMode = useStore((s) => s.cockpit?.app.mode === 'browser');
  const sound = useRef<AlarmSound | null>(null);

  useEffect(() => {
    const created = createAlarmSound();
    sound.current = created;
    return () => {
      created.dispose();
      sound.current = null;
    };
  }, []);

  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    if (!alarming || muted) {
      sound.current?.stop();
      return;
    }
    sound.current?.start();
    // The browser may allow sound only after the next click: keep the hint true to what it does.
    const timer = setInterval(() => setBlocked(sound.current?.blocked() ?? false), 500);
    return () => clearInterval(timer);
  }, [alarming, muted]);

  useEffect(() => {
    if (!browserMode) return;
    let known = alarmIds(useGates.getState().gates);
    return useGates.subscribe((s) => {
      // A trigger still firing while its rollback runs or the metrics recover is already answered: no new notification.
      const answered = !offersRollback(useWindowState.getState().window?.state ?? null);
      for (const trigger of answered ? [] : newAlarms(known, s.gates)) {
        const notice = alarmNotice(trigger);
        showBrowserNotification(trigger.id, notice.title, notice.body);
      }
      known = alarmIds(s.gates);
    });
  }, [browserMode]);

  useEffect(() => {
    if (!browserMode) return;
    // The window's turns (rolled back, recovered, rollback failed), told once each as main's notifier does in the desktop app.
    let told = useWindowState.getState().window?.state ?? null;
    return useWindowState.subscribe((s) => {
      const view = s.window;
      if (!view || view.state === told) return;
      told = view.state;
      if (!toldOnEntering(view.state)) return;
      const { title, body } = windowHeadline(view);
      showBrowserNotification('window', title, body);
    });
  }, [browserMode]);

  if (alarming && !muted && blocked) {
    return (
      <p className="alarm-sound-blocked" data-testid="alarm-sound-blocked">
        The browser holds the alarm sound back until you click anywhere in the window.
      </p>
    );
  }
  return null;
}

/** Browser mode: asks for notification permission, only when the user presses it. */
export function NotifyButton() {
  const [permission, setPermission] = useState<NotifyPermission>(notifyPermission);
  if (permission === 'granted') return <span className="notify-state muted">Desktop notifications on</span>;
  if (permission === 'unsupported') return null;
  if (permission === 'denied') return <span className="notify-state muted">Notifications blocked in this browser</span>;
  return (
    <button type="button" className="btn btn-small" data-testid="notify-enable" onClick={() => void askNotifyPermission().then(setPermission)}>
      Enable desktop notifications
    </button>
  );
}
