/**
 * Browser mode's stand-in for the preload: the same FlightdeckBridge, built
 * over HTTP calls and a server-sent event stream to the bridge on
 * 127.0.0.1. The launch token travels as an HttpOnly cookie the bridge set
 * when the launch URL was opened, so page scripts never see it.
 */
import { createBridge, type FlightdeckBridge } from '../shared/api';
import { EVENT_NAMES, type CallName, type EventName } from '../shared/contract-names';
import type { CallResult } from '../shared/errors';

export function createBrowserBridge(base = ''): FlightdeckBridge {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;
  let opened = false;

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

  const connect = () => {
    if (source) return;
    source = new EventSource(`${base}/api/events`);
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (event) => dispatch(name, JSON.parse((event as MessageEvent<string>).data)));
    }
    source.addEventListener('open', () => {
      // After a reconnect, events may have been missed: fetch the whole state again.
      if (opened) {
        void invoke('getCockpit', {}).then((result) => {
          if (result.ok) dispatch('cockpitReplaced', result.value);
        });
      }
      opened = true;
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
  });
}
