/**
 * `window.flightdeck` is one object: a named function per contract call and
 * `on` for contract events. The preload builds it over Electron IPC and the
 * browser-mode transport builds it over HTTP, from the same contract, so the
 * renderer cannot tell them apart and cannot reach anything the contract
 * lacks.
 *
 * Calls answer with a CallResult envelope rather than throwing, because a
 * rejection crossing contextBridge keeps only its message; `toApi` turns the
 * envelopes back into FlightdeckErrors on the renderer's side.
 */
import type { CallInput, CallOutput, EventPayload } from './contract';
import { CALL_NAMES, isEventName, type CallName, type EventName } from './contract-names';
import { FlightdeckError, type CallResult } from './errors';

type Fn<N extends CallName, R> = Record<string, never> extends CallInput<N> ? (input?: CallInput<N>) => Promise<R> : (input: CallInput<N>) => Promise<R>;

interface Subscriptions {
  /** Subscribe to a contract event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /**
   * Desktop only: the file system path of a File the user dropped on the
   * window (Electron no longer exposes File.path). Null in browser mode.
   */
  pathForFile(file: unknown): string | null;
  /**
   * Browser mode only: told false the moment the event stream drops and true
   * when it is open again, so "Not connected" shows at once instead of after
   * the missed heartbeats. The desktop never calls it (IPC has no link to
   * lose; the heartbeat alone tells a hung main).
   */
  onLink(listener: (up: boolean) => void): () => void;
}

/** What window.flightdeck is. */
export type FlightdeckBridge = { [N in CallName]: Fn<N, CallResult<CallOutput<N>>> } & Subscriptions;

/** What renderer code uses: the same calls, throwing FlightdeckError. */
export type FlightdeckApi = { [N in CallName]: Fn<N, CallOutput<N>> } & Subscriptions;

/** The low-level carrier a bridge is built on. */
export interface Transport {
  invoke(name: CallName, input: unknown): Promise<CallResult<unknown>>;
  subscribe(name: EventName, listener: (payload: unknown) => void): () => void;
  pathForFile(file: unknown): string | null;
  onLink?(listener: (up: boolean) => void): () => void;
}

export function createBridge(transport: Transport): FlightdeckBridge {
  const bridge: Record<string, unknown> = {};
  for (const name of CALL_NAMES) {
    bridge[name] = (input: unknown = {}) => transport.invoke(name, input);
  }
  bridge.on = (event: string, listener: (payload: unknown) => void) => {
    if (!isEventName(event)) throw new Error(`Unknown event "${event}".`);
    if (typeof listener !== 'function') throw new Error('A listener must be a function.');
    return transport.subscribe(event, listener);
  };
  bridge.pathForFile = (file: unknown) => transport.pathForFile(file);
  bridge.onLink = (listener: (up: boolean) => void) => {
    if (typeof listener !== 'function') throw new Error('A listener must be a function.');
    return transport.onLink?.(listener) ?? (() => undefined);
  };
  return Object.freeze(bridge) as unknown as FlightdeckBridge;
}

export function toApi(bridge: FlightdeckBridge): FlightdeckApi {
  const api: Record<string, unknown> = {};
  const raw = bridge as unknown as Record<string, (input?: unknown) => Promise<CallResult<unknown>>>;
  for (const name of CALL_NAMES) {
    api[name] = async (input: unknown = {}) => {
      const result = await raw[name]!(input);
      if (!result.ok) throw FlightdeckError.fromInfo(result.error);
      return result.value;
    };
  }
  api.on = bridge.on;
  api.pathForFile = bridge.pathForFile;
  api.onLink = bridge.onLink;
  return Object.freeze(api) as unknown as FlightdeckApi;
}
