/**
 * Fan-out of contract events from main to every connected renderer: the
 * Electron window over IPC, browser tabs over the event stream. Listeners
 * that throw are dropped, so a closed window cannot stall the others.
 */
import type { EventName, EventPayload } from '../../shared/contract';

export type EventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface EventSink {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

export class EventHub implements EventSink {
  private readonly listeners = new Set<EventListener>();

  /** `prepare` runs once per event before fan-out: main passes the secret redactor here. */
  constructor(private readonly prepare: <T>(payload: T) => T = (payload) => payload) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit<E extends EventName>(name: E, raw: EventPayload<E>): void {
    if (this.listeners.size === 0) return;
    const payload = this.prepare(raw);
    for (const listener of [...this.listeners]) {
      try {
        listener(name, payload);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }
}
