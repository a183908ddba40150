/**
 * The metric store keeps an eight-hour window in fixed memory and answers
 * each range from the finest resolution that still reaches back far enough.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { MetricStore } from '../../src/main/services/metrics/metric-store';
import { downsample } from '../../src/main/services/metrics/downsample';

/** The real collector, even when the test runner did not start Node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const T0 = Date.UTC(2025, 0, 1, 8, 0, 0);

describe('MetricStore memory', () => {
  it('holds eight hours of 20 series at 5 Hz (3 million samples) in the same bytes as the first minutes', () => {
    const gc = collector();
    const store = new MetricStore();
    const series = Array.from({ length: 20 }, (_, i) => `probe-${i}/error_rate`);
    for (const id of series) store.define(id, 200);
    const perSeries = 150_000; // 150,000 samples every 200 ms = 8 h 20 min
    let t = T0;
    const feed = (from: number, to: number) => {
      for (let n = from; n < to; n++) {
        t = T0 + n * 200;
        for (let s = 0; s < series.length; s++) store.add(series[s]!, t, n % 97 === 0 ? null : (n % 100) / 10 + s);
      }
    };

    feed(0, 5_000); // 16 minutes: every ring has been allocated
    const bytesEarly = store.retainedBytes();
    gc();
    const heapEarly = process.memoryUsage().heapUsed;
    feed(5_000, perSeries);
    gc();
    const heapLate = process.memoryUsage().heapUsed;

    // Capacity accounting: raw ring sized to 10 minutes at 5 Hz (3001 slots, time + value),
    // 720 ten-second buckets and 600 one-minute buckets (time, mean, min, max, count).
    const perSeriesBytes = 3001 * 2 * 8 + 720 * 5 * 8 + 600 * 5 * 8;
    expect(bytesEarly).toBe(series.length * perSeriesBytes);
    expect(store.retainedBytes()).toBe(bytesEarly);
    // The process heap did not grow with the 2.9 million further samples (allow 2 MB of noise).
    expect(heapLate - heapEarly).toBeLessThan(2 * 1024 * 1024);
    // And the data is still all there at the coarse end: the whole window, minute by minute.
    const whole = store.range(series[0]!, T0, t);
    expect(whole.length).toBeGreaterThanOrEqual(500);
    expect(whole[0]![0]).toBe(T0);
  });

  it('refuses a new series past its limit instead of growing', () => {
    const store = new MetricStore({ maxSeries: 3 });
    for (let i = 0; i < 3; i++) expect(store.add(`p/m${i}`, T0, 1)).toBe(true);
    const bytes = store.retainedBytes();
    expect(store.add('p/m3', T0, 1)).toBe(false);
    expect(store.retainedBytes()).toBe(bytes);
    expect(store.refused).toBe(1);
    expect(store.range('p/m3', T0 - 1, T0 + 1)).toEqual([]);
  });
});

describe('MetricStore resolution', () => {
  /** One sample a second, value = seconds since T0, for `hours`. */
  function linear(hours: number, options?: ConstructorParameters<typeof MetricStore>[0]): { store: MetricStore; end: number } {
    const store = new MetricStore(options);
    store.define('s/v', 1000);
    const n = hours * 3600;
    for (let i = 0; i < n; i++) store.add('s/v', T0 + i * 1000, i);
    return { store, end: T0 + (n - 1) * 1000 };
  }

  it('answers the last minutes from raw samples, exactly', () => {
    const { store, end } = linear(3);
    const points = store.range('s/v', end - 5 * 60_000, end);
    expect(points).toHaveLength(301);
    expect(points[0]).toEqual([end - 300_000, 3 * 3600 - 301]);
    expect(points.at(-1)).toEqual([end, 3 * 3600 - 1]);
  });

  it('answers the last hour from 10-second buckets: their mean, min and max', () => {
    const { store, end } = linear(3);
    const from = end - 3600_000;
    const means = store.range('s/v', from, end);
    // 360 buckets; the first starts at the first bucket boundary after `from`.
    expect(means.length).toBeGreaterThanOrEqual(360);
    expect(means.length).toBeLessThanOrEqual(361);
    for (const [t, v] of means.slice(0, -1)) {
      const first = (t - T0) / 1000;
      expect(t % 10_000).toBe(0);
      expect(v).toBe(first + 4.5); // mean of first .. first + 9
    }
    const mins = store.range('s/v', from, end, undefined, 'min');
    const maxs = store.range('s/v', from, end, undefined, 'max');
    expect(mins[5]![1]).toBe((mins[5]![0] - T0) / 1000);
    expect(maxs[5]![1]).toBe((maxs[5]![0] - T0) / 1000 + 9);
  });

  it('answers eight hours from 1-minute buckets and keeps the newest, still-filling bucket', () => {
    const { store, end } = linear(9);
    const points = store.range('s/v', end - 8 * 3600_000, end);
    expect(points.length).toBeGreaterThanOrEqual(480);
    expect(points.length).toBeLessThanOrEqual(481);
    const [t, v] = points[10]!;
    expect(t % 60_000).toBe(0);
    expect(v).toBe((t - T0) / 1000 + 29.5);
    // The last bucket holds the latest samples even though its minute is not over.
    const [lastT, lastV] = points.at(-1)!;
    expect(lastT).toBe(Math.floor(end / 60_000) * 60_000);
    expect(lastV).toBe(((lastT - T0) / 1000 + (end - T0) / 1000) / 2);
  });

  it('keeps gaps as gaps at every resolution: a failed probe is never drawn as a line', () => {
    const store = new MetricStore();
    // 30 minutes at 1 Hz, with the probe down from minute 10 to minute 12.
    for (let i = 0; i < 1800; i++) store.add('s/v', T0 + i * 1000, i >= 600 && i < 720 ? null : 5);
    const raw = store.range('s/v', T0 + 590_000, T0 + 730_000);
    expect(raw.filter(([, v]) => v === null)).toHaveLength(120);
    // The raw ring (4096 slots) still reaches back 30 minutes; a store with a small one answers from 10-second buckets.
    const small = new MetricStore({ rawCapacity: 64 });
    for (let i = 0; i < 1800; i++) small.add('s/v', T0 + i * 1000, i >= 600 && i < 720 ? null : 5);
    const tenSecond = small.range('s/v', T0, T0 + 1800_000);
    expect(tenSecond.filter(([, v]) => v === null).map(([t]) => (t - T0) / 1000)).toEqual(Array.from({ length: 12 }, (_, k) => 600 + k * 10));
    // The mean over a window that spans the outage counts only real values.
    expect(store.meanOver('s/v', 300_000, T0 + 800_000)).toBe(5);
    expect(store.latest('s/v')).toEqual({ t: T0 + 1799_000, value: 5 });
  });

  it('marks minutes in which nothing arrived at all (the machine slept) as a gap', () => {
    const store = new MetricStore({ rawCapacity: 4 });
    for (let i = 0; i < 6; i++) store.add('s/v', T0 + i * 1000, 1);
    for (let i = 0; i < 6; i++) store.add('s/v', T0 + 300_000 + i * 1000, 2);
    const points = store.range('s/v', T0, T0 + 400_000);
    expect(points).toEqual([
      [T0, 1],
      [T0 + 10_000, null],
      [T0 + 300_000, 2],
    ]);
  });

  it('refuses samples that go back in time, and says what the latest sample was', () => {
    const store = new MetricStore();
    expect(store.latest('s/v')).toBeNull();
    expect(store.add('s/v', T0 + 1000, 3)).toBe(true);
    expect(store.add('s/v', T0, 4)).toBe(false);
    expect(store.add('s/v', T0 + 2000, null)).toBe(true);
    expect(store.latest('s/v')).toEqual({ t: T0 + 2000, value: null });
    expect(store.meanOver('s/v', 60_000)).toBe(3);
  });

  it('means over a window from buckets when raw samples no longer reach back, weighting by sample count', () => {
    const { store, end } = linear(3, { rawCapacity: 100 });
    // Mean of the values in the last hour, computed from 10-second buckets.
    const expected = (3 * 3600 - 1 + (3 * 3600 - 3600)) / 2;
    expect(store.meanOver('s/v', 3600_000, end)).toBeCloseTo(expected, 0);
  });
});

describe('downsample', () => {
  it('thins to at most maxPoints, averaging each slice, keeping the newest sample time and all-gap slices', () => {
    const points: [number, number | null][] = [];
    for (let i = 0; i < 1000; i++) points.push([i, i >= 500 && i < 600 ? null : 1 + (i % 2)]);
    const thin = downsample(points, 0, 1000, 100);
    expect(thin).toHaveLength(100);
    expect(thin[0]).toEqual([9, 1.5]);
    expect(thin.at(-1)).toEqual([999, 1.5]);
    expect(thin.filter(([, v]) => v === null).map(([t]) => t)).toEqual([509, 519, 529, 539, 549, 559, 569, 579, 589, 599]);
  });

  it('returns short series unchanged', () => {
    const points: [number, number | null][] = [
      [1, 2],
      [2, null],
    ];
    expect(downsample(points, 0, 10, 5)).toEqual(points);
  });
});
