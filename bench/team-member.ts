/**
 * One process of `npm run bench:team` (bench/team.ts starts it with fork):
 * one or more team members, each like a laptop of its own, with its own data
 * directory, local Session, Ed25519 key and TeamSync whose store URL goes
 * through its own loopback proxy (the parent holds the proxies, so it can
 * cut any member). The parent drives it over IPC; see MemberCommand.
 *
 * Each member ticks and unticks the runbook's items at the asked rate,
 * recording locally (fsync) then kicking the sync, and notes, for every
 * entry another member authored, the author's record time (the entry's ts:
 * the author's journal clock, the same machine's clock) and the moment its
 * own `onEntry` fired: the append-to-display latency.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseRunbook } from '../src/main/services/runbook/parse';
import { countLineBreaks, decodeSource } from '../src/main/services/runbook/source-text';
import { Session, runbookRef } from '../src/main/services/session/session';
import { ed25519FromPrivatePem, newEd25519PrivatePem } from '../src/main/services/signing/ed25519';
import { writeTeamConfig, type TeamConfig } from '../src/main/services/team/team-config';
import { readReplica } from '../src/main/services/team/team-replica';
import { openPostgresTeamStore } from '../src/main/services/team/team-store';
import type { TeamStore } from '../src/main/services/team/team-store-api';
import { TeamSync } from '../src/main/services/team/team-sync';

export interface MemberSpec {
  name: string;
  /** postgres://user@127.0.0.1:PROXYPORT/db: this member's own path to the store. */
  storeUrl: string;
}

export type MemberCommand =
  | { type: 'setup'; members: MemberSpec[]; session: string; password: string; runbook: string }
  | { type: 'go'; startAt: number; seconds: number; hz: number }
  /** The named member's proxy was restored at `at` (ms): measure how long until it has healed. */
  | { type: 'restored'; name: string; at: number }
  | { type: 'flush'; timeoutMs: number }
  | { type: 'converge'; headSeq: number; timeoutMs: number }
  | { type: 'stop' };

/** [author name index in `authors`, author's record time ms, arrival ms] per entry another member authored. */
export interface LatencySamples {
  authors: string[];
  samples: number[];
}

export interface MemberResult {
  name: string;
  ticks: number;
  localEntries: number;
  head: { seq: number; hash: string } | null;
  /** Local entries with no entry of this author and origin in the merged chain. */
  lost: number;
  /** (author, origin) pairs that occur more than once in the replica's rows. */
  duplicated: number;
  refused: string[];
  latency: LatencySamples;
}

/** How the member's store calls went over the run (all its members together): where the time goes. */
export interface StoreCalls {
  /** Milliseconds per append call, from the call to its answer (the session lock's wait and hold included). */
  appendMs: number[];
  reads: number;
  readRows: number;
}

export type MemberReport =
  | { type: 'ready'; names: string[] }
  /** cpuMs: this process's CPU from the start of ticking to its end. */
  | { type: 'ticked'; ticks: number; cpuMs: number }
  /** seconds: from the restore to healed; reconnectSeconds: to the store's first answer; sharedSeconds: to nothing unshared. */
  | { type: 'healed'; name: string; seconds: number | null; reconnectSeconds: number | null; sharedSeconds: number | null }
  | { type: 'flushed' }
  | { type: 'converged'; members: MemberResult[]; loopDelayP99Ms: number; calls: StoreCalls }
  | { type: 'failed'; message: string };

const TICK_TYPE = 'item.ticked';

const calls: StoreCalls = { appendMs: [], reads: 0, readRows: 0 };
let metering = false;

/** When a member's store last answered after a moment being watched (the restore of its path): when it was back. */
class Answers {
  private since = Number.POSITIVE_INFINITY;
  first: number | null = null;

  watchFrom(at: number): void {
    this.since = at;
    this.first = null;
  }

  answered(): void {
    const now = Date.now();
    if (this.first === null && now > this.since) this.first = now;
  }
}

/** The store with its appends timed and its reads counted while the run lasts, and each answer noted. */
function metered(store: TeamStore, answers: Answers): TeamStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      // close() resolves whether or not the store is there: it is no answer.
      if (typeof value === 'function' && !['append', 'appendMany', 'readSince', 'close'].includes(String(property))) {
        return (...args: unknown[]) => {
          const result = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) result.then(() => answers.answered(), () => undefined);
          return result;
        };
      }
      // appendMany too, where a store has it (several entries of one author in one transaction).
      if (property === 'append' || property === 'appendMany') {
        return async (...args: unknown[]) => {
          const started = performance.now();
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          answers.answered();
          if (metering) calls.appendMs.push(performance.now() - started);
          return result;
        };
      }
      if (property === 'readSince') {
        return async (...args: Parameters<TeamStore['readSince']>) => {
          const rows = await target.readSince(...args);
          answers.answered();
          if (metering) {
            calls.reads += 1;
            calls.readRows += rows.length;
          }
          return rows;
        };
      }
      return value;
    },
  });
}

class Member {
  readonly session: Session;
  readonly sync: TeamSync;
  readonly answers = new Answers();
  ticks = 0;
  private readonly checked = new Map<string, boolean>();
  private readonly authors: string[] = [];
  private readonly authorIndex = new Map<string, number>();
  private readonly samples: number[] = [];
  private measureFrom = Number.POSITIVE_INFINITY;

  constructor(
    readonly name: string,
    readonly dir: string,
    private readonly items: { id: string; text: string }[],
    runbookText: string,
    ref: ReturnType<typeof runbookRef>,
    config: Omit<TeamConfig, 'member' | 'store'> & { storeUrl: string },
    password: string,
  ) {
    this.session = Session.create(join(dir, 'session'), ref, runbookText, name);
    const key = ed25519FromPrivatePem(newEd25519PrivatePem());
    const team: TeamConfig = {
      session: config.session,
      store: { url: config.storeUrl, ssl: 'disable', caFile: null, secret: 'team-store' },
      member: { name, key: key.keyid },
    };
    writeTeamConfig(this.session.dir, team);
    this.sync = new TeamSync({
      sessionDir: this.session.dir,
      config: team,
      key,
      local: this.session,
      openStore: async () => metered(openPostgresTeamStore({ url: team.store.url, password, ssl: { mode: 'disable' } }), this.answers),
    });
    this.sync.onEntry((entry) => {
      if (entry.name === this.name || entry.type !== TICK_TYPE) return;
      const arrived = Date.now();
      const recorded = Date.parse(entry.ts);
      if (recorded < this.measureFrom) return;
      let index = this.authorIndex.get(entry.name);
      if (index === undefined) {
        index = this.authors.push(entry.name) - 1;
        this.authorIndex.set(entry.name, index);
      }
      this.samples.push(index, recorded, arrived);
    });
  }

  measureFromNow(at: number): void {
    this.measureFrom = at;
  }

  /** Ticks the next item, or unticks it when it is ticked: recorded locally first, then shared. */
  tick(): void {
    const item = this.items[this.ticks % this.items.length]!;
    const next = !(this.checked.get(item.id) ?? false);
    this.checked.set(item.id, next);
    this.session.tick(item.id, next, item.text, this.name);
    this.ticks += 1;
    this.sync.kick();
  }

  /** Until every entry recorded before the call is in the store and this replica has the store's head. */
  async healed(): Promise<boolean> {
    if (this.sync.unshared().length > 0) return false;
    let storeHead: number;
    try {
      storeHead = await this.sync.connectedStore().headSeq(this.sync.session);
    } catch {
      return false;
    }
    return (this.sync.merged().at(-1)?.seq ?? -1) >= storeHead && this.sync.unshared().length === 0;
  }

  result(): MemberResult {
    const merged = this.sync.merged();
    const key = this.sync.member.key;
    const shared = new Set(merged.filter((e) => e.author === key).map((e) => e.origin));
    const local = this.session.entries();
    const seen = new Set<string>();
    let duplicated = 0;
    for (const row of readReplica(this.session.dir)) {
      const { author, origin } = row as { author?: unknown; origin?: unknown };
      const pair = `${String(author)}:${String(origin)}`;
      if (seen.has(pair)) duplicated += 1;
      seen.add(pair);
    }
    const last = merged.at(-1);
    return {
      name: this.name,
      ticks: this.ticks,
      localEntries: local.length,
      head: last ? { seq: last.seq, hash: last.hash } : null,
      lost: local.filter((entry) => !shared.has(entry.seq)).length,
      duplicated,
      refused: this.sync.view().refused.map((r) => r.message),
      latency: { authors: this.authors, samples: this.samples },
    };
  }

  async close(): Promise<void> {
    await this.sync.stop();
    this.session.close();
  }
}

function send(report: MemberReport): void {
  process.send?.(report);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

const members: Member[] = [];
const roots: string[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let cpuAtGo: NodeJS.CpuUsage | undefined;

async function setup(command: Extract<MemberCommand, { type: 'setup' }>): Promise<void> {
  const text = readFileSync(command.runbook, 'utf8');
  const source = decodeSource(Buffer.from(text, 'utf8'), command.runbook);
  const doc = parseRunbook(source.text, { name: 'runbook.md', path: command.runbook, origin: 'import', sha256: source.sha256, bytes: source.bytes, lines: countLineBreaks(source.text) + 1, writable: false });
  if (doc.items.length === 0) throw new Error(`${command.runbook} has no checklist items to tick`);
  const items = doc.items.map((item) => ({ id: item.id, text: item.text }));
  for (const spec of command.members) {
    const root = mkdtempSync(join(tmpdir(), 'flightdeck-bench-team-'));
    roots.push(root);
    // Each member starts on another item, so the ten do not all move the same one.
    const offset = members.length * 3;
    const rotated = [...items.slice(offset % items.length), ...items.slice(0, offset % items.length)];
    members.push(new Member(spec.name, root, rotated, text, runbookRef(doc), { session: command.session, storeUrl: spec.storeUrl }, command.password));
  }
  // Joined and the session's start shared: the member is in the team before anyone ticks.
  await Promise.all(members.map((m) => m.sync.start().flush(60_000)));
  send({ type: 'ready', names: members.map((m) => m.name) });
}

async function go(command: Extract<MemberCommand, { type: 'go' }>): Promise<void> {
  const period = 1000 / command.hz;
  const end = command.startAt + command.seconds * 1000;
  for (const m of members) m.measureFromNow(command.startAt);
  await sleep(command.startAt - Date.now());
  cpuAtGo = process.cpuUsage();
  loopDelay.enable();
  metering = true;
  // Each member on its own schedule (no drift: the n-th tick is due at start + n periods), phases spread over a period.
  await Promise.all(
    members.map(async (member, index) => {
      const start = command.startAt + (index * period) / members.length + Math.random() * (period / members.length);
      for (let n = 0; ; n++) {
        const due = start + n * period;
        if (due >= end) return;
        await sleep(due - Date.now());
        member.tick();
      }
    }),
  );
  const cpu = process.cpuUsage(cpuAtGo);
  send({ type: 'ticked', ticks: members.reduce((sum, m) => sum + m.ticks, 0), cpuMs: (cpu.user + cpu.system) / 1000 });
}

async function restored(command: Extract<MemberCommand, { type: 'restored' }>): Promise<void> {
  const member = members.find((m) => m.name === command.name);
  if (!member) return;
  member.answers.watchFrom(command.at);
  const deadline = command.at + 120_000;
  const since = (at: number | null): number | null => (at === null ? null : (at - command.at) / 1000);
  let shared: number | null = null;
  while (Date.now() < deadline) {
    if (shared === null && member.sync.unshared().length === 0) shared = Date.now();
    if (await member.healed()) break;
    await sleep(20);
  }
  const done = Date.now() < deadline ? Date.now() : null;
  send({ type: 'healed', name: member.name, seconds: since(done), reconnectSeconds: since(member.answers.first), sharedSeconds: since(shared) });
}

async function converge(command: Extract<MemberCommand, { type: 'converge' }>): Promise<void> {
  await Promise.all(members.map((m) => m.sync.until(() => (m.sync.merged().at(-1)?.seq ?? -1) >= command.headSeq, command.timeoutMs, `${m.name} to reach the store's head`)));
  loopDelay.disable();
  metering = false;
  send({ type: 'converged', members: members.map((m) => m.result()), loopDelayP99Ms: loopDelay.percentile(99) / 1e6, calls });
}

let closing: Promise<void> | null = null;

/** Stops every sync, closes every session and removes the data directories; once, whoever asks first. */
function closeAll(): Promise<void> {
  closing ??= Promise.all(members.map((m) => m.close().catch(() => undefined))).then(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
  return closing;
}

async function stop(): Promise<void> {
  await closeAll();
  process.exit(0);
}

async function handle(command: MemberCommand): Promise<void> {
  switch (command.type) {
    case 'setup':
      return setup(command);
    case 'go':
      return go(command);
    case 'restored':
      return restored(command);
    case 'flush':
      await Promise.all(members.map((m) => m.sync.flush(command.timeoutMs)));
      return send({ type: 'flushed' });
    case 'converge':
      return converge(command);
    case 'stop':
      return stop();
  }
}

process.on('message', (command: MemberCommand) => {
  handle(command).catch((error: unknown) => send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
// The parent gone (crashed or killed): nothing left to report to.
process.on('disconnect', () => {
  void closeAll().finally(() => process.exit(0));
});
