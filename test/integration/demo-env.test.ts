/**
 * The bundled demo environment, run as `npm start` runs it (a child process
 * on a port of its own): health, a Prometheus exposition the cockpit's
 * strict parser accepts, the feature-flag admin API with its validation,
 * and a regression you can see when the faulty flag is rolled out and a
 * recovery when it is turned off, through the cockpit's own probes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../src/main/services/profile/profile-loader';
import { ProbeSchema, type ProbeConfig } from '../../src/main/services/profile/probes-schema';
import { createProbe } from '../../src/main/services/probes/create-probe';
import { parseExposition, type Exposition } from '../../src/main/services/prometheus/exposition-parser';
import { Telemetry } from '../../src/main/services/telemetry/telemetry';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { freePort } from '../support/servers';
import { waitFor } from '../support/wait';

const SERVER = fileURLToPath(new URL('../../resources/demo-env/server.mjs', import.meta.url));
const DEMO_PROFILE = fileURLToPath(new URL('../../resources/demo/runbook.flightdeck.yaml', import.meta.url));

/** Starts server.mjs directly, to see its exit status. */
async function spawnDemo(signalAfterStart: NodeJS.Signals): Promise<number | null> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [SERVER, '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const ready = (c: Buffer) => {
    output += c.toString('utf8');
    if (!output.includes(`demo environment listening on http://127.0.0.1:${port}\n`)) return;
    child.stdout!.off('data', ready);
    child.kill(signalAfterStart);
  };
  child.stdout!.on('data', ready);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

const get = (url: string) => fetch(url, { signal: AbortSignal.timeout(5000) });
const send = (url: string, method: string, body: string) => fetch(url, { method, body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5000) });

async function scrape(base: string): Promise<Exposition> {
  return parseExposition(await (await get(`${base}/metrics`)).text());
}

/** Requests and 5xx responses so far, summed over routes. */
function requestCounts(exposition: Exposition): { total: number; errors: number } {
  let total = 0;
  let errors = 0;
  for (const s of exposition.samples) {
    if (s.name !== 'http_requests_total') continue;
    total += s.value;
    if (s.labels.status!.startsWith('5')) errors += s.value;
  }
  return { total, errors };
}

/**
 * Error share over the next `requests` requests the demo serves, with
 * `percentage` of checkout_v2 rolled out. Waits for that much traffic, not
 * for a time: a loaded machine serves fewer requests a second.
 */
async function errorShareOver(demo: DemoEnv, percentage: number, requests: number): Promise<number> {
  expect((await send(`${demo.url}/api/admin/feature-flags/checkout_v2`, 'PUT', JSON.stringify({ percentage }))).status).toBe(200);
  const before = requestCounts(await scrape(demo.url));
  const after = await waitFor(
    `${requests} requests served at ${percentage}%`,
    async () => {
      const now = requestCounts(await scrape(demo.url));
      return now.total - before.total >= requests && now;
    },
    { timeoutMs: 60_000, intervalMs: 250 },
  );
  return (after.errors - before.errors) / (after.total - before.total);
}

let demo: DemoEnv;

beforeAll(async () => {
  // Four hundred requests a second instead of 75: two-second windows then hold enough requests to compare error rates without luck.
  demo = await startDemoEnv({ args: ['--seed', '7', '--rate', '400'] });
});

afterAll(async () => {
  await demo.stop();
});

describe('the demo environment', () => {
  it('says where it listens and answers /health with {"status":"ok"}', async () => {
    expect(demo.output()).toContain(`demo environment listening on ${demo.url}\n`);
    const reply = await get(`${demo.url}/health`);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ status: 'ok' });
  });

  it('serves an exposition the strict parser accepts: request counters by route and status, a latency histogram per route, cache and db gauges', async () => {
    const reply = await get(`${demo.url}/metrics`);
    expect(reply.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const exposition = parseExposition(await reply.text());
    expect(exposition.families.get('http_requests_total')?.type).toBe('counter');
    expect(exposition.families.get('http_request_duration_seconds')?.type).toBe('histogram');
    expect(exposition.families.get('cache_hits_total')?.type).toBe('counter');
    expect(exposition.families.get('cache_misses_total')?.type).toBe('counter');
    expect(exposition.families.get('db_connections_in_use')?.type).toBe('gauge');
    expect(exposition.families.get('db_connections_max')?.type).toBe('gauge');
    const checkoutBuckets = exposition.samples.filter((s) => s.name === 'http_request_duration_seconds_bucket' && s.labels.route === '/api/checkout');
    expect(checkoutBuckets.map((s) => s.labels.le)).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']);
    // Cumulative buckets, +Inf equal to _count.
    const values = checkoutBuckets.map((s) => s.value);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    const count = exposition.samples.find((s) => s.name === 'http_request_duration_seconds_count' && s.labels.route === '/api/checkout')!.value;
    expect(values.at(-1)).toBe(count);
    const routes = new Set(exposition.samples.filter((s) => s.name === 'http_requests_total').map((s) => s.labels.route));
    expect(routes.size).toBeGreaterThanOrEqual(3);
    const inUse = exposition.samples.find((s) => s.name === 'db_connections_in_use')!.value;
    const max = exposition.samples.find((s) => s.name === 'db_connections_max')!.value;
    expect(inUse / max).toBeGreaterThan(0.15);
    expect(inUse / max).toBeLessThan(0.45);
  });

  it('lists, reads and sets feature flags, and refuses a percentage outside 0..100 with a clear error', async () => {
    const list = (await (await get(`${demo.url}/api/admin/feature-flags`)).json()) as { flags: { name: string; faulty: boolean }[] };
    expect(list.flags.find((f) => f.name === 'checkout_v2')).toMatchObject({ faulty: true });

    const set = await send(`${demo.url}/api/admin/feature-flags/checkout_v2`, 'PUT', '{"percentage": 10}');
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ name: 'checkout_v2', percentage: 10, enabled: true, strategy: 'consistent-hash' });
    expect(await (await get(`${demo.url}/api/admin/feature-flags/checkout_v2`)).json()).toMatchObject({ percentage: 10 });
    // The demo runbook's curl examples say rolloutPercentage, with PATCH.
    const patched = await send(`${demo.url}/api/admin/feature-flags/checkout_v2`, 'PATCH', '{"rolloutPercentage": 0}');
    expect(await patched.json()).toMatchObject({ percentage: 0, enabled: false });

    const tooMuch = await send(`${demo.url}/api/admin/feature-flags/checkout_v2`, 'PUT', '{"percentage": 150}');
    expect(tooMuch.status).toBe(400);
    expect(await tooMuch.json()).toEqual({ error: '"percentage" must be a number from 0 to 100; got 150.' });
    const text = await send(`${demo.url}/api/admin/feature-flags/checkout_v2`, 'PUT', '{"percentage": "50"}');
    expect(text.status).toBe(400);
    const notJson = await send(`${demo.url}/api/admin/feature-flags/checkout_v2`, 'PUT', 'percentage=50');
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as { error: string }).error).toMatch(/not JSON/);
    const unknown = await send(`${demo.url}/api/admin/feature-flags/nope`, 'PUT', '{"percentage": 5}');
    expect(unknown.status).toBe(404);
    // None of the refused writes changed the flag.
    expect(await (await get(`${demo.url}/api/admin/feature-flags/checkout_v2`)).json()).toMatchObject({ percentage: 0 });
  });

  it('fails more often with checkout_v2 at 100% than at 0%, and recovers when it is turned off', async () => {
    // 800 requests in each stretch (two seconds at the demo's 400 a second): enough to compare error rates without luck.
    const healthy = await errorShareOver(demo, 0, 800);
    const faulty = await errorShareOver(demo, 100, 800);
    const recovered = await errorShareOver(demo, 0, 800);
    expect(faulty).toBeGreaterThan(0.025); // ~6 % expected
    expect(healthy).toBeLessThan(0.015); // ~0.2 % expected
    expect(recovered).toBeLessThan(0.015);
    expect(faulty).toBeGreaterThan(3 * healthy);
  });

  it('exits cleanly on SIGTERM and on SIGINT', async () => {
    expect(await spawnDemo('SIGINT')).toBe(0);
    expect(await spawnDemo('SIGTERM')).toBe(0);
  });

  it('refuses a bad argument with its usage and exit status 2', async () => {
    const child = spawn(process.execPath, [SERVER, '--port', 'many'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toContain('--port must be a port number');
  });
});

describe('the demo profile against the demo environment, through the real probes', () => {
  it('shows the shop up with live series, error rate and latency rising when checkout_v2 is rolled out, and recovering', async () => {
    const { profile } = await loadProfileFile(DEMO_PROFILE);
    // The demo profile's probes, pointed at this test's port, with a short window so the test is quick.
    const probes: ProbeConfig[] = profile.probes.map((p) =>
      ProbeSchema.parse({ ...p, url: (p as { url: string }).url.replace('http://127.0.0.1:4810', demo.url), intervalSeconds: 0.5, ...(p.kind === 'prometheus' ? { windowSeconds: 2 } : {}) }),
    );
    const secrets = {
      get: (name: string): string => {
        throw new Error(`no secret ${name} in this test`);
      },
      has: () => false,
    };
    const telemetry = new Telemetry({ probes, createProbe: (c) => createProbe(c, { secrets }), emit: () => undefined });
    try {
      telemetry.start();
      const until = (what: string, check: () => boolean) =>
        waitFor(what, check, { timeoutMs: 20_000, intervalMs: 50, lastSeen: () => JSON.stringify(telemetry.probeStatuses()) });
      const latest = (id: string) => telemetry.store.latest(id)?.value ?? null;
      await until('both probes up', () => telemetry.probeStatuses().every((s) => s.health === 'up'));
      await until('error rate and p95 series', () => latest('shop-metrics/error_rate') !== null && latest('shop-metrics/latency_p95') !== null);
      expect(latest('shop-metrics/latency_p95')!).toBeLessThan(400);
      const cache = await (async () => {
        await until('cache hit rate', () => latest('shop-metrics/cache_hit_rate') !== null);
        return latest('shop-metrics/cache_hit_rate')!;
      })();
      expect(cache).toBeGreaterThan(70);

      await send(`${demo.url}/api/admin/feature-flags/checkout_v2`, 'PUT', '{"percentage": 100}');
      await until('p95 over 400 ms with checkout_v2 at 100%', () => (latest('shop-metrics/latency_p95') ?? 0) > 400);
      await until('error rate over 2 % with checkout_v2 at 100%', () => (latest('shop-metrics/error_rate') ?? 0) > 2);
      await send(`${demo.url}/api/admin/feature-flags/checkout_v2`, 'PUT', '{"percentage": 0}');
      await until('p95 back under 300 ms', () => (latest('shop-metrics/latency_p95') ?? Infinity) < 300);
      await until('error rate back under 1 %', () => (latest('shop-metrics/error_rate') ?? Infinity) < 1);
    } finally {
      await telemetry.stop();
    }
  });
});
