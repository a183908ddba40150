/**
 * Counters only mean something as rates. A CounterWindow keeps the scrapes
 * of one target that fall inside the window (plus the newest one before it,
 * as the base) and turns each counter series into its increase and per-second
 * rate over that span. A decrease means the target restarted: as PromQL's
 * rate() does, the new value counts as the increase since the reset. A
 * series that appears after the first scrape counts from 0, because client
 * libraries create a series on its first increment (the first 5xx of a
 * release must not be lost).
 */
import type { Labels } from './exposition-parser';
import { seriesKey, type Exposition } from './exposition-parser';

export interface SeriesInfo {
  name: string;
  labels: Labels;
}

interface Scrape {
  atMs: number;
  values: Map<string, number>;
}

/** The increase from one reading of a counter to the next: a decrease means a restart, so the new value is all of it. */
export function counterIncrease(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

export class CounterWindow {
  private readonly scrapes: Scrape[] = [];
  /** Every series seen in the kept scrapes, by key. */
  readonly series = new Map<string, SeriesInfo>();

  /** `keep` picks the sample names worth remembering, so memory stays small on big expositions. */
  constructor(
    readonly windowSeconds: number,
    private readonly keep: (sampleName: string) => boolean = () => true,
  ) {}

  add(exposition: Exposition, atMs: number): void {
    const values = new Map<string, number>();
    for (const sample of exposition.samples) {
      if (!this.keep(sample.name)) continue;
      const key = seriesKey(sample.name, sample.labels);
      values.set(key, sample.value);
      if (!this.series.has(key)) this.series.set(key, { name: sample.name, labels: sample.labels });
    }
    this.scrapes.push({ atMs, values });
    const windowStart = atMs - this.windowSeconds * 1000;
    while (this.scrapes.length > 2 && this.scrapes[1]!.atMs <= windowStart) this.scrapes.shift();
    this.forgetVanishedSeries();
  }

  private forgetVanishedSeries(): void {
    for (const key of this.series.keys()) {
      if (!this.scrapes.some((scrape) => scrape.values.has(key))) this.series.delete(key);
    }
  }

  /** Seconds between the oldest kept scrape and the newest; null before a second scrape. */
  elapsedSeconds(): number | null {
    if (this.scrapes.length < 2) return null;
    const seconds = (this.scrapes[this.scrapes.length - 1]!.atMs - this.scrapes[0]!.atMs) / 1000;
    return seconds > 0 ? seconds : null;
  }

  /** Increase of one series over the kept scrapes, with counter resets handled. */
  increase(key: string): number | null {
    if (this.scrapes.length < 2) return null;
    let previous = this.scrapes[0]!.values.get(key) ?? 0;
    let total = 0;
    for (let i = 1; i < this.scrapes.length; i++) {
      const current = this.scrapes[i]!.values.get(key);
      if (current === undefined || Number.isNaN(current)) continue;
      total += counterIncrease(previous, current);
      previous = current;
    }
    return total;
  }

  rate(key: string): number | null {
    const seconds = this.elapsedSeconds();
    const increase = this.increase(key);
    return seconds === null || increase === null ? null : increase / seconds;
  }

  /** The latest value of a series (for gauges), or undefined when the last scrape lacks it. */
  latest(key: string): number | undefined {
    return this.scrapes[this.scrapes.length - 1]?.values.get(key);
  }

  scrapeCount(): number {
    return this.scrapes.length;
  }
}
