/**
 * npm run bench:stream [-- --seconds N] [--series N] [--hz N]
 *
 * Live telemetry end to end under load: 50 synthetic series (10 probes of 5
 * metrics) sampled at 20 Hz through the real path: the Telemetry service
 * (probe runners, metric store, batch coalescing), the event hub, browser
 * mode's bridge and its server-sent event stream, the renderer's telemetry
 * store and the recharts graphs in Debian Chromium. Only the probes are
 * synthetic: they answer at once with generated values, so the figures
 * measure streaming and drawing, not a network.
 *
 * Measured over the run, after a warm-up:
 * - samples per second delivered to the page (points in the telemetryBatch
 *   events the page received);
 * - latency from a sample's timestamp (taken in main when the reading was
 *   recorded) to the first frame painted after its graph drew it: the page
 *   notes each change of a graph's data-last-t and the next animation frame,
 *   so this counts coalescing, transport, the store's once-per-frame apply,
 *   React and recharts. p50 and p95;
 * - frames per second in the page (requestAnimationFrame callbacks);
 * - main-process CPU: process.cpuUsage of this process, which hosts the app
 *   (and the little playwright client driving the page), as a share of one core.
 *
 * Needs the renderer bundle: run `npx electron-vite build` first.
 * The last line is one JSON object.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApp } from '../src/main/app/create-app';
import { silentLogger } from '../src/main/app/log';
import { startBridge } from '../src/main/bridge/server';
import type { ProbeConfig } from '../src/main/services/profile/probes-schema';
import type { Probe, ProbeReading } from '../src/main/services/probes/probe';
import { DEFAULT_EMIT_INTERVAL_MS, Telemetry } from '../src/main/services/telemetry/telemetry';
import { launchChromium } from '../test/support/browser-mode';
import { startTestWorker } from '../test/support/parser';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RENDERER = join(ROOT, 'out', 'renderer');
const TARGETS = { latencyP95Ms: 150, fps: 55 };
const WARMUP_MS = 3000;

const METRICS: Array<{ metric: string; lo: number; hi: number }> = [
  { metric: 'error_rate', lo: 0.05, hi: 1.4 },
  { metric: 'latency_p95', lo: 120, hi: 480 },
  { metric: 'cache_hit_rate', lo: 72, hi: 96 },
  { metric: 'db_connections', lo: 20, hi: 75 },
  { metric: 'latency_p50', lo: 40, hi: 160 },
];

/** A probe that answers at once with a random walk per metric. */
class SyntheticProbe implements Probe {
  readonly kind = 'http' as const;
  readonly target: string;
  private readonly values: number[];

  constructor(
    readonly name: string,
    readonly intervalMs: number,
    readonly timeoutMs: number,
  ) {
    this.target = `synthetic://${name}`;
    this.values = METRICS.map((m) => (m.lo + m.hi) / 2);
  }

  async run(): Promise<ProbeReading> {
    const samples = METRICS.map((m, i) => {
      const step = (m.hi - m.lo) * 0.03 * (Math.random() * 2 - 1);
      this.values[i] = Math.min(m.hi, Math.max(m.lo, this.values[i]! + step));
      return { metric: m.metric, value: this.values[i]! };
    });
    return { health: 'up', message: 'synthetic', latencyMs: 0, samples, details: {} };
  }

  async close(): Promise<void> {}
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (n: number | null, digits = 1) => (n === null ? null : Number(n.toFixed(digits)));

/** Runs in the page before its scripts: counts frames, delivered samples and graph updates. */
const PAGE_PROBE = `(() => {
  const bench = { measuring: false, frames: 0, frameGaps: [], delivered: 0, batches: 0, updates: [] };
  window.__bench = bench;
  let lastFrame = 0;
  const loop = (ts) => {
    if (bench.measuring) {
      bench.frames++;
      if (lastFrame) bench.frameGaps.push(ts - lastFrame);
    }
    lastFrame = ts;
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  const Native = window.EventSource;
  window.EventSource = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('telemetryBatch', (event) => {
        if (!bench.measuring) return;
        const batch = JSON.parse(event.data);
        for (const id in batch.points) bench.delivered += batch.points[id].length;
        bench.batches++;
      });
    }
  };
  new MutationObserver((records) => {
    const seen = [];
    for (const record of records) {
      const el = record.target;
      const t = Number(el.getAttribute('data-last-t'));
      if (t) seen.push([el.getAttribute('data-metric'), t]);
    }
    if (seen.length === 0) return;
    requestAnimationFrame(() => {
      const painted = performance.timeOrigin + performance.now();
      for (const [metric, t] of seen) bench.updates.push([metric, t, painted]);
    });
  }).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-last-t'] });
})();`;

interface PageFigures {
  frames: number;
  frameGaps: number[];
  delivered: number;
  batches: number;
  updates: Array<[string, number, number]>;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      seconds: { type: 'string', default: '30' },
      series: { type: 'string', default: '50' },
      hz: { type: 'string', default: '20' },
      /** How often main sends a batch; the Telemetry service's own default when not given. */
      'emit-ms': { type: 'string' },
    },
    strict: true,
  });
  const seconds = Number(values.seconds);
  const seriesWanted = Number(values.series);
  const hz = Number(values.hz);
  const emitMs = values['emit-ms'] === undefined ? undefined : Number(values['emit-ms']);
  if (emitMs !== undefined && !(emitMs > 0)) throw new Error('--emit-ms must be a positive number');
  if (!(seconds > 0) || !(seriesWanted >= METRICS.length) || !(hz > 0)) throw new Error('--seconds, --series and --hz must be positive numbers (--series at least 5)');
  if (!existsSync(join(RENDERER, 'index.html'))) throw new Error('out/renderer is missing: run `npx electron-vite build` first.');

  const probesWanted = Math.ceil(seriesWanted / METRICS.length);
  const intervalMs = 1000 / hz;
  const work = mkdtempSync(join(tmpdir(), 'flightdeck-bench-stream-'));
  // The demo runbook alone (no profile beside it): its thresholds give the graphs their bands.
  const runbookDir = join(work, 'runbook');
  mkdirSync(runbookDir);
  copyFileSync(join(ROOT, 'resources', 'demo', 'runbook.md'), join(runbookDir, 'runbook.md'));

  const app = createApp({
    app: { version: 'bench', mode: 'browser', platform: process.platform, nativeOpenDialog: false },
    platform: { openExternal: async () => false },
    dataDir: join(work, 'data'),
    resourcesDir: join(ROOT, 'resources'),
    createWorker: startTestWorker,
    log: silentLogger,
  });
  await app.cockpit.startup(join(runbookDir, 'runbook.md'));

  // Sample times, per graph (metric), as main recorded them.
  const produced = new Map<string, number[]>(METRICS.map((m) => [m.metric, []]));
  let measuring = false;
  const configs = Array.from({ length: probesWanted }, (_, i) => ({
    kind: 'http',
    name: `synthetic-${String(i).padStart(2, '0')}`,
    url: `http://127.0.0.1:9/${i}`,
    intervalSeconds: intervalMs / 1000,
    timeoutMs: 1000,
  })) as unknown as ProbeConfig[];
  const telemetry = new Telemetry({
    ...(emitMs === undefined ? {} : { emitIntervalMs: emitMs }),
    probes: configs,
    createProbe: (config) => new SyntheticProbe(config.name, intervalMs, config.timeoutMs),
    emit: (batch) => {
      if (measuring) {
        for (const [id, points] of Object.entries(batch.points)) {
          const metric = id.slice(id.indexOf('/') + 1);
          const times = produced.get(metric);
          if (times) for (const [t] of points) times.push(t);
        }
      }
      app.events.emit('telemetryBatch', batch);
    },
  });
  // The hook: this bench's Telemetry answers the telemetry calls, as the app's own would.
  app.handlers.getTelemetry = ({ rangeSeconds }) => telemetry.snapshot(rangeSeconds);
  app.handlers.captureBaseline = () => telemetry.captureBaseline(null);
  telemetry.start();

  const bridge = await startBridge({ app, staticDir: RENDERER, port: 0 });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript(PAGE_PROBE);
    await page.goto(bridge.launchUrl);
    await page.waitForSelector('[data-testid="metric-graph"]', { timeout: 30_000 });
    // All five metrics on screen, so every series is drawn.
    const more = page.getByTestId('more-metrics');
    if (await more.count()) await more.click();
    await page.waitForFunction(`document.querySelectorAll('[data-testid="metric-graph"]').length >= ${METRICS.length}`);
    await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));

    await page.evaluate('window.__bench.measuring = true');
    measuring = true;
    const cpuStart = process.cpuUsage();
    const wallStart = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    measuring = false;
    const cpu = process.cpuUsage(cpuStart);
    const wall = performance.now() - wallStart;
    await page.evaluate('window.__bench.measuring = false');
    // Let the last samples reach the screen before matching them.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const figures = (await page.evaluate('window.__bench')) as PageFigures;

    const updatesByMetric = new Map<string, Array<[number, number]>>();
    for (const [metric, t, painted] of figures.updates) {
      const list = updatesByMetric.get(metric) ?? [];
      list.push([t, painted]);
      updatesByMetric.set(metric, list);
    }
    const latencies: number[] = [];
    let unpainted = 0;
    for (const [metric, times] of produced) {
      // Paint times only move forward; a sample is on screen at the first paint whose newest point reached it.
      const updates = (updatesByMetric.get(metric) ?? []).sort((a, b) => a[1] - b[1]);
      let reach = Number.NEGATIVE_INFINITY;
      const frontier = updates.map(([t, painted]) => {
        reach = Math.max(reach, t);
        return [reach, painted] as const;
      });
      let u = 0;
      for (const t of [...times].sort((a, b) => a - b)) {
        while (u < frontier.length && frontier[u]![0] < t) u++;
        if (u === frontier.length) unpainted++;
        else latencies.push(frontier[u]![1] - t);
      }
    }
    latencies.sort((a, b) => a - b);
    const gaps = [...figures.frameGaps].sort((a, b) => a - b);
    const producedCount = [...produced.values()].reduce((n, list) => n + list.length, 0);
    const result = {
      bench: 'stream',
      series: probesWanted * METRICS.length,
      hz,
      emitIntervalMs: emitMs ?? DEFAULT_EMIT_INTERVAL_MS,
      seconds: round(wall / 1000, 1),
      samplesProducedPerSecond: round(producedCount / (wall / 1000)),
      samplesDeliveredPerSecond: round(figures.delivered / (wall / 1000)),
      batchesPerSecond: round(figures.batches / (wall / 1000)),
      latencyMs: { p50: round(percentile(latencies, 50)), p95: round(percentile(latencies, 95)), max: round(latencies.at(-1) ?? null), samples: latencies.length, unpainted },
      fps: round(figures.frames / (wall / 1000)),
      frameMs: { p50: round(percentile(gaps, 50)), p95: round(percentile(gaps, 95)) },
      mainCpuPercentOfOneCore: round(((cpu.user + cpu.system) / 1000 / wall) * 100),
      targets: { latencyP95Ms: TARGETS.latencyP95Ms, fps: TARGETS.fps },
      ok: (percentile(latencies, 95) ?? Infinity) < TARGETS.latencyP95Ms && figures.frames / (wall / 1000) >= TARGETS.fps,
    };
    process.stdout.write(`${probesWanted * METRICS.length} series at ${hz} Hz for ${result.seconds} s through browser mode into Chromium\n`);
    process.stdout.write(`delivered ${result.samplesDeliveredPerSecond} samples/s; latency p50 ${result.latencyMs.p50} ms, p95 ${result.latencyMs.p95} ms; ${result.fps} fps; main CPU ${result.mainCpuPercentOfOneCore}% of one core\n`);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await browser.close();
    await bridge.close();
    await telemetry.stop();
    await app.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:stream: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
