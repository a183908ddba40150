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

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(name, payload);
      } catch {
        this.listeners.delete(listener);
      }
    }
  }
}
