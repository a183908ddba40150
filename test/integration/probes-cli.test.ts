import { captureIo } from '../support/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeCommand, scrapeCommand } from '../../src/main/cli/probe-commands';
import { freePort } from '../support/servers';
import { behaviours, startHttpTarget, type HttpTarget } from '../support/http-targets';
import { createTestPki, type TestPki } from '../support/tls-certificates';

const capture = captureIo;

async function run(command: typeof probeCommand, args: string[]) {
  const io = capture();
  const code = await command(args, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const open: HttpTarget[] = [];
let pki: TestPki;
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(async () => {
  await Promise.all(open.map((t) => t.close()));
  pki.remove();
});
async function target(...args: Parameters<typeof startHttpTarget>): Promise<HttpTarget> {
  const t = await startHttpTarget(...args);
  open.push(t);
  return t;
}

describe('flightdeck probe URL', () => {
  it('exits 0 for an up endpoint and prints status and latency', async () => {
    const t = await target(behaviours.answers(204, ''));
    const result = await run(probeCommand, [`http://127.0.0.1:${t.port}/health`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${t.port}/health: up\\n  HTTP 204 in \\d+ ms\\n$`));
  });

  it('refuses credentials in the URL with exit 2, without repeating them', async () => {
    const t = await target(behaviours.answers(204, ''));
    const result = await run(probeCommand, [`http://ops:pa55word@127.0.0.1:${t.port}/health`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('take user:password@ out of the URL');
    expect(result.stdout + result.stderr).not.toContain('pa55word');
  });

  it('exits 1 for HTTP 500, with --json', async () => {
    const t = await target(behaviours.answers(500, 'boom'));
    const result = await run(probeCommand, [`${t.url}/health`, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({ url: `${t.url}/health`, health: 'down', status: 500, message: 'HTTP 500 (expected 200-299)', tls: null });
  });

  it('exits 1 within --timeout when the server never answers', async () => {
    const t = await target(behaviours.neverSendsHeaders());
    const started = performance.now();
    const result = await run(probeCommand, [`${t.url}/health`, '--timeout', '300']);
    expect(performance.now() - started).toBeLessThan(300 + 400);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('timed out after 300 ms waiting for headers');
  });

  it('refuses a self-signed certificate and still reports its days left', async () => {
    const t = await target(behaviours.answers(200), { tls: await pki.selfSigned(45), urlHost: 'localhost' });
    const result = await run(probeCommand, [`${t.url}/health`, '--json']);
    expect(result.code).toBe(1);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ health: 'down', message: 'TLS certificate rejected: self-signed certificate', status: null, latencyMs: null });
    expect(out.tls).toMatchObject({ health: 'down', daysLeft: 44 });
    expect(out.tls.message).toBe('certificate not trusted: self-signed certificate (44 days left)');
  });

  it('exits 2 for bad input', async () => {
    const missing = await run(probeCommand, []);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing URL');
    expect((await run(probeCommand, ['ftp://example.test/x'])).stderr).toContain('only http:// and https:// URLs can be probed');
    expect((await run(probeCommand, ['not a url'])).code).toBe(2);
    const timeout = await run(probeCommand, ['http://127.0.0.1/', '--timeout', 'soon']);
    expect(timeout).toMatchObject({ code: 2 });
    expect(timeout.stderr).toContain('--timeout must be a number from 50 to 120000, got "soon"');
    expect((await run(probeCommand, ['http://127.0.0.1/', '--bogus'])).code).toBe(2);
  });
});

function exposition(n: { a200: number; a500: number; b200: number; a: [number, number, number]; b: [number, number, number] }): string {
  return [
    '# TYPE http_requests_total counter',
    `http_requests_total{route="/a",status="200"} ${n.a200}`,
    `http_requests_total{route="/a",status="500"} ${n.a500}`,
    `http_requests_total{route="/b",status="200"} ${n.b200}`,
    '# TYPE http_request_duration_seconds histogram',
    `http_request_duration_seconds_bucket{route="/a",le="0.1"} ${n.a[0]}`,
    `http_request_duration_seconds_bucket{route="/a",le="1"} ${n.a[1]}`,
    `http_request_duration_seconds_bucket{route="/a",le="+Inf"} ${n.a[2]}`,
    `http_request_duration_seconds_bucket{route="/b",le="0.1"} ${n.b[0]}`,
    `http_request_duration_seconds_bucket{route="/b",le="1"} ${n.b[1]}`,
    `http_request_duration_seconds_bucket{route="/b",le="+Inf"} ${n.b[2]}`,
    '',
  ].join('\n');
}

describe('flightdeck scrape URL', () => {
  /*
   * Between the two scrapes: /a 200 +60, 500 +20; /b 200 +20 → 100 requests, 20 % errors.
   * Buckets /a: 0.1 +40, 1 +70, +Inf +80; /b: 0.1 +20, 1 +20, +Inf +20.
   * Overall (sum by le): 0.1: 60, 1: 90, +Inf: 100
   *   p50 rank 50 → 0.1 × 50/60 = 83.33 ms; p95 rank 95 → +Inf → 1000 ms; p99 → 1000 ms
   * /a: 80 requests, 25 % errors; p50 rank 40 → 0.1 × 40/40 = 100 ms; p95 rank 76 > 70 → +Inf → 1000 ms
   * /b: 20 requests, 0 % errors; p50 rank 10 → 0.1 × 10/20 = 50 ms
   */
  const scrapes = [
    exposition({ a200: 1000, a500: 5, b200: 300, a: [900, 1000, 1005], b: [280, 300, 300] }),
    exposition({ a200: 1060, a500: 25, b200: 320, a: [940, 1070, 1085], b: [300, 320, 320] }),
  ];

  async function metricsTarget(): Promise<HttpTarget> {
    let served = 0;
    return target(behaviours.metrics(() => scrapes[Math.min(served++, 1)]!));
  }

  it('computes rates, error rate and quantiles from two scrapes --window apart, per label with --by', async () => {
    const t = await metricsTarget();
    const result = await run(scrapeCommand, [`${t.url}/metrics`, '--window', '0.3', '--by', 'route', '--json']);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.windowSeconds).toBeGreaterThanOrEqual(0.3);
    expect(out.overall.requestRate * out.windowSeconds).toBeCloseTo(100, 6);
    expect(out.overall.errorRate).toBeCloseTo(20, 10);
    expect(out.overall.p50).toBeCloseTo(250 / 3, 9);
    expect(out.overall.p95).toBe(1000);
    expect(out.overall.p99).toBe(1000);
    expect(out.by).toBe('route');
    const groups = Object.fromEntries(out.groups.map((g: { value: string }) => [g.value, g]));
    expect(groups['/a'].errorRate).toBeCloseTo(25, 10);
    expect(groups['/a'].p50).toBeCloseTo(100, 9);
    expect(groups['/a'].p95).toBe(1000);
    expect(groups['/b'].errorRate).toBe(0);
    expect(groups['/b'].p50).toBeCloseTo(50, 9);
    expect(groups['/b'].requestRate * out.windowSeconds).toBeCloseTo(20, 6);
  });

  it('prints a readable summary and table', async () => {
    const t = await metricsTarget();
    const result = await run(scrapeCommand, [`${t.url}/metrics`, '--window', '0.2', '--by', 'route']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${t.url}/metrics: 2 scrapes`);
    expect(result.stdout).toContain('  errors    20.00 % (5xx)');
    expect(result.stdout).toContain('  latency   p50 83 ms, p95 1000 ms, p99 1000 ms');
    expect(result.stdout).toMatch(/\n {2}route\s+req\/s\s+errors\s+p50\s+p95\s+p99\n {2}\/a\s+[\d.]+\s+25\.00 %\s+100 ms\s+1000 ms\s+1000 ms\n {2}\/b\s+[\d.]+\s+0\.00 %\s+50 ms/);
  });

  it('exits 1 when the target is down or its exposition is malformed, naming the line', async () => {
    const refused = await run(scrapeCommand, [`http://127.0.0.1:${await freePort()}/metrics`, '--window', '0.1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('connection refused');
    const bad = await target(behaviours.metrics(() => 'ok 1\nbroken{ 2\n'));
    const malformed = await run(scrapeCommand, [`${bad.url}/metrics`, '--window', '0.1']);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toContain('malformed exposition at line 2');
  });

  it('explains the two scrapes in its help, and exits 2 for bad input', async () => {
    const help = await run(scrapeCommand, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('twice, --window seconds apart');
    expect((await run(scrapeCommand, ['http://127.0.0.1/metrics', '--window', '0'])).code).toBe(2);
    expect((await run(scrapeCommand, ['http://127.0.0.1/metrics', '--by', 'bad label'])).code).toBe(2);
    expect((await run(scrapeCommand, [])).code).toBe(2);
  });
});
