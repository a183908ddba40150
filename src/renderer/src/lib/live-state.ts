/**
 * The one way a feature keeps its store in step with main: a small
 * in-house equivalent of react-query's "query + invalidate on event",
 * shaped for zustand stores fed by a push stream (see README,
 * Architecture). Every feature (checklist, telemetry, control, gates,
 * backup) declares what it reads, what it applies and which events it
 * follows; the rule for when state is read and which answer counts is
 * written here once:
 *
 * 1. Subscribe first, then read, so nothing emitted in between is lost.
 * 2. Read the whole state at start, and again when it is invalidated:
 *    another runbook or session opened (the `invalidateOn` events,
 *    `cockpitReplaced` by default), main answered again after being lost
 *    or restarting (always), or the feature asks (`refresh`).
 * 3. The newest read wins: the answer to a read that a later one
 *    superseded is dropped, never applied over the later one.
 * 4. Events that arrive while a read is on its way wait, and are applied
 *    in order on top of its answer (or of what was there, if it failed);
 *    each store drops what the answer already held (by seq or revision).
 */
import type { FlightdeckApi } from '../../../shared/api';
import type { EventPayload } from '../../../shared/contract';
import type { EventName } from '../../../shared/contract-names';
import { onReconnect } from '../features/connection/connection';

/** A handler per event the feature follows. */
export type EventHandlers = { [E in EventName]?: (payload: EventPayload<E>) => void };

export interface LiveStateSpec<T> {
  /** Reads the whole state from main; absent for a feature that only follows events. */
  read?: () => Promise<T>;
  /** Applies the answer to the newest read. */
  apply?: (answer: T) => void;
  /** The newest read failed. */
  fail?: (error: unknown) => void;
  /** Events applied as they come (after the read in flight, if any). */
  events?: EventHandlers;
  /** Events that make the state stale, so it is read again. Default: another runbook opened. */
  invalidateOn?: EventName[];
}

export interface LiveState {
  /** Reads the state again; resolves once that read (or a newer one) has settled. */
  refresh(): Promise<void>;
  /** Runs `apply` now, or after the read in flight: for answers to the feature's own calls. */
  afterRead(apply: () => void): void;
  stop(): void;
}

type Api = Pick<FlightdeckApi, 'on'>;

export function liveState<T>(api: Api, spec: LiveStateSpec<T>): LiveState {
  /** Numbers the reads, so only the newest answer is applied. */
  let latest = 0;
  let reading: Promise<void> | null = null;
  let held: Array<() => void> = [];
  let stopped = false;

  const afterRead = (apply: () => void) => {
    if (stopped) return;
    if (reading) held.push(apply);
    else apply();
  };

  const release = () => {
    const waiting = held;
    held = [];
    for (const apply of waiting) apply();
  };

  const refresh = (): Promise<void> => {
    const { read } = spec;
    if (!read || stopped) return Promise.resolve();
    const request = ++latest;
    const current = read().then(
      (answer) => {
        if (!stopped && request === latest) spec.apply?.(answer);
      },
      (error: unknown) => {
        if (!stopped && request === latest) spec.fail?.(error);
      },
    );
    const settled: Promise<void> = current.then(() => {
      if (stopped) return undefined;
      // Superseded: wait for the newer read, whose answer is the one that counts.
      if (request !== latest) return reading ?? undefined;
      reading = null;
      release();
      return undefined;
    });
    reading = settled;
    return settled;
  };

  const on = api.on as (event: EventName, listener: (payload: unknown) => void) => () => void;
  const unsubscribe = [
    ...Object.entries(spec.events ?? {}).map(([event, handler]) => on(event as EventName, (payload) => afterRead(() => (handler as (p: unknown) => void)(payload)))),
    ...(spec.invalidateOn ?? ['cockpitReplaced']).map((event) => on(event, () => void refresh())),
    onReconnect(() => void refresh()),
  ];
  void refresh();

  return {
    refresh,
    afterRead,
    stop() {
      stopped = true;
      held = [];
      for (const off of unsubscribe) off();
    },
  };
}
