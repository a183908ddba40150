/**
 * npm run bench:team [-- --members 10 --hz 20 --seconds 60 --cut-seconds 30 --per-process 1]
 *
 * The team window of issue 16 against a real PostgreSQL on loopback: N
 * members (default 10), each a laptop of its own (its own data directory,
 * local Session, Ed25519 key and TeamSync), run as child processes
 * (bench/team-member.ts; `--per-process K` puts K members in each when N
 * processes are too heavy for the machine). Every member's path to the
 * store goes through its own loopback TCP proxy held here, so any one can
 * be cut.
 *
 * Each member ticks and unticks the demo runbook's items at `--hz` for
 * `--seconds`, recording locally then sharing. Measured:
 * - append-to-display latency: from the author's record time (its journal
 *   entry's ts) to `onEntry` firing on every OTHER member, p50 and p95
 *   (target p95 under 300 ms). Entries the partition below held back (to or
 *   from the cut member, recorded before it healed and arriving after the
 *   cut) are left out and counted apart;
 * - entries per second appended to the store while everyone ticks;
 * - at the end, once every member has shared everything and reached the
 *   store's head: lost (local entries not in the chain), duplicated ((author,
 *   origin) twice), forks (members whose head differs from the store's) and
 *   refused rows, all 0;
 * - healing: one member's proxy is cut (a dropped network: open connections
 *   reset, new ones held silent) for `--cut-seconds` while everyone keeps
 *   ticking, its own ticks staying local; from the restore to its replica
 *   reaching the store's head with nothing unshared: healSeconds (target
 *   under 5 s).
 * Progress goes to stderr; the last line of stdout is one JSON object.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { checkTeamChain } from '../src/main/services/team/team-entry';
import { openPostgresTeamStore } from '../src/main/services/team/team-store';
import { startPostgres } from '../test/support/servers';
import { startTcpProxy, type TcpProxy } from '../test/support/tcp-proxy';
import type { MemberCommand, MemberReport, MemberResult } from './team-member';

const TARGET_P95_MS = 300;
const TARGET_HEAL_S = 5;
const PROGRESS_MS = 5000;
const SETTLE_MS = 60_000;
const RUNBOOK = join(__dirname, '..', 'resources', 'demo', 'runbook.md');

function positive(value: string, flag: string, allowZero = false): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new Error(`--${flag} must be a ${allowZero ? 'non-negative' : 'positive'} number, not ${value}`);
  return n;
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function round2(value: number | null): number | null {
  return value === null ? null : Number(value.toFixed(2));
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Busy and total jiffies of the whole machine (every core), from /proc/stat. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

/** /proc/PID/stat's fields after the command name (field 3 onwards). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

const CLOCK_TICKS_PER_S = 100;

/**
 * CPU seconds of the bench's PostgreSQL: its postmaster (found by its port
 * on the command line), the backends it reaped (cutime, cstime) and the
 * live ones.
 */
function postgresCpuSeconds(port: number): number {
  let postmaster = -1;
  const all: { pid: number; fields: string[] }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const fields = statFields(pid);
    if (!fields) continue;
    all.push({ pid, fields });
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('/postgres') && argv[argv.indexOf('-p') + 1] === String(port)) postmaster = pid;
    } catch {
      // gone meanwhile
    }
  }
  if (postmaster < 0) return 0;
  let ticks = 0;
  for (const { pid, fields } of all) {
    // Fields 14-17 are utime, stime, cutime, cstime; here indexed from field 3.
    if (pid === postmaster) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    else if (Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / CLOCK_TICKS_PER_S;
}

/** One member process, driven over IPC: each request resolves on the report it waits for. */
class MemberProcess {
  private readonly waiting = new Map<string, { resolve: (r: MemberReport) => void; reject: (e: Error) => void }>();
  private readonly early = new Map<string, MemberReport>();
  private exited: Error | null = null;

  constructor(
    readonly names: string[],
    private readonly child: ChildProcess,
  ) {
    child.on('message', (report: MemberReport) => {
      if (report.type === 'failed') {
        const error = new Error(`member process ${names.join(', ')} failed: ${report.message}`);
        for (const w of this.waiting.values()) w.reject(error);
        this.waiting.clear();
        return;
      }
      const waiter = this.waiting.get(report.type);
      if (waiter) {
        this.waiting.delete(report.type);
        waiter.resolve(report);
      } else {
        this.early.set(report.type, report);
      }
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(`member process ${names.join(', ')} exited (${signal ?? code})`);
      for (const w of this.waiting.values()) w.reject(this.exited);
      this.waiting.clear();
    });
  }

  send(command: MemberCommand): void {
    this.child.send(command);
  }

  next<T extends MemberReport['type']>(type: T): Promise<Extract<MemberReport, { type: T }>> {
    const early = this.early.get(type);
    if (early) {
      this.early.delete(type);
      return Promise.resolve(early as Extract<MemberReport, { type: T }>);
    }
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => this.waiting.set(type, { resolve: resolve as (r: MemberReport) => void, reject }));
  }

  request<T extends MemberReport['type']>(command: MemberCommand, type: T): Promise<Extract<MemberReport, { type: T }>> {
    const answer = this.next(type);
    this.send(command);
    return answer;
  }

  async stop(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    this.send({ type: 'stop' });
    await gone;
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '10' },
      hz: { type: 'string', default: '20' },
      seconds: { type: 'string', default: '60' },
      'cut-seconds': { type: 'string', default: '30' },
      'per-process': { type: 'string', default: '1' },
    },
    strict: true,
  });
  const memberCount = Math.round(positive(values.members, 'members'));
  const hz = positive(values.hz, 'hz');
  const seconds = positive(values.seconds, 'seconds');
  const cutSeconds = positive(values['cut-seconds'], 'cut-seconds', true);
  const perProcess = Math.round(positive(values['per-process'], 'per-process'));
  if (memberCount < 2) throw new Error('--members must be at least 2: latency is measured on the other members');
  // The cut starts a third of the spare time in, so there is as much time after the heal as before the cut (and then some).
  const cutStartMs = ((seconds - cutSeconds) / 3) * 1000;
  if (cutSeconds > 0 && cutStartMs <= 0) throw new Error(`--cut-seconds (${cutSeconds}) must be shorter than --seconds (${seconds})`);

  const pg = await startPostgres();
  const store = openPostgresTeamStore({ url: pg.url(), password: pg.password, ssl: { mode: 'disable' } });
  const proxies: TcpProxy[] = [];
  const processes: MemberProcess[] = [];
  try {
    await store.migrate();
    const session = `bench-${Date.now()}`;
    const names = Array.from({ length: memberCount }, (_, i) => `member-${String(i + 1).padStart(2, '0')}`);
    for (let i = 0; i < memberCount; i++) proxies.push(await startTcpProxy(pg.port));
    const storeUrl = (i: number): string => `postgres://${pg.user}@127.0.0.1:${proxies[i]!.port}/postgres`;

    const setupStarted = Date.now();
    for (let first = 0; first < memberCount; first += perProcess) {
      const mine = names.slice(first, first + perProcess);
      // BENCH_TEAM_CPU_PROF=DIR: each member process writes a V8 CPU profile there (where the members' time goes).
      const profile = process.env.BENCH_TEAM_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_TEAM_CPU_PROF] : [];
      const child = fork(join(__dirname, 'team-member.ts'), [], { cwd: join(__dirname, '..'), execArgv: ['--import', 'tsx', ...profile], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      processes.push(new MemberProcess(mine, child));
      // The password goes over IPC, never in argv.
      processes.at(-1)!.send({ type: 'setup', session, password: pg.password, runbook: RUNBOOK, members: mine.map((name) => ({ name, storeUrl: storeUrl(names.indexOf(name)) })) });
    }
    await Promise.all(processes.map((p) => p.next('ready')));
    const setupSeconds = (Date.now() - setupStarted) / 1000;
    log(`${memberCount} members in ${processes.length} processes joined team session ${session} in ${setupSeconds.toFixed(1)} s`);

    const cutIndex = memberCount - 1;
    const cutName = names[cutIndex]!;
    const cutProcess = processes.find((p) => p.names.includes(cutName))!;
    const headAtStart = await store.headSeq(session);
    const startAt = Date.now() + 1000;
    const endAt = startAt + seconds * 1000;
    const ticked = Promise.all(processes.map((p) => p.request({ type: 'go', startAt, seconds, hz }, 'ticked')));

    let cutAt = Number.NaN;
    let restoredAt = Number.NaN;
    const heal: { seconds: number | null; reconnectSeconds: number | null; sharedSeconds: number | null } = { seconds: null, reconnectSeconds: null, sharedSeconds: null };
    const healing = (async () => {
      if (cutSeconds <= 0) return;
      await new Promise((r) => setTimeout(r, startAt + cutStartMs - Date.now()));
      proxies[cutIndex]!.cut({ blackhole: true });
      cutAt = Date.now();
      log(`cut ${cutName} off the store for ${cutSeconds} s`);
      await new Promise((r) => setTimeout(r, cutAt + cutSeconds * 1000 - Date.now()));
      proxies[cutIndex]!.restore();
      restoredAt = Date.now();
      log(`restored ${cutName}`);
      const healed = await cutProcess.request({ type: 'restored', name: cutName, at: restoredAt }, 'healed');
      Object.assign(heal, { seconds: healed.seconds, reconnectSeconds: healed.reconnectSeconds, sharedSeconds: healed.sharedSeconds });
      log(
        healed.seconds === null
          ? `${cutName} did not heal within 120 s`
          : `${cutName} healed in ${healed.seconds.toFixed(2)} s (store answering after ${healed.reconnectSeconds?.toFixed(2)} s, nothing unshared after ${healed.sharedSeconds?.toFixed(2)} s)`,
      );
    })();

    await new Promise((r) => setTimeout(r, startAt - Date.now()));
    const cpuStart = machineTicks();
    const pgCpuStart = postgresCpuSeconds(pg.port);
    const parentCpuStart = process.cpuUsage();
    const progress = setInterval(() => {
      store.headSeq(session).then(
        (head) => log(`t=${((Date.now() - startAt) / 1000).toFixed(0)} s: ${head - headAtStart} entries in the store, load ${loadavg()[0]!.toFixed(2)}`),
        () => undefined,
      );
    }, PROGRESS_MS);
    let headAtEnd: number;
    let memberCpuMs = 0;
    try {
      memberCpuMs = (await ticked).reduce((sum, t) => sum + t.cpuMs, 0);
      headAtEnd = await store.headSeq(session);
    } finally {
      clearInterval(progress);
    }
    const tickedAt = Date.now();
    const cpuEnd = machineTicks();
    const pgCpu = postgresCpuSeconds(pg.port) - pgCpuStart;
    const parentCpu = process.cpuUsage(parentCpuStart);
    await healing;
    const healSeconds = heal.seconds;
    log(`ticking done (${((tickedAt - endAt) / 1000).toFixed(1)} s late); waiting for every member to share and converge`);

    await Promise.all(processes.map((p) => p.request({ type: 'flush', timeoutMs: SETTLE_MS }, 'flushed')));
    const headSeq = await store.headSeq(session);
    const converged = await Promise.all(processes.map((p) => p.request({ type: 'converge', headSeq, timeoutMs: SETTLE_MS }, 'converged')));
    const results: MemberResult[] = converged.flatMap((c) => c.members);

    // The store's own rows, checked as any member checks them.
    const rows: unknown[] = [];
    for (;;) {
      const page = await store.readSince(session, rows.length - 1, 1000);
      rows.push(...page);
      if (page.length < 1000) break;
    }
    const chain = checkTeamChain(session, rows);
    const pairs = new Set<string>();
    let storeDuplicated = 0;
    for (const row of rows) {
      const { author, origin } = row as { author: string; origin: number };
      if (pairs.has(`${author}:${origin}`)) storeDuplicated += 1;
      pairs.add(`${author}:${origin}`);
    }

    // Latency on every other member, leaving out what the partition held back.
    const healedAt = healSeconds !== null ? restoredAt + healSeconds * 1000 : Number.isNaN(cutAt) ? Number.NaN : tickedAt;
    const latencies: number[] = [];
    // The same, by when the entry was recorded: before the cut, during it, after the restore (the heal drains then).
    const phases: Record<'beforeCut' | 'duringCut' | 'afterRestore', number[]> = { beforeCut: [], duringCut: [], afterRestore: [] };
    let partitioned = 0;
    for (const result of results) {
      const { authors, samples } = result.latency;
      for (let i = 0; i < samples.length; i += 3) {
        const author = authors[samples[i]!]!;
        const recorded = samples[i + 1]!;
        const arrived = samples[i + 2]!;
        if ((author === cutName || result.name === cutName) && recorded < healedAt && arrived > cutAt) partitioned += 1;
        else {
          latencies.push(arrived - recorded);
          (Number.isNaN(cutAt) || recorded < cutAt ? phases.beforeCut : recorded < restoredAt ? phases.duringCut : phases.afterRestore).push(arrived - recorded);
        }
      }
    }
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p95 = percentile(latencies, 95);

    const storeHead = chain.head;
    const forks = results.filter((r) => r.head?.hash !== storeHead).length;
    const lost = results.reduce((sum, r) => sum + r.lost, 0);
    const duplicated = Math.max(storeDuplicated, ...results.map((r) => r.duplicated));
    const refused = chain.refused.length + results.reduce((sum, r) => sum + r.refused.length, 0);
    for (const r of results) for (const message of r.refused) log(`${r.name} refused: ${message}`);
    for (const r of chain.refused) log(`store row refused: ${r.message}`);
    const ticks = results.reduce((sum, r) => sum + r.ticks, 0);
    const entries = headSeq - headAtStart;
    const entriesPerSecond = (headAtEnd - headAtStart) / seconds;
    const runMs = tickedAt - startAt;
    const cpu = {
      cores: cpus().length,
      machineBusyPct: Math.round((100 * (cpuEnd.busy - cpuStart.busy)) / Math.max(1, cpuEnd.total - cpuStart.total)),
      // CPU while everyone ticks, in cores (up to `cores`): the member processes, the store, the proxies.
      memberCores: Number((memberCpuMs / runMs).toFixed(2)),
      postgresCores: Number(((pgCpu * 1000) / runMs).toFixed(2)),
      // This process: mostly the ten proxies piping every byte to and from the store.
      proxyCores: Number(((parentCpu.user + parentCpu.system) / 1000 / runMs).toFixed(2)),
      memberLoopDelayP99Ms: Math.round(Math.max(...converged.map((c) => c.loopDelayP99Ms))),
      loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
    };
    log(`ticks ${ticks} (${(ticks / seconds).toFixed(0)}/s offered), ${entries} entries appended, latency samples ${latencies.length} (+${partitioned} held back by the cut)`);
    log(`cpu: ${JSON.stringify(cpu)}`);
    const appendMs = converged.flatMap((c) => c.calls.appendMs).sort((a, b) => a - b);
    const reads = converged.reduce((sum, c) => sum + c.calls.reads, 0);
    const readRows = converged.reduce((sum, c) => sum + c.calls.readRows, 0);
    const storeCalls = {
      appendMsP50: Number(percentile(appendMs, 50)?.toFixed(1) ?? 'NaN'),
      appendMsP95: Number(percentile(appendMs, 95)?.toFixed(1) ?? 'NaN'),
      readsPerSecond: Math.round(reads / (runMs / 1000)),
      rowsPerRead: Number((readRows / Math.max(1, reads)).toFixed(1)),
    };
    log(`store calls: ${JSON.stringify(storeCalls)}`);
    const figures = {
      members: memberCount,
      hz,
      seconds,
      processes: processes.length,
      membersPerProcess: perProcess,
      entries,
      entriesPerSecond: Math.round(entriesPerSecond),
      latencyMs: { p50, p95 },
      latencyP95ByPhaseMs: Object.fromEntries(Object.entries(phases).map(([phase, values]) => [phase, percentile(values.sort((a, b) => a - b), 95)])),
      latencySamples: latencies.length,
      partitionedSamples: partitioned,
      lost,
      duplicated,
      forks,
      refused,
      cutSeconds,
      healSeconds: healSeconds === null ? null : Number(healSeconds.toFixed(2)),
      // Where the heal's time went: until the store answered again, until the cut member's outbox was empty.
      heal: { reconnectSeconds: round2(heal.reconnectSeconds), sharedSeconds: round2(heal.sharedSeconds) },
      cpu,
      storeCalls,
      targets: { p95Ms: TARGET_P95_MS, healSeconds: TARGET_HEAL_S },
      met: {
        p95: p95 !== null && p95 < TARGET_P95_MS,
        heal: cutSeconds <= 0 || (healSeconds !== null && healSeconds < TARGET_HEAL_S),
        lost: lost === 0,
        duplicated: duplicated === 0,
        forks: forks === 0,
        refused: refused === 0,
      },
    };
    process.stdout.write(`${JSON.stringify(figures)}\n`);
  } finally {
    await Promise.all(processes.map((p) => p.stop().catch(() => undefined)));
    await Promise.all(proxies.map((p) => p.close()));
    await store.close();
    await pg.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
