/**
 * Every telemetry series in fixed memory. Each series has a raw tier (every
 * sample for about the last ten minutes), 10-second buckets for two hours
 * and 1-minute buckets for ten hours, so an eight-hour deployment window
 * costs the same bytes at its end as after its first minute. Reads pick the
 * finest tier that still reaches back to the start of the asked range.
 *
 * Values are numbers; `null` records a gap (the probe did not answer), kept
 * as NaN inside and handed back as `null`.
 */
import type { Point } from '../../../shared/telemetry-model';
import { downsample } from './downsample';
import { RingTier, type Slot, type TierSpec } from './ring-tier';

export interface MetricStoreOptions {
  /** How far back the raw tier should reach; with `define`, sizes the raw ring to the sample rate. */
  rawWindowMs?: number;
  /** Raw capacity of a series nobody defined (its rate unknown). */
  rawCapacity?: number;
  /** Ceiling on any raw ring, whatever the rate. */
  maxRawCapacity?: number;
  /** Coarser tiers, finest first. */
  tiers?: TierSpec[];
  /** More series than this are refused, so a probe inventing names cannot grow memory. */
  maxSeries?: number;
}

export type SlotStat = 'mean' | 'min' | 'max';

interface Series {
  tiers: RingTier[];
  lastT: number;
  lastV: number | null;
}

const DEFAULTS = {
  rawWindowMs: 10 * 60_000,
  rawCapacity: 4096,
  maxRawCapacity: 16_384,
  tiers: [
    { bucketMs: 10_000, capacity: 720 },
    { bucketMs: 60_000, capacity: 600 },
  ],
  maxSeries: 1000,
} satisfies Required<MetricStoreOptions>;

export class MetricStore {
  private readonly options: Required<MetricStoreOptions>;
  private readonly series = new Map<string, Series>();
  private refusedSamples = 0;

  constructor(options: MetricStoreOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  /**
   * Declares a series and its expected sample interval, so its raw ring
   * holds `rawWindowMs` of samples at that rate. Optional: `add` creates
   * series with the default raw capacity. No effect on an existing series.
   */
  define(seriesId: string, sampleIntervalMs: number): boolean {
    if (this.series.has(seriesId)) return true;
    const wanted = Math.ceil(this.options.rawWindowMs / Math.max(1, sampleIntervalMs)) + 1;
    return this.create(seriesId, Math.min(this.options.maxRawCapacity, Math.max(16, wanted))) !== null;
  }

  /**
   * Records one sample; `value` null is a gap. Returns false when the
   * sample was refused: a time earlier than the series' last one, or a new
   * series past `maxSeries`.
   */
  add(seriesId: string, t: number, value: number | null): boolean {
    const series = this.series.get(seriesId) ?? this.create(seriesId, this.options.rawCapacity);
    if (!series || !Number.isFinite(t) || t < series.lastT) {
      this.refusedSamples += 1;
      return false;
    }
    const v = value === null || !Number.isFinite(value) ? Number.NaN : value;
    for (const tier of series.tiers) tier.push(t, v);
    series.lastT = t;
    series.lastV = Number.isNaN(v) ? null : v;
    return true;
  }

  has(seriesId: string): boolean {
    return this.series.has(seriesId);
  }

  ids(): string[] {
    return [...this.series.keys()];
  }

  /** The newest sample, gap or value; null when the series has none. */
  latest(seriesId: string): { t: number; value: number | null } | null {
    const series = this.series.get(seriesId);
    if (!series || series.lastT === Number.NEGATIVE_INFINITY) return null;
    return { t: series.lastT, value: series.lastV };
  }

  /**
   * Points in [fromMs, toMs] from the finest tier that reaches back to
   * `fromMs` (bucketed tiers answer with each bucket's `stat` at the
   * bucket's start), thinned to `maxPoints` when given.
   */
  range(seriesId: string, fromMs: number, toMs: number, maxPoints?: number, stat: SlotStat = 'mean'): Point[] {
    const series = this.series.get(seriesId);
    if (!series) return [];
    const tier = this.tierFor(series, fromMs);
    const points: Point[] = [];
    tier.forEachIn(fromMs, toMs, (slot: Slot) => {
      const v = slot[stat];
      points.push([slot.t, Number.isNaN(v) ? null : v]);
    });
    return maxPoints === undefined ? points : downsample(points, fromMs, toMs, maxPoints);
  }

  /**
   * The mean of the values (gaps left out) over the `ms` before `now`
   * (default: the series' newest sample); null when there were none.
   */
  meanOver(seriesId: string, ms: number, now?: number): number | null {
    const series = this.series.get(seriesId);
    if (!series) return null;
    const to = now ?? series.lastT;
    const from = to - ms;
    let sum = 0;
    let count = 0;
    this.tierFor(series, from).forEachIn(from, to, (slot) => {
      if (slot.count === 0) return;
      sum += slot.mean * slot.count;
      count += slot.count;
    });
    return count === 0 ? null : sum / count;
  }

  /** Bytes held in sample storage: a function of the series count and capacities only. */
  retainedBytes(): number {
    let bytes = 0;
    for (const series of this.series.values()) for (const tier of series.tiers) bytes += tier.retainedBytes;
    return bytes;
  }

  /** Samples refused since start (out of order, or past the series limit). */
  get refused(): number {
    return this.refusedSamples;
  }

  private create(seriesId: string, rawCapacity: number): Series | null {
    if (this.series.size >= this.options.maxSeries) return null;
    const series: Series = {
      tiers: [new RingTier({ bucketMs: 0, capacity: rawCapacity }), ...this.options.tiers.map((spec) => new RingTier(spec))],
      lastT: Number.NEGATIVE_INFINITY,
      lastV: null,
    };
    this.series.set(seriesId, series);
    return series;
  }

  private tierFor(series: Series, fromMs: number): RingTier {
    return series.tiers.find((tier) => tier.covers(fromMs)) ?? series.tiers[series.tiers.length - 1]!;
  }
}
