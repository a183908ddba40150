/**
 * Remembers the last value of each counter a probe reads (Redis keyspace
 * hits, MongoDB opcounters) and gives the increase since the previous
 * probe. A decrease means the server restarted, so the new value is the
 * increase since then.
 */
import { counterIncrease } from '../prometheus/rates';

export interface CounterDelta {
  increase: number;
  seconds: number;
}

export class CounterDeltas {
  private readonly last = new Map<string, { value: number; atMs: number }>();

  /** Null on the first reading of a counter. */
  next(name: string, value: number, atMs: number): CounterDelta | null {
    const previous = this.last.get(name);
    this.last.set(name, { value, atMs });
    if (!previous) return null;
    return { increase: counterIncrease(previous.value, value), seconds: (atMs - previous.atMs) / 1000 };
  }
}
