/**
 * The four numbers a release manager reads off a service's /metrics: request
 * rate, error rate (share of 5xx in all requests), latency quantiles and the
 * average, each over the window, overall or per value of one label (the
 * PromQL of `sum by (le, route) (rate(..._bucket[w]))`). Shared by the
 * Prometheus probe and `flightdeck scrape`, so both agree to the digit.
 */
import { histogramQuantile, type Bucket } from './histogram-quantile';
import { parseFloatStrict } from './exposition-parser';
import type { CounterWindow } from './rates';

export interface RequestMetricNames {
  /** Counter of requests with a status label, e.g. http_requests_total. */
  requests: string;
  statusLabel: string;
  /** Histogram base name in seconds, e.g. http_request_duration_seconds. */
  latency: string;
  cacheHits?: string | undefined;
  cacheMisses?: string | undefined;
  dbConnectionsInUse?: string | undefined;
  dbConnectionsMax?: string | undefined;
}

export const QUANTILES = [
  ['latency_p50', 0.5],
  ['latency_p90', 0.9],
  ['latency_p95', 0.95],
  ['latency_p99', 0.99],
] as const;
export type QuantileMetric = (typeof QUANTILES)[number][0];

export interface GroupMetrics {
  /** The value of the `by` label ('' overall, or when a series lacks the label). */
  group: string;
  /** Requests per second; null without a second scrape or without the counter. */
  requestRate: number | null;
  /** Percent of requests answered 5xx; null when there were no requests. */
  errorRate: number | null;
  /** Milliseconds; null when no request was observed in the window. */
  latency: Record<QuantileMetric | 'latency_avg', number | null>;
  /** Percent; null without lookups or without the counters configured. */
  cacheHitRate: number | null;
  /** Percent of allowed connections in use (gauges: available from the first scrape). */
  dbConnections: number | null;
}

const SERVER_ERROR = /^5(?:\d\d|xx)$/i;

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** Names a CounterWindow must keep for these metrics. */
export function keptSampleNames(names: RequestMetricNames): Set<string> {
  const kept = [names.requests, `${names.latency}_bucket`, `${names.latency}_sum`, `${names.latency}_count`, names.cacheHits, names.cacheMisses, names.dbConnectionsInUse, names.dbConnectionsMax];
  return new Set(kept.filter((n): n is string => typeof n === 'string'));
}

class Sums {
  readonly byGroup = new Map<string, number>();
  add(group: string, value: number | null | undefined): void {
    if (value === null || value === undefined || Number.isNaN(value)) return;
    this.byGroup.set(group, (this.byGroup.get(group) ?? 0) + value);
  }
  get(group: string): number | null {
    return this.byGroup.get(group) ?? null;
  }
}

export function computeRequestMetrics(window: CounterWindow, names: RequestMetricNames, by?: string): GroupMetrics[] {
  const groupOf = (labels: Readonly<Record<string, string>>) => (by ? (labels[by] ?? '') : '');
  const requests = new Sums();
  const errors = new Sums();
  const latencySum = new Sums();
  const latencyCount = new Sums();
  const hits = new Sums();
  const misses = new Sums();
  const inUse = new Sums();
  const max = new Sums();
  const buckets = new Map<string, Map<number, number>>();
  const groups = new Set<string>();

  for (const [key, info] of window.series) {
    const group = groupOf(info.labels);
    const rate = () => window.rate(key);
    switch (info.name) {
      case names.requests: {
        groups.add(group);
        const r = rate();
        requests.add(group, r);
        errors.add(group, SERVER_ERROR.test(info.labels[names.statusLabel] ?? '') ? r : 0);
        break;
      }
      case `${names.latency}_bucket`: {
        groups.add(group);
        const bound = parseFloatStrict(info.labels.le ?? '');
        const r = rate();
        if (bound === null || r === null) break;
        const perBound = buckets.get(group) ?? new Map<number, number>();
        perBound.set(bound, (perBound.get(bound) ?? 0) + r);
        buckets.set(group, perBound);
        break;
      }
      case `${names.latency}_sum`:
        latencySum.add(group, rate());
        break;
      case `${names.latency}_count`:
        latencyCount.add(group, rate());
        break;
      default:
        if (info.name === names.cacheHits) hits.add(group, rate());
        if (info.name === names.cacheMisses) misses.add(group, rate());
        if (info.name === names.dbConnectionsInUse) inUse.add(group, window.latest(key));
        if (info.name === names.dbConnectionsMax) max.add(group, window.latest(key));
    }
  }
  for (const map of [hits, misses, inUse, max]) for (const group of map.byGroup.keys()) groups.add(group);
  if (groups.size === 0) groups.add('');

  return [...groups].sort().map((group) => {
    const total = requests.get(group);
    const bucketList: Bucket[] = [...(buckets.get(group) ?? new Map<number, number>())].map(([upperBound, count]) => ({ upperBound, count }));
    const latency = {} as GroupMetrics['latency'];
    for (const [metric, q] of QUANTILES) latency[metric] = bucketList.length > 0 ? finiteOrNull(histogramQuantile(q, bucketList) * 1000) : null;
    const sum = latencySum.get(group);
    const count = latencyCount.get(group);
    latency.latency_avg = sum !== null && count !== null && count > 0 ? (sum / count) * 1000 : null;
    const h = hits.get(group);
    const m = misses.get(group);
    const used = inUse.get(group);
    const allowed = max.get(group);
    return {
      group,
      requestRate: total,
      errorRate: total !== null && total > 0 ? (100 * (errors.get(group) ?? 0)) / total : null,
      latency,
      cacheHitRate: h !== null && m !== null && h + m > 0 ? (100 * h) / (h + m) : null,
      dbConnections: used !== null && allowed !== null && allowed > 0 ? (100 * used) / allowed : null,
    };
  });
}
