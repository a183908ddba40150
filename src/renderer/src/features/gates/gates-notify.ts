/**
 * Desktop notifications in browser mode, through the browser's
 * Notification API. Permission is asked only from a button the user
 * pressed (browsers ignore or penalise a request without a gesture). In
 * the desktop app the renderer never uses this: Electron denies web
 * permission requests by policy, and main shows a native notification
 * itself when a trigger fires (src/main/electron/alarm-notifier.ts).
 */

export type NotifyPermission = 'granted' | 'denied' | 'default' | 'unsupported';

interface NotificationLike {
  onclick: ((this: unknown, ev: Event) => unknown) | null;
  close(): void;
}
interface NotificationCtor {
  new (title: string, options?: NotificationOptions): NotificationLike;
  permission: NotificationPermission;
  requestPermission(): Promise<NotificationPermission>;
}

function ctor(): NotificationCtor | null {
  return (globalThis as unknown as { Notification?: NotificationCtor }).Notification ?? null;
}

export function notifyPermission(): NotifyPermission {
  const N = ctor();
  return N ? N.permission : 'unsupported';
}

/** Call from a click handler only. */
export async function askNotifyPermission(): Promise<NotifyPermission> {
  const N = ctor();
  if (!N) return 'unsupported';
  return N.requestPermission();
}

/**
 * Shows one notification per trigger (the tag replaces an older one for
 * the same trigger instead of stacking); a click brings the window
 * forward. Returns false when it could not be shown.
 */
export function showBrowserNotification(id: string, title: string, body: string): boolean {
  const N = ctor();
  if (!N || N.permission !== 'granted') return false;
  try {
    const shown = new N(title, { body, tag: `flightdeck-trigger-${id}`, requireInteraction: true });
    shown.onclick = () => {
      window.focus();
      shown.close();
    };
    return true;
  } catch {
    return false;
  }
}
