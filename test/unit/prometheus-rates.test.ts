import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../src/main/services/prometheus/exposition-parser';
import { CounterWindow } from '../../src/main/services/prometheus/rates';
import { computeRequestMetrics, type RequestMetricNames } from '../../src/main/services/prometheus/request-metrics';

const NAMES: RequestMetricNames = {
  requests: 'http_requests_total',
  statusLabel: 'status',
  latency: 'http_request_duration_seconds',
  cacheHits: 'cache_hits_total',
  cacheMisses: 'cache_misses_total',
  dbConnectionsInUse: 'db_pool_in_use',
  dbConnectionsMax: 'db_pool_max',
};

interface RouteCounts {
  ok: number;
  errors?: Record<string, number>;
  buckets: [number, number, number];
  sum: number;
}

function exposition(routes: Record<string, RouteCounts>, extra: string[] = []): string {
  const out = ['# TYPE http_requests_total counter'];
  for (const [route, r] of Object.entries(routes)) {
    out.push(`http_requests_total{route="${route}",status="200"} ${r.ok}`);
    for (const [status, n] of Object.entries(r.errors ?? {})) out.push(`http_requests_total{route="${route}",status="${status}"} ${n}`);
  }
  out.push('# TYPE http_request_duration_seconds histogram');
  for (const [route, r] of Object.entries(routes)) {
    const [b01, b05, inf] = r.buckets;
    out.push(`http_request_duration_seconds_bucket{route="${route}",le="0.1"} ${b01}`);
    out.push(`http_request_duration_seconds_bucket{route="${route}",le="0.5"} ${b05}`);
    out.push(`http_request_duration_seconds_bucket{route="${route}",le="+Inf"} ${inf}`);
    out.push(`http_request_duration_seconds_sum{route="${route}"} ${r.sum}`);
    out.push(`http_request_duration_seconds_count{route="${route}"} ${inf}`);
  }
  return `${[...out, ...extra].join('\n')}\n`;
}

/*
 * Two scrapes 10 s apart. Increases over the window:
 *   /a: 200 +90, 500 +10 (100 requests, 10 errors); buckets 0.1 +80, 0.5 +95, +Inf +100; sum +10 s
 *   /b: 200 +100, 503 +20 (the 503 series is new: it counts from 0);
 *       buckets 0.1 +0, 0.5 +60, +Inf +120; sum +120 s
 * Overall: 220 requests in 10 s = 22 req/s; 30 errors → 30/220 = 13.6363… %
 *   buckets (sum by le): 0.1: 80, 0.5: 155, +Inf: 220
 *   p50: rank 110 → bucket 0.5: 0.1 + 0.4 × (110-80)/(155-80) = 0.26 s = 260 ms
 *   p90: rank 198 > 155 → +Inf bucket → highest finite bound 0.5 s = 500 ms (p95, p99 too)
 *   average: (10 + 120) / (100 + 120) s = 590.9090… ms
 * Per route:
 *   /a: 10 req/s, 10 %; p50 rank 50 → 0.1 × 50/80 = 62.5 ms; p90 rank 90 → 0.1 + 0.4 × 10/15 = 366.66… ms
 *   /b: 12 req/s, 20/120 = 16.66… %; p50 rank 60 → 0.1 + 0.4 × 60/60 = 500 ms
 * Had the cumulative totals been used instead of the increases, p50 would be 0.1 × 865/980 = 88 ms.
 */
const FIRST = exposition(
  {
    '/a': { ok: 1000, errors: { '500': 10 }, buckets: [900, 1000, 1010], sum: 60 },
    '/b': { ok: 500, buckets: [0, 400, 500], sum: 250 },
  },
  ['# TYPE db_pool_in_use gauge', 'db_pool_in_use 30', '# TYPE db_pool_max gauge', 'db_pool_max 120', 'cache_hits_total 100', 'cache_misses_total 100'],
);
const SECOND = exposition(
  {
    '/a': { ok: 1090, errors: { '500': 20 }, buckets: [980, 1095, 1110], sum: 70 },
    '/b': { ok: 600, errors: { '503': 20 }, buckets: [0, 460, 620], sum: 370 },
  },
  ['db_pool_in_use 60', 'db_pool_max 120', 'cache_hits_total 190', 'cache_misses_total 110'],
);

describe('counter rates and request metrics over a window', () => {
  it('has no rates after the first scrape, but gauges already', () => {
    const window = new CounterWindow(60);
    window.add(parseExposition(FIRST), 0);
    const [overall] = computeRequestMetrics(window, NAMES);
    expect(overall).toMatchObject({ requestRate: null, errorRate: null, cacheHitRate: null, dbConnections: 25 });
    expect(overall!.latency.latency_p95).toBeNull();
  });

  it('computes request rate, error rate, quantiles and the average from the increases', () => {
    const window = new CounterWindow(60);
    window.add(parseExposition(FIRST), 0);
    window.add(parseExposition(SECOND), 10_000);
    const [overall] = computeRequestMetrics(window, NAMES);
    expect(overall!.requestRate).toBeCloseTo(22, 10);
    expect(overall!.errorRate).toBeCloseTo((100 * 30) / 220, 10);
    expect(overall!.latency.latency_p50).toBeCloseTo(260, 9);
    expect(overall!.latency.latency_p90).toBeCloseTo(500, 9);
    expect(overall!.latency.latency_p95).toBeCloseTo(500, 9);
    expect(overall!.latency.latency_p99).toBeCloseTo(500, 9);
    expect(overall!.latency.latency_avg).toBeCloseTo((130 / 220) * 1000, 9);
    // cache: hits +90, misses +10 → 90 %; db: 60 of 120 → 50 %
    expect(overall!.cacheHitRate).toBeCloseTo(90, 10);
    expect(overall!.dbConnections).toBe(50);
  });

  it('keeps label sets apart when asked for one label', () => {
    const window = new CounterWindow(60);
    window.add(parseExposition(FIRST), 0);
    window.add(parseExposition(SECOND), 10_000);
    const byRoute = Object.fromEntries(computeRequestMetrics(window, NAMES, 'route').map((g) => [g.group, g]));
    expect(byRoute['/a']!.requestRate).toBeCloseTo(10, 10);
    expect(byRoute['/a']!.errorRate).toBeCloseTo(10, 10);
    expect(byRoute['/a']!.latency.latency_p50).toBeCloseTo(62.5, 9);
    expect(byRoute['/a']!.latency.latency_p90).toBeCloseTo(100 + 400 * (10 / 15), 9);
    expect(byRoute['/b']!.requestRate).toBeCloseTo(12, 10);
    expect(byRoute['/b']!.errorRate).toBeCloseTo((100 * 20) / 120, 10);
    expect(byRoute['/b']!.latency.latency_p50).toBeCloseTo(500, 9);
  });

  it('treats a decrease as a counter reset and keeps only the window plus one base scrape', () => {
    const window = new CounterWindow(20);
    const counter = (n: number) => parseExposition(`# TYPE c counter\nc ${n}\n`);
    window.add(counter(100), 0);
    window.add(counter(130), 10_000);
    window.add(counter(5), 20_000); // restarted: +5 since the reset
    expect(window.increase('c{}')).toBe(35);
    expect(window.rate('c{}')).toBeCloseTo(35 / 20, 12);
    window.add(counter(25), 30_000);
    // Window start 10 s: the scrape at 10 s is the base; 130 → 5 (reset, +5) → 25 (+20)
    expect(window.scrapeCount()).toBe(3);
    expect(window.elapsedSeconds()).toBe(20);
    expect(window.increase('c{}')).toBe(25);
  });
});
