/**
 * One resolution of one series: a fixed-capacity ring of typed arrays, so a
 * deployment window of any length costs the same memory. A raw tier keeps
 * every sample; a bucketed tier folds samples into buckets of `bucketMs`
 * (mean, min, max and how many values), which is what keeps eight hours of
 * history affordable. NaN marks a gap: a probe that did not answer, or a
 * stretch where no sample arrived at all, so graphs never draw a line across
 * an outage.
 */

export interface TierSpec {
  /** 0 keeps every sample; otherwise the width of one bucket. */
  bucketMs: number;
  capacity: number;
}

/** What a slot holds; for the raw tier min = max = mean and count is 1 (0 for a gap). */
export interface Slot {
  t: number;
  mean: number;
  min: number;
  max: number;
  count: number;
}

export class RingTier {
  readonly bucketMs: number;
  readonly capacity: number;
  private readonly time: Float64Array;
  private readonly mean: Float64Array;
  private readonly min: Float64Array | null;
  private readonly max: Float64Array | null;
  private readonly count: Float64Array | null;
  /** Index of the oldest slot; slots run from here for `size` entries, wrapping. */
  private start = 0;
  private size = 0;
  /** True once a slot was overwritten: from then on the tier no longer reaches back to the series' first sample. */
  private evicted = false;

  // The bucket still filling (bucketed tiers only); it is readable like a slot.
  private openStart = Number.NaN;
  private openSum = 0;
  private openCount = 0;
  private openMin = Number.POSITIVE_INFINITY;
  private openMax = Number.NEGATIVE_INFINITY;

  constructor(spec: TierSpec) {
    if (!Number.isInteger(spec.capacity) || spec.capacity < 2) throw new RangeError(`tier capacity must be an integer of at least 2, got ${spec.capacity}`);
    if (!(spec.bucketMs >= 0)) throw new RangeError(`tier bucketMs must be 0 or more, got ${spec.bucketMs}`);
    this.bucketMs = spec.bucketMs;
    this.capacity = spec.capacity;
    this.time = new Float64Array(spec.capacity);
    this.mean = new Float64Array(spec.capacity);
    const bucketed = spec.bucketMs > 0;
    this.min = bucketed ? new Float64Array(spec.capacity) : null;
    this.max = bucketed ? new Float64Array(spec.capacity) : null;
    this.count = bucketed ? new Float64Array(spec.capacity) : null;
  }

  /** Bytes held by the typed arrays: constant for the tier's life. */
  get retainedBytes(): number {
    return this.time.byteLength + this.mean.byteLength + (this.min?.byteLength ?? 0) + (this.max?.byteLength ?? 0) + (this.count?.byteLength ?? 0);
  }

  /** `value` NaN records a gap. Times must not go backwards (the store checks). */
  push(t: number, value: number): void {
    if (this.bucketMs === 0) {
      this.write(t, value, value, value, Number.isNaN(value) ? 0 : 1);
      return;
    }
    const bucket = Math.floor(t / this.bucketMs) * this.bucketMs;
    if (Number.isNaN(this.openStart)) {
      this.openBucket(bucket);
    } else if (bucket > this.openStart) {
      this.closeBucket();
      // Buckets nobody wrote to are an outage of the whole pipeline (the machine slept): say so.
      if (bucket > this.openStart + this.bucketMs) this.write(this.openStart + this.bucketMs, Number.NaN, Number.NaN, Number.NaN, 0);
      this.openBucket(bucket);
    }
    if (Number.isNaN(value)) return;
    this.openSum += value;
    this.openCount += 1;
    if (value < this.openMin) this.openMin = value;
    if (value > this.openMax) this.openMax = value;
  }

  /** Time of the oldest thing this tier can answer for, or NaN when empty. */
  oldestTime(): number {
    if (this.size > 0) return this.time[this.start]!;
    return this.openStart;
  }

  /**
   * Whether the tier holds everything from `fromMs` on: it either still has
   * the series' first sample or its oldest slot is no later than `fromMs`.
   */
  covers(fromMs: number): boolean {
    if (!this.evicted) return true;
    return this.oldestTime() <= fromMs;
  }

  /** Calls `visit` for each slot whose time lies in [fromMs, toMs], oldest first, the filling bucket last. */
  forEachIn(fromMs: number, toMs: number, visit: (slot: Slot) => void): void {
    const slot: Slot = { t: 0, mean: 0, min: 0, max: 0, count: 0 };
    for (let i = this.firstIndexAtOrAfter(fromMs); i < this.size; i++) {
      const at = (this.start + i) % this.capacity;
      const t = this.time[at]!;
      if (t > toMs) return;
      slot.t = t;
      slot.mean = this.mean[at]!;
      if (this.count) {
        slot.min = this.min![at]!;
        slot.max = this.max![at]!;
        slot.count = this.count[at]!;
      } else {
        slot.min = slot.max = slot.mean;
        slot.count = Number.isNaN(slot.mean) ? 0 : 1;
      }
      visit(slot);
    }
    if (!Number.isNaN(this.openStart) && this.openStart >= fromMs && this.openStart <= toMs) {
      const empty = this.openCount === 0;
      visit({
        t: this.openStart,
        mean: empty ? Number.NaN : this.openSum / this.openCount,
        min: empty ? Number.NaN : this.openMin,
        max: empty ? Number.NaN : this.openMax,
        count: this.openCount,
      });
    }
  }

  private firstIndexAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.time[(this.start + mid) % this.capacity]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private write(t: number, mean: number, min: number, max: number, count: number): void {
    let at: number;
    if (this.size < this.capacity) {
      at = (this.start + this.size) % this.capacity;
      this.size += 1;
    } else {
      at = this.start;
      this.start = (this.start + 1) % this.capacity;
      this.evicted = true;
    }
    this.time[at] = t;
    this.mean[at] = mean;
    if (this.count) {
      this.min![at] = min;
      this.max![at] = max;
      this.count[at] = count;
    }
  }

  private openBucket(bucket: number): void {
    this.openStart = bucket;
    this.openSum = 0;
    this.openCount = 0;
    this.openMin = Number.POSITIVE_INFINITY;
    this.openMax = Number.NEGATIVE_INFINITY;
  }

  private closeBucket(): void {
    if (this.openCount === 0) this.write(this.openStart, Number.NaN, Number.NaN, Number.NaN, 0);
    else this.write(this.openStart, this.openSum / this.openCount, this.openMin, this.openMax, this.openCount);
  }
}
