/**
 * The renderer's copy of one series over the chosen time range. At 20
 * samples a second an immutable array per update would copy thousands of
 * points per frame, so this is a mutable buffer the store bumps a revision
 * for; graphs read it when the revision changes.
 *
 * Points closer together than the resolution fold into one, as main's store
 * folds its coarser tiers (the mean of the values, at the time of the last
 * sample, a gap only when every sample was a gap), so a graph never holds
 * more points than it can draw and an outage stays visible at every range.
 */
import type { Point } from '../../../../shared/telemetry-model';

/** Points per series the graphs draw at most, whatever the range. */
export const MAX_POINTS_PER_SERIES = 600;

export class SeriesBuffer {
  private times: number[] = [];
  private values: Array<number | null> = [];
  /** Index of the first point still in range; trimming moves it instead of shifting arrays. */
  private head = 0;
  /** The bucket the last point belongs to, and its running sum and count. */
  private lastBucket = Number.NaN;
  private sum = 0;
  private count = 0;

  constructor(readonly resolutionMs: number) {}

  get length(): number {
    return this.times.length - this.head;
  }

  /** The newest value that is not a gap. */
  lastValue(): number | null {
    for (let i = this.values.length - 1; i >= this.head; i--) if (this.values[i] !== null) return this.values[i]!;
    return null;
  }

  /**
   * Appends points in time order; points not newer than the last one are
   * dropped (a snapshot and a batch may overlap). Returns how many were taken.
   */
  append(points: readonly Point[]): number {
    let taken = 0;
    for (const [t, v] of points) {
      const lastT = this.times.length > this.head ? this.times[this.times.length - 1]! : Number.NEGATIVE_INFINITY;
      if (!(t > lastT)) continue;
      taken++;
      const bucket = this.resolutionMs > 0 ? Math.floor(t / this.resolutionMs) : t;
      if (bucket === this.lastBucket && this.times.length > this.head) {
        if (v !== null) {
          this.sum += v;
          this.count++;
        }
        const i = this.times.length - 1;
        this.times[i] = t;
        this.values[i] = this.count === 0 ? null : this.sum / this.count;
        continue;
      }
      this.lastBucket = bucket;
      this.sum = v ?? 0;
      this.count = v === null ? 0 : 1;
      this.times.push(t);
      this.values.push(v);
    }
    return taken;
  }

  /** Drops points older than cutoff. */
  trim(cutoff: number): void {
    while (this.head < this.times.length && this.times[this.head]! < cutoff) this.head++;
    // Compact now and then, not per point, so trimming stays O(1) amortised.
    if (this.head > 256 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.values = this.values.slice(this.head);
      this.head = 0;
    }
  }

  /** The point nearest to t (for the tooltip), or null when empty. */
  nearest(t: number): Point | null {
    let lo = this.head;
    let hi = this.times.length - 1;
    if (hi < lo) return null;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    const i = lo > this.head && Math.abs(this.times[lo - 1]! - t) <= Math.abs(this.times[lo]! - t) ? lo - 1 : lo;
    return [this.times[i]!, this.values[i]!];
  }

  /** Calls fn for each point from oldest to newest. */
  forEach(fn: (t: number, v: number | null) => void): void {
    for (let i = this.head; i < this.times.length; i++) fn(this.times[i]!, this.values[i]!);
  }

  toPoints(): Point[] {
    const out: Point[] = [];
    this.forEach((t, v) => out.push([t, v]));
    return out;
  }
}

/** The resolution that keeps a range within MAX_POINTS_PER_SERIES. */
export function resolutionFor(rangeSeconds: number): number {
  return Math.floor((rangeSeconds * 1000) / MAX_POINTS_PER_SERIES);
}
