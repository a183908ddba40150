/**
 * What the graphs need besides the points: which metrics get a graph and in
 * which order, the value axis (so every band stays in view), and numbers
 * and times written the way an operator reads them. Pure, for unit tests.
 */
import { METRICS } from '../../../../shared/metrics';
import type { SeriesInfo } from '../../../../shared/telemetry-model';
import { clockTime } from '../../lib/format-time';
import type { Band } from './bands';

/** The four graphs the issue asks for, always first, in this order. */
const PRIMARY_METRICS = ['error_rate', 'latency_p95', 'cache_hit_rate', 'db_connections'] as const;

export interface MetricGroup {
  metric: string;
  label: string;
  unit: string;
  series: SeriesInfo[];
  primary: boolean;
}

/** Series grouped by metric and unit: the primary four first, then the rest by label. */
export function groupByMetric(series: readonly SeriesInfo[]): MetricGroup[] {
  const groups = new Map<string, MetricGroup>();
  for (const info of series) {
    const key = `${info.metric}|${info.unit}`;
    let group = groups.get(key);
    if (!group) {
      const known = info.metric in METRICS ? METRICS[info.metric as keyof typeof METRICS] : null;
      group = { metric: info.metric, label: known?.label ?? info.label, unit: info.unit, series: [], primary: (PRIMARY_METRICS as readonly string[]).includes(info.metric) };
      groups.set(key, group);
    }
    group.series.push(info);
  }
  const rank = (g: MetricGroup) => (g.primary ? PRIMARY_METRICS.indexOf(g.metric as (typeof PRIMARY_METRICS)[number]) : PRIMARY_METRICS.length);
  return [...groups.values()].sort((a, b) => rank(a) - rank(b) || a.label.localeCompare(b.label));
}

/**
 * The value axis: from zero (or below, for negative readings) to a round
 * number above the highest reading, band boundary and baseline, so the band
 * a reading is heading for is on screen before the reading gets there.
 * Percentages stop at 100 unless a reading goes past it.
 */
export function valueDomain(values: Iterable<number>, bands: readonly Band[], unit: string): [number, number] {
  let lo = 0;
  let hi = Number.NEGATIVE_INFINITY;
  let dataHi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    if (v > dataHi) dataHi = v;
  }
  for (const band of bands) {
    for (const edge of [band.from, band.to]) if (edge !== null && edge > hi) hi = edge;
  }
  if (!Number.isFinite(hi) || hi <= lo) hi = lo + 1;
  let top = niceCeil(lo + (hi - lo) * 1.2);
  if (unit === '%' && top > 100 && dataHi <= 100) top = 100;
  return [lo, top];
}

/** The smallest 1, 2, 2.5 or 5 times a power of ten at or above x. */
export function niceCeil(x: number): number {
  if (x <= 0) return 0;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= x - power * 1e-9) return step * power;
  return 10 * power;
}

/** Four or five values for the value axis, evenly from lo to hi. */
export function valueTicks(lo: number, hi: number): number[] {
  const steps = 4;
  return Array.from({ length: steps + 1 }, (_, i) => Number((lo + ((hi - lo) * i) / steps).toPrecision(6)));
}

const TIME_STEPS_MS = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800].map((s) => s * 1000);

/**
 * Times for the time axis at round local clock times ("02:15", "02:30"), at
 * most five. Given explicitly so recharts need not measure tick labels on
 * every redraw.
 */
export function timeTicks(start: number, end: number, maxTicks = 5): number[] {
  if (!(end > start)) return [];
  const span = end - start;
  const step = TIME_STEPS_MS.find((s) => span / s <= maxTicks) ?? TIME_STEPS_MS.at(-1)!;
  // Round in local time, so an hour tick lands on the hour where the offset is not whole hours.
  const offset = new Date(start).getTimezoneOffset() * 60_000;
  const ticks: number[] = [];
  for (let t = Math.ceil((start - offset) / step) * step + offset; t <= end; t += step) ticks.push(t);
  return ticks;
}

/** The graphs' right edge: a little past now, moved on in steps so the axis does not crawl. The timeline uses it too. */
export function axisEnd(now: number, rangeSeconds: number): number {
  const step = rangeSeconds * 20;
  return Math.ceil(now / step) * step + step;
}

/** Local time on the axis and in tooltips: "02:14", or "02:14:05" for short ranges. */
export function formatClock(t: number, withSeconds: boolean): string {
  return clockTime(new Date(t), withSeconds);
}
