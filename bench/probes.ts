/**
 * `npm run bench:probes`: what watching 200 health endpoints costs. 200 HTTP
 * servers on loopback run in a child process (their CPU is not ours); this
 * process probes each once a second through the real HttpProbe for the
 * duration, and reports the CPU share of one core the probing took and the
 * probe latency p95. Progress goes to stderr; the last line of stdout is one
 * JSON object. `--seconds N` shortens the run, `--endpoints N` changes the count.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { HttpProbeSchema } from '../src/main/services/profile/probes-schema';
import { createProbe } from '../src/main/services/probes/create-probe';
import type { Probe } from '../src/main/services/probes/probe';

const TARGET_CPU_SHARE = 0.1;
const WARMUP_SECONDS = 3;

/** Child mode: N servers answering GET /health with "ok", ports sent to the parent. */
async function serve(count: number): Promise<void> {
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2' });
      res.end('ok');
    });
    // Keep-alive longer than the probe interval, as production load balancers do.
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports.push((server.address() as AddressInfo).port);
  }
  process.send?.({ ports });
  process.on('disconnect', () => process.exit(0));
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

function startTargets(count: number): Promise<{ child: ChildProcess; ports: number[] }> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve', String(count)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('target servers did not start within 30 s')), 30_000);
    child.once('message', (message: { ports: number[] }) => {
      clearTimeout(timer);
      resolve({ child, ports: message.ports });
    });
    child.once('exit', (code) => reject(new Error(`target process exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '60' }, endpoints: { type: 'string', default: '200' }, serve: { type: 'string' } }, strict: true });
  if (values.serve) return serve(Number(values.serve));
  const seconds = Number(values.seconds);
  const endpoints = Number(values.endpoints);
  if (!(seconds > 0) || !(endpoints > 0)) throw new Error('--seconds and --endpoints must be positive numbers');

  process.stderr.write(`starting ${endpoints} target servers in a child process...\n`);
  const { child, ports } = await startTargets(endpoints);
  const secrets = { get: () => '', has: () => false };
  const probes: Probe[] = ports.map((port, i) =>
    createProbe(HttpProbeSchema.parse({ name: `ep-${i}`, kind: 'http', url: `http://127.0.0.1:${port}/health`, intervalSeconds: 1, timeoutMs: 2000, bodyIncludes: 'ok' }), { secrets }),
  );

  let measuring = false;
  const latencies: number[] = [];
  const health = { up: 0, degraded: 0, down: 0 };
  let skipped = 0;
  const running = new Set<number>();
  const timers: NodeJS.Timeout[] = [];
  const tick = (i: number) => {
    if (running.has(i)) {
      if (measuring) skipped++;
      return;
    }
    running.add(i);
    const started = performance.now();
    void probes[i]!.run().then((reading) => {
      running.delete(i);
      if (!measuring) return;
      latencies.push(performance.now() - started);
      health[reading.health]++;
    });
  };
  // Spread the probes over the second, as a scheduler with per-probe intervals does.
  probes.forEach((_, i) => {
    timers.push(
      setTimeout(() => {
        tick(i);
        timers.push(setInterval(() => tick(i), 1000));
      }, (i * 1000) / probes.length),
    );
  });

  process.stderr.write(`warming up for ${WARMUP_SECONDS} s...\n`);
  await new Promise((r) => setTimeout(r, WARMUP_SECONDS * 1000));
  measuring = true;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let elapsed = 0; elapsed < seconds; ) {
    const step = Math.min(10, seconds - elapsed);
    await new Promise((r) => setTimeout(r, step * 1000));
    elapsed += step;
    const cpu = process.cpuUsage(cpuStart);
    process.stderr.write(`${elapsed} s: ${latencies.length} probes, CPU ${(((cpu.user + cpu.system) / 1000 / (performance.now() - wallStart)) * 100).toFixed(1)} % of one core\n`);
  }
  const cpu = process.cpuUsage(cpuStart);
  const wallMs = performance.now() - wallStart;
  measuring = false;
  for (const timer of timers) clearInterval(timer);
  await Promise.all(probes.map((p) => p.close()));
  child.disconnect();
  child.kill();

  const sorted = [...latencies].sort((a, b) => a - b);
  const cpuShare = (cpu.user + cpu.system) / 1000 / wallMs;
  const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;
  const result = {
    endpoints,
    durationSeconds: seconds,
    probesRun: latencies.length,
    probesPerSecond: round(latencies.length / (wallMs / 1000), 1),
    up: health.up,
    degraded: health.degraded,
    down: health.down,
    skippedStillRunning: skipped,
    cpuShareOfOneCore: round(cpuShare, 4),
    cpuUserMs: round(cpu.user / 1000, 0),
    cpuSystemMs: round(cpu.system / 1000, 0),
    probeLatencyP50Ms: round(percentile(sorted, 0.5), 2),
    probeLatencyP95Ms: round(percentile(sorted, 0.95), 2),
    probeLatencyMaxMs: round(sorted[sorted.length - 1] ?? Number.NaN, 2),
    targetCpuShare: TARGET_CPU_SHARE,
    meetsTarget: cpuShare < TARGET_CPU_SHARE,
    node: process.version,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
