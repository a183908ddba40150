/**
 * Desktop notifications for alarms in the desktop app: Electron's
 * Notification from main, because the window's web permission requests
 * are denied by policy (window-policy.ts) and the renderer must not ask.
 * A click brings the cockpit window forward, where the banner and the
 * countdown are. The notice text has passed the event hub's redactor.
 */
import { Notification, type BrowserWindow } from 'electron';
import type { EventHub } from '../app/event-hub';
import { watchAlarms } from './alarm-watch';

export function notifyAlarms(events: EventHub, window: () => BrowserWindow | null): () => void {
  if (!Notification.isSupported()) return () => undefined;
  const shown = new Map<string, Notification>();
  return watchAlarms(events, ({ triggerId, title, body }) => {
    shown.get(triggerId)?.close();
    const n = new Notification({ title, body, urgency: 'critical', timeoutType: 'never' });
    n.on('click', () => {
      const w = window();
      if (!w || w.isDestroyed()) return;
      if (w.isMinimized()) w.restore();
      w.show();
      w.focus();
    });
    n.on('close', () => {
      if (shown.get(triggerId) === n) shown.delete(triggerId);
    });
    shown.set(triggerId, n);
    n.show();
  });
}
