/**
 * Main's pulse: one `heartbeat` event a second to every renderer, over IPC
 * and browser mode's event stream alike, so a renderer notices within a few
 * seconds that main is gone (killed, hung, or the bridge unreachable) instead
 * of showing the last green lights it saw. `bootId` changes with every start
 * of main, so a renderer also notices a restart that was quicker than the
 * time it takes to call the connection lost, and fetches its state again.
 */
import { randomUUID } from 'node:crypto';
import type { EventPayload } from '../../shared/contract';
import { HEARTBEAT_INTERVAL_MS } from '../../shared/connection';
import type { EventSink } from './event-hub';

export type HeartbeatPayload = EventPayload<'heartbeat'>;

export class Heartbeat {
  readonly bootId = randomUUID();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly events: EventSink,
    private readonly clock: () => number = Date.now,
    intervalMs: number = HEARTBEAT_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => this.events.emit('heartbeat', this.current()), intervalMs);
    // A pulse alone must not keep a finished process alive.
    this.timer.unref();
  }

  /** The beat as it would go out now: the bridge writes one to each new event stream at once. */
  current(): HeartbeatPayload {
    return { bootId: this.bootId, at: this.clock() };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
