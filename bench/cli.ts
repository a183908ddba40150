/**
 * npm run bench:cli
 *
 * How soon the `flightdeck` command answers, against node itself: the
 * median of 5 runs (BENCH_RUNS) of `node -e 0`, `flightdeck --version` and
 * `flightdeck parse` of the shared rollout runbook, each with its wall time,
 * its peak resident memory and its ratio to `node -e 0`. Runs the built CLI
 * (npm run build first). Peak memory comes from GNU time (/usr/bin/time -f
 * %M) when present, otherwise from a small wrapper that reads the child's
 * process.resourceUsage(); CPU time (user plus system) is
 * printed too, being steadier than wall time on a loaded machine. Targets (issue 15): --version under 100 ms and
 * 60 MB, parse under 300 ms. The last line is one JSON object.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLI = fileURLToPath(new URL('../bin/flightdeck.cjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../out/main/cli.js', import.meta.url));
const ROLLOUT = fileURLToPath(new URL('../../shared/runbooks/dual-dashboard-rollout.md', import.meta.url));
const GNU_TIME = '/usr/bin/time';
const RUN_DEADLINE_MS = 30_000;

/** Without GNU time: preloaded into the measured node process, prints its exit status and peak RSS (kB) as stderr's last line. */
const REPORT_RSS = `process.on('exit', (code) => { const u = process.resourceUsage(); process.stderr.write('\\n' + code + ' ' + u.maxRSS + ' ' + (u.userCPUTime + u.systemCPUTime) / 1e6 + '\\n'); });\n`;

interface Sample {
  ms: number;
  rssKb: number;
  /** User plus system CPU seconds: steadier than wall time on a shared machine. */
  cpuS: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function once(argv: string[], preload: string | null): Promise<Sample> {
  // argv[0] is node: the preload goes right after it.
  const [cmd, args] = preload === null ? [GNU_TIME, ['-f', '%x %M %U %S', ...argv]] : [argv[0]!, ['--require', preload, ...argv.slice(1)]];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_DEADLINE_MS);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const last = stderr.trim().split('\n').at(-1) ?? '';
      const [status, rss, user, system] = last.split(' ');
      if (status !== '0') return reject(new Error(`${argv.join(' ')} failed (exit ${status ?? '?'}): ${stderr.trim().slice(0, 500)}`));
      resolve({ ms, rssKb: Number(rss), cpuS: Number(user) + Number(system ?? 0) });
    });
  });
}

async function measure(argv: string[], preload: string | null): Promise<{ ms: number; rssMb: number; cpuMs: number }> {
  await once(argv, preload); // warm-up: the disk cache, not the process, is what stays warm between real runs
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once(argv, preload));
  return {
    ms: Math.round(median(samples.map((s) => s.ms)) * 10) / 10,
    rssMb: Math.round(median(samples.map((s) => s.rssKb)) / 102.4) / 10,
    cpuMs: Math.round(median(samples.map((s) => s.cpuS)) * 1000),
  };
}

async function main(): Promise<void> {
  if (!existsSync(BUILT)) throw new Error('the CLI is not built: run `npm run build` first');
  let preload: string | null = null;
  if (!existsSync(GNU_TIME)) {
    const dir = mkdtempSync(join(tmpdir(), 'flightdeck-bench-cli-'));
    preload = join(dir, 'report-rss.cjs');
    writeFileSync(preload, REPORT_RSS);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  const node = await measure([process.execPath, '-e', '0'], preload);
  const version = await measure([process.execPath, CLI, '--version'], preload);
  const parse = await measure([process.execPath, CLI, 'parse', ROLLOUT], preload);
  const ratio = (ms: number) => Math.round((ms / node.ms) * 100) / 100;
  console.log(`node -e 0:            ${node.ms} ms, ${node.rssMb} MB, ${node.cpuMs} ms CPU`);
  console.log(`flightdeck --version: ${version.ms} ms, ${version.rssMb} MB, ${version.cpuMs} ms CPU (${ratio(version.ms)}x node)`);
  console.log(`flightdeck parse:     ${parse.ms} ms, ${parse.rssMb} MB, ${parse.cpuMs} ms CPU (${ratio(parse.ms)}x node)`);
  const result = {
    benchmark: 'cli',
    node: process.version,
    runs: RUNS,
    rss: preload === null ? 'gnu-time' : 'resource-usage',
    nodeBare: node,
    version: { ...version, ratioToNode: ratio(version.ms) },
    parse: { ...parse, runbook: 'dual-dashboard-rollout.md', ratioToNode: ratio(parse.ms) },
    targets: { versionMs: 100, versionRssMb: 60, parseMs: 300 },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
