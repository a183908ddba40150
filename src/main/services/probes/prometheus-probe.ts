/**
 * Prometheus exposition probe: scrapes a /metrics endpoint, keeps the
 * scrapes of its window and reports request rate, error rate, latency
 * quantiles and average, and optionally cache hit rate and database
 * connections, in the metric vocabulary. Up means the scrape parsed; the
 * runbook's thresholds judge the numbers elsewhere.
 */
import type { Dispatcher } from 'undici';
import { FlightdeckError } from '../../../shared/errors';
import type { PrometheusProbeConfig } from '../profile/probes-schema';
import { CounterWindow } from '../prometheus/rates';
import { computeRequestMetrics, keptSampleNames, QUANTILES, type GroupMetrics } from '../prometheus/request-metrics';
import { RequestFailed } from './bounded-request';
import { Deadline } from './deadline';
import type { Probe, ProbeDeps, ProbeReading, ProbeSample } from './probe';
import { createProbeAgent } from './probe-agent';
import { downReading, elapsedMs, errorMessage, reading } from './reading';
import { scrapeExposition } from './scrape';
import { httpDestination } from '../vault/destination';
import { resolveHeaders } from '../vault/secrets';
import { displayTarget, scrub } from './target-display';

export const FIRST_SCRAPE_MESSAGE = 'first scrape; rates after the next';

/** The vocabulary samples of one group of request metrics. */
export function requestSamples(metrics: GroupMetrics): ProbeSample[] {
  const samples: ProbeSample[] = [];
  const push = (metric: string, value: number | null, extra: Partial<ProbeSample> = {}) => {
    if (value !== null && Number.isFinite(value)) samples.push({ metric, value, ...extra });
  };
  push('request_rate', metrics.requestRate, { unit: 'req/s', label: 'Request rate' });
  push('error_rate', metrics.errorRate);
  for (const [metric] of QUANTILES) push(metric, metrics.latency[metric]);
  push('latency_avg', metrics.latency.latency_avg);
  push('cache_hit_rate', metrics.cacheHitRate);
  push('db_connections', metrics.dbConnections);
  return samples;
}

export class PrometheusProbe implements Probe {
  readonly kind = 'prometheus' as const;
  readonly name: string;
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private readonly dispatcher: Dispatcher;
  private readonly window: CounterWindow;

  constructor(
    private readonly config: PrometheusProbeConfig,
    private readonly deps: ProbeDeps,
  ) {
    this.name = config.name;
    this.target = displayTarget(config.url);
    this.intervalMs = config.intervalSeconds * 1000;
    this.timeoutMs = config.timeoutMs;
    this.dispatcher = createProbeAgent({ connectTimeoutMs: config.timeoutMs, trustedCa: deps.trustedCa });
    const kept = keptSampleNames(config);
    this.window = new CounterWindow(config.windowSeconds, (name) => kept.has(name));
  }

  async run(signal?: AbortSignal): Promise<ProbeReading> {
    const deadline = new Deadline(this.timeoutMs, signal);
    const startedAt = performance.now();
    let secretValues: string[] = [];
    let requested = false;
    try {
      const headers = resolveHeaders(this.config.headers, this.deps.secrets, httpDestination(this.config.url));
      secretValues = headers.secretValues;
      requested = true;
      const exposition = await scrapeExposition(new URL(this.config.url), headers.all, this.dispatcher, deadline);
      const latencyMs = elapsedMs(startedAt);
      this.window.add(exposition, (this.deps.clock ?? Date.now)());
      const [metrics] = computeRequestMetrics(this.window, this.config);
      const samples = metrics ? requestSamples(metrics) : [];
      const details = { series: exposition.samples.length, windowSeconds: this.window.elapsedSeconds() };
      if (this.window.elapsedSeconds() === null) return reading('up', FIRST_SCRAPE_MESSAGE, latencyMs, samples, details);
      return reading('up', this.summary(metrics), latencyMs, samples, details);
    } catch (error) {
      const message =
        error instanceof RequestFailed ? error.message : error instanceof FlightdeckError ? `${displayTarget(this.config.url)}: ${error.message}` : errorMessage(error);
      // The target answered (a non-200, an unreadable exposition) unless the request failed or never left (a locked vault).
      const answered = requested && !(error instanceof RequestFailed);
      return downReading(scrub(message, secretValues), answered ? elapsedMs(startedAt) : null);
    } finally {
      deadline.clear();
    }
  }

  private summary(metrics: GroupMetrics | undefined): string {
    if (!metrics || metrics.requestRate === null) return `no ${this.config.requests} series in the exposition`;
    if (metrics.requestRate === 0) return 'no requests in the window';
    const p95 = metrics.latency.latency_p95;
    return `${metrics.requestRate.toFixed(1)} req/s, ${metrics.errorRate?.toFixed(2) ?? '?'} % errors${p95 === null ? '' : `, p95 ${Math.round(p95)} ms`}`;
  }

  async close(): Promise<void> {
    await this.dispatcher.destroy().catch(() => undefined);
  }
}
