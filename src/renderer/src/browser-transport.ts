/**
 * Browser mode's stand-in for the preload: the same FlightdeckBridge, built
 * over HTTP calls and a server-sent event stream to the bridge on
 * 127.0.0.1. The launch token travels as an HttpOnly cookie the bridge set
 * when the launch URL was opened, so page scripts never see it. The port
 * and token are kept across restarts of browser mode, so after a restart
 * the same tab's stream and calls carry a cookie the new process accepts.
 *
 * Whether the stream is up is told to onLink listeners; the renderer's
 * connection watch (store/connection.ts) turns that and main's heartbeat
 * into "Not connected" and, when main answers again, one refetch of
 * everything.
 */
import { createBridge, type FlightdeckBridge } from '../../shared/api';
import { EVENT_NAMES, type CallName, type EventName } from '../../shared/contract-names';
import type { CallResult } from '../../shared/errors';

export function createBrowserBridge(base = ''): FlightdeckBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const linkListeners = new Set<(up: boolean) => void>();
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Grows while the server keeps refusing the stream (a rotated token), so a forgotten tab does not knock every second. */
  let retryMs = 1000;

  const dispatch = (name: EventName, payload: unknown) => {
    for (const listener of listeners.get(name) ?? []) listener(payload);
  };

  const invoke = async (name: CallName, input: unknown): Promise<CallResult<unknown>> => {
    let response: Response;
    try {
      response = await fetch(`${base}/api/call/${name}`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-Flightdeck': '1' },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return { ok: false, error: { code: 'timeout', message: 'Flightdeck is not answering: is the process that printed the URL still running?' } };
    }
    try {
      return (await response.json()) as CallResult<unknown>;
    } catch {
      return { ok: false, error: { code: 'internal', message: `Flightdeck answered ${response.status} without a result.` } };
    }
  };

  const link = (up: boolean) => {
    for (const listener of linkListeners) listener(up);
  };

  const connect = () => {
    if (source) return;
    const opened = new EventSource(`${base}/api/events`);
    source = opened;
    for (const name of EVENT_NAMES) {
      opened.addEventListener(name, (event) => dispatch(name, JSON.parse((event as MessageEvent<string>).data)));
    }
    opened.addEventListener('open', () => {
      retryMs = 1000;
      link(true);
    });
    opened.addEventListener('error', () => {
      link(false);
      // The browser retries a dropped stream by itself, but gives up for good on an answer that is not a stream
      // (a 401 or 5xx while the server restarts): then start a new one, so the tab recovers without a reload.
      if (opened.readyState === EventSource.CLOSED && source === opened && retryTimer === null) {
        source = null;
        retryTimer = setTimeout(() => {
          retryTimer = null;
          connect();
        }, retryMs);
        retryMs = Math.min(retryMs * 2, 10_000);
      }
    });
  };

  return createBridge({
    invoke,
    subscribe(name, listener) {
      connect();
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    pathForFile: () => null,
    onLink(listener) {
      connect();
      linkListeners.add(listener);
      return () => {
        linkListeners.delete(listener);
      };
    },
  });
}
