import { afterAll, describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { PrometheusProbeSchema } from '../../src/main/services/profile/probes-schema';
import { createProbe } from '../../src/main/services/probes/create-probe';
import type { Probe, ProbeReading } from '../../src/main/services/probes/probe';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { canaryLeaks } from '../support/canary';
import { behaviours, startHttpTarget, type HttpTarget } from '../support/http-targets';

const open: HttpTarget[] = [];
afterAll(async () => {
  await Promise.all(open.map((t) => t.close()));
});

function metricsText(s: { ok: number; errors: number; fast: number; medium: number; all: number; sum: number; inUse: number }): string {
  return [
    '# HELP http_requests_total Requests by status.',
    '# TYPE http_requests_total counter',
    `http_requests_total{method="GET",status="200"} ${s.ok}`,
    `http_requests_total{method="GET",status="500"} ${s.errors}`,
    '# TYPE http_request_duration_seconds histogram',
    `http_request_duration_seconds_bucket{le="0.05"} ${s.fast}`,
    `http_request_duration_seconds_bucket{le="0.2"} ${s.medium}`,
    `http_request_duration_seconds_bucket{le="+Inf"} ${s.all}`,
    `http_request_duration_seconds_sum ${s.sum}`,
    `http_request_duration_seconds_count ${s.all}`,
    '# TYPE pool_in_use gauge',
    `pool_in_use ${s.inUse}`,
    '# TYPE pool_max gauge',
    'pool_max 40',
    '',
  ].join('\n');
}

function sample(reading: ProbeReading, metric: string): number | undefined {
  return reading.samples.find((s) => s.metric === metric)?.value;
}

describe('Prometheus probe', () => {
  it('reports the first scrape as up without rates, then rates over the window from the next', async () => {
    let text = metricsText({ ok: 100, errors: 0, fast: 50, medium: 90, all: 100, sum: 10, inUse: 10 });
    const t = await startHttpTarget(behaviours.metrics(() => text));
    open.push(t);
    let now = 1_000_000;
    const probe: Probe = createProbe(
      PrometheusProbeSchema.parse({ name: 'shop', kind: 'prometheus', url: `${t.url}/metrics`, windowSeconds: 30, dbConnectionsInUse: 'pool_in_use', dbConnectionsMax: 'pool_max' }),
      { secrets: { get: () => '', has: () => false }, clock: () => now },
    );
    try {
      const first = await probe.run();
      expect(first).toMatchObject({ health: 'up', message: 'first scrape; rates after the next' });
      expect(first.samples.map((s) => s.metric)).toEqual(['db_connections']);
      expect(sample(first, 'db_connections')).toBe(25);

      /*
       * 5 s later: 200 +90, 500 +10 → 100 requests / 5 s = 20 req/s, 10 % errors.
       * Bucket increases: 0.05: +50, 0.2: +100, +Inf: +100.
       *   p50 rank 50 → 0.05 × 50/50 = 50 ms
       *   p90 rank 90 → 0.05 + 0.15 × 40/50 = 170 ms; p95 → 0.05 + 0.15 × 45/50 = 185 ms; p99 → 197 ms
       *   average: +15 s / +100 = 150 ms; db connections 30/40 = 75 %
       */
      text = metricsText({ ok: 190, errors: 10, fast: 100, medium: 190, all: 200, sum: 25, inUse: 30 });
      now += 5000;
      const second = await probe.run();
      expect(second.health).toBe('up');
      expect(second.message).toBe('20.0 req/s, 10.00 % errors, p95 185 ms');
      expect(sample(second, 'request_rate')).toBeCloseTo(20, 10);
      expect(second.samples.find((s) => s.metric === 'request_rate')).toMatchObject({ unit: 'req/s', label: 'Request rate' });
      expect(sample(second, 'error_rate')).toBeCloseTo(10, 10);
      expect(sample(second, 'latency_p50')).toBeCloseTo(50, 9);
      expect(sample(second, 'latency_p90')).toBeCloseTo(170, 9);
      expect(sample(second, 'latency_p95')).toBeCloseTo(185, 9);
      expect(sample(second, 'latency_p99')).toBeCloseTo(197, 9);
      expect(sample(second, 'latency_avg')).toBeCloseTo(150, 9);
      expect(sample(second, 'db_connections')).toBe(75);
    } finally {
      await probe.close();
    }
  });

  it('is down with the line number when the exposition is malformed', async () => {
    const t = await startHttpTarget(behaviours.metrics(() => '# TYPE x counter\nx 1\nx{a="b} 2\n'));
    open.push(t);
    const probe = createProbe(PrometheusProbeSchema.parse({ name: 'bad', kind: 'prometheus', url: `${t.url}/metrics` }), { secrets: { get: () => '', has: () => false } });
    const reading = await probe.run();
    await probe.close();
    expect(reading.health).toBe('down');
    expect(reading.message).toBe(`${t.url}/metrics: malformed exposition at line 3: the value of label "a" is not closed with a quote`);
  });

  it('gives a latency only when the target answered: an HTTP 500 has one, a locked vault has none', async () => {
    const t = await startHttpTarget(behaviours.answers(500, 'boom'));
    open.push(t);
    const failing = createProbe(PrometheusProbeSchema.parse({ name: 'failing', kind: 'prometheus', url: `${t.url}/metrics` }), { secrets: { get: () => '', has: () => false } });
    const answered = await failing.run();
    await failing.close();
    expect(answered).toMatchObject({ health: 'down', message: 'HTTP 500 (expected 200)' });
    expect(answered.latencyMs).toEqual(expect.any(Number));

    const locked = createProbe(PrometheusProbeSchema.parse({ name: 'locked', kind: 'prometheus', url: `${t.url}/metrics`, headers: { Authorization: { secret: 'scrape-token' } } }), {
      secrets: {
        get: (name) => {
          throw new FlightdeckError('locked', `the vault is locked: secret "${name}" is not available`);
        },
        has: () => false,
      },
    });
    const unsent = await locked.run();
    await locked.close();
    expect(unsent.health).toBe('down');
    expect(unsent.message).toMatch(/the vault is locked/);
    expect(unsent.latencyMs).toBeNull();
  });

  it('ends within its deadline when /metrics never answers, and sends a secret header', async () => {
    const seen: Array<string | undefined> = [];
    const t = await startHttpTarget((req) => seen.push(req.headers.authorization));
    open.push(t);
    const probe = createProbe(
      PrometheusProbeSchema.parse({ name: 'slow', kind: 'prometheus', url: `${t.url}/metrics`, timeoutMs: 600, headers: { Authorization: { secret: 'scrape-token', prefix: 'Bearer ' } } }),
      { secrets: { get: () => 'tok-123', has: () => true } },
    );
    const started = performance.now();
    const reading = await probe.run();
    const elapsed = performance.now() - started;
    await probe.close();
    expect(reading).toMatchObject({ health: 'down', message: 'timed out after 600 ms waiting for headers' });
    expect(elapsed).toBeLessThan(600 + 400);
    expect(seen).toEqual(['Bearer tok-123']);
  });

  it("hides a secret the target quotes back in any encoding: the parser's error names the bad value, the redactor replaces it", async () => {
    const token = 'scrape-token-9f2c/+x';
    const t = await startHttpTarget(behaviours.metrics(() => `echo_token ${Buffer.from(token).toString('base64')}\n`));
    open.push(t);
    const redactor = new SecretRedactor();
    redactor.add('scrape-token', token);
    const config = PrometheusProbeSchema.parse({ name: 'echo', kind: 'prometheus', url: `${t.url}/metrics`, headers: { Authorization: { secret: 'scrape-token', prefix: 'Bearer ' } } });
    const secrets = { get: () => token, has: () => true };
    const plain = createProbe(config, { secrets });
    const redacting = createProbe(config, { secrets, redactor });
    try {
      // Without the redactor the probe scrubs only the value it sent, not its base64.
      expect(canaryLeaks((await plain.run()).message, token)).not.toEqual([]);
      const reading = await redacting.run();
      expect(reading.health).toBe('down');
      expect(reading.message).toContain('malformed exposition at line 1: "«secret:scrape-token»" is not a number');
      expect(canaryLeaks(JSON.stringify(reading), token)).toEqual([]);
    } finally {
      await plain.close();
      await redacting.close();
    }
  });
});
