/**
 * Flag alarms in the alarm banner: an older write landed after a rollback
 * (and the rollback put its value back, or could not), or a flag changed
 * outside Flightdeck. Main keeps them (ControlState.flagAlerts, also in the
 * journal); here each shows as a banner row until the person dismisses it
 * in this window, and in browser mode a notification is shown once for
 * each new one (in the desktop app main shows it: electron/alarm-watch.ts).
 */
import { useEffect, useRef, useState } from 'react';
import type { FlagAlert } from '../../../../shared/control-model';
import { useControl } from '../control/control-store';
import { showBrowserNotification } from './gates-notify';
import { useStore } from '../checklist/store/store';

const EMPTY: FlagAlert[] = [];

/** The flag alerts not dismissed in this window, and the dismiss. */
export function useFlagAlarms(): { shown: FlagAlert[]; dismiss: (id: string) => void } {
  const alerts = useControl((s) => s.control?.flagAlerts ?? EMPTY);
  const [dismissed, setDismissed] = useState<ReadonlySet<string>>(new Set());
  const browserMode = useStore((s) => s.cockpit?.app.mode === 'browser');
  const notified = useRef(new Set<string>());
  useEffect(() => {
    for (const alert of alerts) {
      if (notified.current.has(alert.id)) continue;
      notified.current.add(alert.id);
      if (browserMode) showBrowserNotification(alert.id, flagAlarmTitle(alert), alert.message);
    }
  }, [alerts, browserMode]);
  return {
    shown: alerts.filter((a) => !dismissed.has(a.id)),
    dismiss: (id) => setDismissed((d) => new Set([...d, id])),
  };
}

export function flagAlarmTitle(alert: FlagAlert): string {
  if (alert.kind === 'reasserted') return `${alert.flag}: an older write undid the rollback; Flightdeck put it back`;
  if (alert.kind === 'reassert-failed') return `${alert.flag}: an older write undid the rollback, and putting it back failed`;
  return `${alert.flag} changed outside Flightdeck`;
}

export function FlagAlarmRow({ alert, onDismiss }: { alert: FlagAlert; onDismiss: () => void }) {
  return (
    <div className="alarm-row" data-testid="flag-alarm" data-kind={alert.kind} data-flag={alert.flag}>
      <div className="alarm-text">
        <span className="alarm-word">ALARM</span>
        <span className="alarm-condition">{flagAlarmTitle(alert)}</span>
        <span className="alarm-detail" aria-live="off">
          {alert.message}
        </span>
        <span className="alarm-line">{new Date(alert.at).toLocaleTimeString()}</span>
      </div>
      <div className="alarm-actions">
        <button type="button" className="btn alarm-ack" data-testid="flag-alarm-dismiss" onClick={onDismiss}>
          Seen
        </button>
      </div>
    </div>
  );
}
