/**
 * Whether main is there. Main beats once a second (main/app/heartbeat.ts);
 * with no beat for LOST_AFTER_MS, or the moment browser mode's event stream
 * drops, the cockpit is "Not connected": lights and graphs turn to unknown
 * and acts are disabled, because what the screen shows may no longer be
 * true and nothing asked of main would happen. The first beat after that
 * (or a beat from a main that restarted, whose bootId differs) reconnects:
 * every sync that registered with onReconnect fetches its state again.
 */
import { create } from 'zustand';
import type { FlightdeckApi } from '../../../../shared/api';
import { LOST_AFTER_MS } from '../../../../shared/connection';

export type ConnectionState = 'connected' | 'lost';

export interface ConnectionStore {
  state: ConnectionState;
  /** When the state last changed (epoch ms). */
  since: number;
}

/** Why an act is disabled while not connected: shown on the disabled control. */
export const NOT_CONNECTED_REASON = 'Not connected to Flightdeck: this is disabled until it answers again.';

export const useConnection = create<ConnectionStore>()(() => ({ state: 'connected', since: Date.now() }));

/** True while connected: the condition for every act. */
export const useConnected = (): boolean => useConnection((s) => s.state === 'connected');

const reconnectListeners = new Set<() => void>();

/** Runs `refetch` each time main answers again after being lost or restarting; returns the unsubscribe. */
export function onReconnect(refetch: () => void): () => void {
  reconnectListeners.add(refetch);
  return () => {
    reconnectListeners.delete(refetch);
  };
}

export interface ConnectionWatchOptions {
  clock?: () => number;
  /** How often silence is checked; a fifth of a second keeps "Not connected" inside 3 s of the last beat's 2.5. */
  checkEveryMs?: number;
}

/** Watches the heartbeat and the link; returns the cleanup for a useEffect. */
export function startConnectionWatch(api: Pick<FlightdeckApi, 'on' | 'onLink'>, options: ConnectionWatchOptions = {}): () => void {
  const clock = options.clock ?? Date.now;
  let lastBeat = clock();
  let bootId: string | null = null;

  const set = (state: ConnectionState) => {
    if (useConnection.getState().state !== state) useConnection.setState({ state, since: clock() });
  };
  const lose = () => set('lost');

  const beat = (payload: { bootId: string }) => {
    lastBeat = clock();
    const restarted = bootId !== null && payload.bootId !== bootId;
    const wasLost = useConnection.getState().state === 'lost';
    bootId = payload.bootId;
    set('connected');
    if (wasLost || restarted) {
      for (const refetch of [...reconnectListeners]) refetch();
    }
  };

  const unsubscribe = [
    api.on('heartbeat', beat),
    api.onLink((up) => {
      if (!up) lose();
    }),
  ];
  const timer = setInterval(() => {
    if (clock() - lastBeat > LOST_AFTER_MS) lose();
  }, options.checkEveryMs ?? 200);
  return () => {
    clearInterval(timer);
    for (const off of unsubscribe) off();
  };
}
