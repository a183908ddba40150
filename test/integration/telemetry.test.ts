/**
 * Telemetry against real HTTP targets on loopback: status lights that tell
 * unknown from up from down within the deadline, series with gaps during
 * outages, batches at a steady rate and only when something changed,
 * probes that never overlap, markers, the baseline, and a stop that leaves
 * no timer or connection behind.
 */
import { Agent, createServer, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProbeSchema, type ProbeConfig } from '../../src/main/services/profile/probes-schema';
import { createProbe } from '../../src/main/services/probes/create-probe';
import type { Probe, ProbeReading } from '../../src/main/services/probes/probe';
import { telemetryHealthWaiter } from '../../src/main/services/telemetry/health-waiter';
import { Telemetry } from '../../src/main/services/telemetry/telemetry';
import type { ProbeStatus, TelemetryBatch } from '../../src/shared/telemetry-model';
import { waitFor } from '../support/wait';

/** A target whose answers the test controls: JSON readings, a stall, or a slow answer. */
interface Target {
  url: string;
  mode: 'ok' | 'stall' | 'slow';
  values: Record<string, number>;
  requests: number;
  concurrent: number;
  maxConcurrent: number;
  openSockets: () => number;
  stop: () => Promise<void>;
}

async function startTarget(): Promise<Target> {
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  const target: Target = {
    url: '',
    mode: 'ok',
    values: { error_rate: 0.4, latency_p95: 120 },
    requests: 0,
    concurrent: 0,
    maxConcurrent: 0,
    openSockets: () => sockets.size,
    stop: async () => {
      for (const res of held) res.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
    },
  };
  const server: Server = createServer((_req, res) => {
    target.requests += 1;
    target.concurrent += 1;
    target.maxConcurrent = Math.max(target.maxConcurrent, target.concurrent);
    res.on('close', () => (target.concurrent -= 1));
    const answer = () => res.end(JSON.stringify(target.values));
    if (target.mode === 'stall') held.add(res);
    else if (target.mode === 'slow') setTimeout(answer, 600);
    else answer();
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  target.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/readings`;
  return target;
}

/**
 * A small real probe: GET a JSON object of metric values. With
 * `honourAbort: false` it behaves like a driver that ignores cancellation
 * and waits a minute for an answer, which telemetry must survive.
 */
class JsonProbe implements Probe {
  readonly kind = 'http' as const;
  readonly name: string;
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  private readonly agent = new Agent({ keepAlive: true });

  constructor(
    private readonly config: ProbeConfig & { kind: 'http' },
    private readonly honourAbort = true,
  ) {
    this.name = config.name;
    this.target = config.url;
    this.intervalMs = config.intervalSeconds * 1000;
    this.timeoutMs = config.timeoutMs;
  }

  run(signal?: AbortSignal): Promise<ProbeReading> {
    const started = performance.now();
    const timeout = this.honourAbort ? this.timeoutMs : 60_000;
    return new Promise((resolve) => {
      const down = (message: string) => resolve({ health: 'down', message, latencyMs: null, samples: [], details: {} });
      const req = request(this.config.url, { agent: this.agent, timeout }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => {
          const values = JSON.parse(body) as Record<string, number>;
          const latencyMs = performance.now() - started;
          resolve({ health: 'up', message: `${res.statusCode} in ${Math.round(latencyMs)} ms`, latencyMs, samples: Object.entries(values).map(([metric, value]) => ({ metric, value })), details: {} });
        });
        res.on('error', (e) => down(e.message));
      });
      req.on('timeout', () => req.destroy(new Error(`timed out after ${timeout} ms`)));
      req.on('error', (e) => down(e.message));
      if (this.honourAbort) signal?.addEventListener('abort', () => req.destroy(new Error('aborted')), { once: true });
      req.end();
    });
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }
}

const httpConfig = (name: string, url: string, extra: Record<string, unknown> = {}) => ProbeSchema.parse({ name, kind: 'http', url, intervalSeconds: 0.2, timeoutMs: 300, ...extra }) as ProbeConfig & { kind: 'http' };

/**
 * Waits until `n` probe intervals have passed as telemetry itself counts
 * them: a second Telemetry with the same 0.2 s interval against a target of
 * its own, until it has reported `n` times. A check that something did NOT
 * happen for a while then holds however slow the machine is, where a fixed
 * sleep guesses.
 */
async function intervalsPass(n: number): Promise<void> {
  const own = await startTarget();
  const metronome = new Telemetry({ probes: [httpConfig('metronome', own.url)], createProbe: (c) => new JsonProbe(c as never), emit: () => undefined });
  let runs = 0;
  metronome.onProbeStatus(() => (runs += 1));
  metronome.start();
  try {
    await waitFor(`${n} probe intervals to pass`, () => runs >= n, 30_000);
  } finally {
    await metronome.stop();
    await own.stop();
  }
}

let target: Target;
let telemetry: Telemetry | null = null;
let batches: { at: number; batch: TelemetryBatch }[] = [];
const record = (batch: TelemetryBatch) => batches.push({ at: Date.now(), batch });
const latestStatus = (name: string) => batches.flatMap((b) => b.batch.probes).filter((p) => p.name === name).at(-1);

beforeEach(async () => {
  target = await startTarget();
  batches = [];
});

afterEach(async () => {
  await telemetry?.stop();
  telemetry = null;
  await target.stop();
});

describe('Telemetry', () => {
  it('shows a probe as unknown until it answers, then up, with its samples as <probe>/<metric> series', async () => {
    telemetry = new Telemetry({ probes: [httpConfig('shop', target.url)], createProbe: (c) => new JsonProbe(c as never), emit: record });
    const before = telemetry.snapshot(60);
    expect(before.active).toBe(true);
    expect(before.probes).toEqual([expect.objectContaining({ name: 'shop', health: 'unknown', checkedAt: null, target: target.url })]);

    telemetry.start();
    await waitFor('shop up', () => latestStatus('shop')?.health === 'up');
    const withPoints = await waitFor('error_rate points', () => batches.find((b) => b.batch.points['shop/error_rate']));
    expect(withPoints.batch.series).toContainEqual({ id: 'shop/error_rate', probe: 'shop', metric: 'error_rate', label: 'Error rate', unit: '%' });
    expect(withPoints.batch.points['shop/error_rate']!.at(-1)![1]).toBe(0.4);
    expect(withPoints.batch.points['shop/latency_p95']!.at(-1)![1]).toBe(120);

    target.values = { error_rate: 2.5, latency_p95: 640 };
    await waitFor('new values', () => batches.some((b) => b.batch.points['shop/error_rate']?.some(([, v]) => v === 2.5)));
    const snap = telemetry.snapshot(60);
    expect(snap.points['shop/latency_p95']!.at(-1)![1]).toBe(640);
    expect(snap.probes[0]!.health).toBe('up');
  });

  it('emits batches at a steady rate, at most one per interval, and none while nothing changes', async () => {
    telemetry = new Telemetry({ probes: [httpConfig('shop', target.url, { intervalSeconds: 1 })], createProbe: (c) => new JsonProbe(c as never), emit: record, emitIntervalMs: 250 });
    telemetry.start();
    await waitFor('three probe runs', () => target.requests >= 3);
    await waitFor('their batches', () => batches.length >= 3);
    // Probes run once a second and each run is one batch: far fewer batches than emit ticks.
    const times = batches.map((b) => b.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(200);
    expect(batches.length).toBeLessThanOrEqual(target.requests + 1);
  });

  it('turns a stalled target down within its deadline, records a gap, and comes back up', async () => {
    telemetry = new Telemetry({ probes: [httpConfig('shop', target.url)], createProbe: (c) => new JsonProbe(c as never), emit: record });
    telemetry.start();
    await waitFor('up', () => telemetry!.probeStatus('shop')?.health === 'up');
    target.mode = 'stall';
    const stalledAt = Date.now();
    await waitFor('down', () => telemetry!.probeStatus('shop')?.health === 'down');
    // Interval 200 ms + timeout 300 ms, plus scheduling slack on a busy machine.
    expect(Date.now() - stalledAt).toBeLessThan(1500);
    const snap = telemetry.snapshot(60);
    expect(snap.probes[0]!.message).toMatch(/timed out|aborted|no answer/);
    expect(snap.points['shop/error_rate']!.at(-1)![1]).toBeNull();
    await waitFor('the gap in a batch', () => batches.some((b) => b.batch.points['shop/error_rate']?.some(([, v]) => v === null)));

    target.mode = 'ok';
    await waitFor('up again', () => telemetry!.probeStatus('shop')?.health === 'up');
    await waitFor('values again', () => telemetry!.snapshot(60).points['shop/error_rate']!.at(-1)![1] === 0.4);
  });

  it('reports a probe that ignores its deadline as down and never runs it twice at once', async () => {
    target.mode = 'stall';
    telemetry = new Telemetry({ probes: [httpConfig('stuck', target.url, { timeoutMs: 100 })], createProbe: (c) => new JsonProbe(c as never, false), emit: record });
    telemetry.start();
    const status = await waitFor('down', () => latestStatus('stuck')?.health === 'down' && latestStatus('stuck'));
    expect(status.message).toBe('no answer within 100 ms');
    // Five intervals later the first request is still the only one.
    await intervalsPass(5);
    expect(target.requests).toBe(1);
    expect(target.maxConcurrent).toBe(1);
  });

  it('jitters the first run within the first interval rather than firing every probe at once', async () => {
    const started = Date.now();
    let firstAt = 0;
    telemetry = new Telemetry({
      probes: [httpConfig('shop', target.url, { intervalSeconds: 2 })],
      createProbe: (c) => new JsonProbe(c as never),
      emit: (b) => (firstAt ||= Date.now()) && record(b),
      random: () => 0.9,
    });
    telemetry.start();
    await waitFor('first answer', () => firstAt);
    expect(firstAt - started).toBeGreaterThanOrEqual(880);
    expect(firstAt - started).toBeLessThan(2000);
  });

  it('captures a baseline from the last minute, marks it, and restores one from the journal', async () => {
    telemetry = new Telemetry({ probes: [httpConfig('shop', target.url)], createProbe: (c) => new JsonProbe(c as never), emit: record });
    expect(() => telemetry!.captureBaseline('maria')).toThrow(/nothing to take as a baseline/);
    telemetry.start();
    await waitFor('three samples', () => (telemetry!.snapshot(60).points['shop/error_rate']?.length ?? 0) >= 3);
    const baseline = telemetry.captureBaseline('maria');
    expect(baseline.by).toBe('maria');
    expect(baseline.values).toEqual({ 'shop/error_rate': expect.closeTo(0.4, 9), 'shop/latency_p95': expect.closeTo(120, 9) });
    // Each series' noise over the same minute, the floor of "unchanged or lower": a steady target has none.
    expect(baseline.noise).toEqual({ 'shop/error_rate': expect.closeTo(0, 9), 'shop/latency_p95': expect.closeTo(0, 9) });
    const flag = telemetry.addMarker('flag', 'checkout_v2 0% → 10% (maria)');
    const withBoth = await waitFor('batch with baseline and markers', () => batches.find((b) => b.batch.baseline && b.batch.markers.length === 2));
    expect(withBoth.batch.baseline).toEqual(baseline);
    expect(withBoth.batch.markers).toEqual([{ at: baseline.at, kind: 'baseline', label: 'Baseline captured by maria' }, flag]);
    expect(telemetry.snapshot(60).markers.map((m) => m.kind)).toEqual(['baseline', 'flag']);
    expect(() => telemetry!.addMarker('party' as never, 'x')).toThrow(/Unknown marker kind "party"/);

    const restored = { at: baseline.at - 3600_000, by: 'omar', values: { 'shop/error_rate': 0.1 } };
    telemetry.setBaseline(restored);
    expect(telemetry.snapshot(60).baseline).toEqual(restored);
    await waitFor('restored baseline in a batch', () => batches.some((b) => b.batch.baseline?.by === 'omar'));
  });

  it('reports a probe it could not create as down and retries it', async () => {
    let attempts = 0;
    telemetry = new Telemetry({
      probes: [httpConfig('shop', target.url)],
      createProbe: (c) => {
        attempts += 1;
        if (attempts === 1) throw new Error('the vault is locked: secret SHOP_TOKEN is not available');
        return new JsonProbe(c as never);
      },
      emit: record,
    });
    const seen: ProbeStatus[] = [];
    telemetry.onProbeStatus((status) => seen.push(status));
    telemetry.start();
    await waitFor('up after retry', () => seen.some((s) => s.health === 'up'));
    expect(seen[0]).toMatchObject({ health: 'down', message: 'cannot start the probe: the vault is locked: secret SHOP_TOKEN is not available' });
    expect(attempts).toBe(2);
  });

  it('stops every timer and closes every connection', async () => {
    telemetry = new Telemetry({ probes: [httpConfig('shop', target.url)], createProbe: (c) => new JsonProbe(c as never), emit: record });
    telemetry.start();
    await waitFor('a kept-alive connection', () => target.requests >= 2 && target.openSockets() > 0);
    await telemetry.stop();
    await waitFor('connections closed', () => target.openSockets() === 0);
    const requests = target.requests;
    const emitted = batches.length;
    await intervalsPass(4); // four probe intervals, three emit intervals
    expect(target.requests).toBe(requests);
    expect(batches.length).toBe(emitted);
  });

  it('waits for health: only an up answered after the wait began counts, and a cancelled wait ends at once', async () => {
    telemetry = new Telemetry({ probes: [httpConfig('shop', target.url)], createProbe: (c) => new JsonProbe(c as never), emit: record });
    const waitForHealth = telemetryHealthWaiter(() => telemetry!);
    telemetry.start();
    await waitFor('up', () => telemetry!.probeStatus('shop')?.health === 'up');
    const requestsBefore = target.requests;
    const healthy = await waitForHealth(['shop'], 5000, new AbortController().signal);
    expect(healthy).toEqual({ ok: true, message: 'shop up' });
    expect(target.requests).toBeGreaterThan(requestsBefore);

    const started = Date.now();
    const cancelled = await waitForHealth(['shop', 'ghost'], 5000, AbortSignal.abort());
    expect(cancelled.ok).toBe(false);
    expect(cancelled.message).toMatch(/ghost is not a probe of this profile/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('is inactive without probes and then emits nothing', async () => {
    const createProbe = (): Probe => {
      throw new Error('there are no probes to create');
    };
    telemetry = new Telemetry({ probes: [], createProbe, emit: record, emitIntervalMs: 50 });
    telemetry.start();
    await intervalsPass(2); // eight emit intervals
    expect(telemetry.snapshot(600)).toMatchObject({ active: false, probes: [], series: [], points: {}, markers: [], baseline: null });
    expect(batches).toEqual([]);
  });
});

describe('Telemetry with the real probes', () => {
  it('drives the real HTTP probe: up against a live server, down once it stops answering', async () => {
    const secrets = {
      get: (name: string): string => {
        throw new Error(`no secret ${name} in this test`);
      },
      has: () => false,
    };
    telemetry = new Telemetry({ probes: [httpConfig('shop', target.url)], createProbe: (c) => createProbe(c, { secrets }), emit: record });
    telemetry.start();
    await waitFor('up', () => telemetry!.probeStatus('shop')?.health === 'up');
    target.mode = 'stall';
    await waitFor('down', () => telemetry!.probeStatus('shop')?.health === 'down', 3000);
  });
});
