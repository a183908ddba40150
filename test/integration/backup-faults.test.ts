/**
 * The fault matrix of backups, against a real PostgreSQL and the real
 * built Flightdeck (browser mode and the `flightdeck` CLI from out/):
 * - PostgreSQL SIGKILLed while pg_dump streams, 20 times in a row: each
 *   backup ends "failed" saying why, and browser mode is alive and
 *   answering after each, with no fault its handler had to catch;
 * - a dump with a flipped byte, or 1,000 bytes cut from its end, under a
 *   recomputed SHA256SUMS: `flightdeck backup verify` refuses it naming
 *   the table;
 * - `flightdeck backup` SIGKILLed while pg_dump runs: pg_dump is gone
 *   within 5 s (its watchdog ends it);
 * - a pg_dump left running by a run whose watchdog was killed too is
 *   killed at the next start of Flightdeck.
 * pg_dump is kept in flight where a test needs it so by a lock the test
 * holds (pg_dump waits for it), never by a sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg_ from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord, ControlState } from '../../src/shared/control-model';
import { formatManifest, MANIFEST_NAME, sha256OfFile } from '../../src/main/services/backups/manifest';
import { tempDir } from '../support/app';
import { startBrowserMode, type Running } from '../support/browser-mode';
import { BIN, flightdeck } from '../support/cli';
import { startPostgres, type PostgresServer } from '../support/servers';
import { waitFor } from '../support/wait';

const PG_PASSWORD = 'faults-Pg-pw-4711';
const ENV_SECRET = { FLIGHTDECK_SECRET_PG_PASSWORD: PG_PASSWORD };
let pg: PostgresServer;
let work: ReturnType<typeof tempDir>;
let profileFile: string;

beforeAll(async () => {
  pg = await startPostgres({ password: PG_PASSWORD });
  pg.psql('create database big');
  // Tens of MB of poorly compressible text: the dump streams for a while after its first bytes.
  pg.psql(
    `create table notes (id bigint, body text);
     insert into notes select g, md5(g::text) || md5(random()::text) || md5(random()::text) from generate_series(1, 150000) g;
     create table tags (id bigint, tag text);
     insert into tags select g, md5(random()::text) from generate_series(1, 50000) g;
     create table events (id bigint, what text) partition by range (id);
     create table events_1 partition of events for values from (0) to (1000000);
     insert into events select g, 'e' || g from generate_series(1, 1000) g;`,
    'big',
  );
  work = tempDir('flightdeck-backup-faults-');
  writeFileSync(join(work.path, 'release.md'), ['# Release', '', '## Pre-Deployment', '', '- [ ] **Database backup created**', ''].join('\n'));
  profileFile = join(work.path, 'release.flightdeck.yaml');
  writeFileSync(
    profileFile,
    ['environment: staging', 'backups:', `  - { name: db, engine: postgres, url: "${pg.url('big')}", password: { secret: pg-password }, dir: backups, timeoutSeconds: 600 }`, ''].join('\n'),
  );
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  work?.remove();
});

/** /proc/<pid>/stat: state and parent. */
function procStat(pid: number): { state: string; ppid: number; comm: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) };
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== null && stat.state !== 'Z';
}

/** The pg_dump started (through its watchdog) by process `owner`. */
function pgDumpOf(owner: number): { pid: number; watchdog: number } | null {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat?.comm !== 'pg_dump' || stat.state === 'Z') continue;
    if (procStat(stat.ppid)?.ppid === owner) return { pid: Number(entry), watchdog: stat.ppid };
  }
  return null;
}

/** Whether a backup's pg_dump waits for the lock a test holds. */
function dumpWaitsForLock(): boolean {
  return pg.psql("select count(*) from pg_stat_activity where datname = 'big' and wait_event_type = 'Lock' and query ilike 'lock table%'").trim() !== '0';
}

/**
 * Holds an exclusive lock on the partitioned table `events` alone (ONLY: not its partition): pg_dump
 * locks every table it dumps, the parent too, so it waits, in flight and writing nothing, while
 * Flightdeck's own queries (sizes and counts of ordinary tables, the partition included) go through.
 */
async function lockPartitionParent(): Promise<{ release(): Promise<void> }> {
  const client = new pg_.Client({ host: pg.host, port: pg.port, user: pg.user, password: PG_PASSWORD, database: 'big' });
  client.on('error', () => undefined);
  await client.connect();
  await client.query('begin');
  await client.query('lock table only events in access exclusive mode');
  return {
    release: async () => {
      await client.query('rollback').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** `flightdeck trust --yes` for the profile, with FLIGHTDECK_HOME = home: the approval an operator gives before acting through it. */
function trustProfile(home: string, file = profileFile): void {
  const approved = flightdeck(['trust', '--yes', file], { FLIGHTDECK_HOME: home });
  if (approved.code !== 0) throw new Error(`flightdeck trust: ${approved.stderr}`);
}

/** `flightdeck backup` from the built CLI, running in the background. */
function startCliBackup(home: string): { child: ChildProcess; output: () => string; exited: Promise<void> } {
  trustProfile(home);
  const child = spawn(process.execPath, [BIN, 'backup', '--profile', profileFile, 'db', '--log', join(home, 'log')], {
    env: { ...process.env, ...ENV_SECRET, FLIGHTDECK_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, output: () => output, exited };
}

describe('PostgreSQL killed mid-dump', () => {
  let running: Running | null = null;

  afterAll(async () => {
    await running?.stop();
  });

  it('20 times in a row: each backup fails saying why, and browser mode answers after each', async () => {
    const data = join(work.path, 'data');
    trustProfile(data, join(work.path, 'release.md'));
    running = await startBrowserMode(['--data-dir', data, join(work.path, 'release.md')]);
    const token = new URL(running.launchUrl).searchParams.get('token')!;
    const origin = running.origin;
    const api = async <T>(name: string, input: unknown = {}): Promise<T> => {
      const response = await fetch(`${origin}/api/call/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { ok: boolean; value?: T; error?: unknown };
      if (!body.ok) throw new Error(`${name}: ${JSON.stringify(body.error)}`);
      return body.value as T;
    };
    await api('unlockVault', { passphrase: 'faults test passphrase' });
    await api('putSecret', { name: 'pg-password', value: PG_PASSWORD, scope: [`${pg.host}:${pg.port}`] });
    const dumpsDir = join(work.path, 'backups', 'db');

    for (let round = 1; round <= 20; round += 1) {
      const started = await api<ActionRecord>('startBackup', { backup: 'db' });
      expect(started.outcome).toBe('running');
      // The moment pg_dump has written some of database.dump: the dump is in flight.
      await waitFor(
        `round ${round}: pg_dump's first bytes`,
        () => existsSync(dumpsDir) && readdirSync(dumpsDir).some((d) => d.endsWith('.partial') && existsSync(join(dumpsDir, d, 'database.dump')) && statSync(join(dumpsDir, d, 'database.dump')).size > 0),
        { timeoutMs: 60_000, intervalMs: 5 },
      );
      await pg.kill();
      const ended = await waitFor(
        `round ${round}: the backup to end`,
        async () => (await api<ControlState>('getControl')).backups.find((b) => b.name === 'db' && b.running === null && b.last?.actionId === started.id && b.last.endedAt !== null)?.last,
        { timeoutMs: 60_000, intervalMs: 50 },
      );
      expect(ended.outcome, `round ${round}: ${ended.message}`).toBe('failed');
      expect(ended.message, `round ${round}`).toMatch(/pg_dump (exited with status \d+|was killed by)|PostgreSQL .*(terminat|closed|ECONNRESET|ECONNREFUSED)/i);
      // Alive and answering: the whole cockpit, not just the process.
      const cockpit = await api<{ runbook: { title: string } | null }>('getCockpit');
      expect(cockpit.runbook?.title, `round ${round}`).toBe('Release');
      await pg.start();
    }
    // Nothing was left for the process-level handler: every stream's error ended its own backup.
    expect(running.output()).not.toMatch(/fault \((uncaughtException|unhandledRejection)\)/);
    // And nothing a failed backup wrote is presented as a backup.
    expect(existsSync(dumpsDir) ? readdirSync(dumpsDir).filter((d) => !d.endsWith('.partial')) : []).toEqual([]);
  }, 600_000);
});

describe('a damaged dump under a recomputed SHA256SUMS', () => {
  it('is refused by flightdeck backup verify, naming the table; the intact one holds', async () => {
    const home = join(work.path, 'home-verify');
    trustProfile(home);
    const made = flightdeck(['backup', '--profile', profileFile, 'db', '--log', join(home, 'log')], { ...ENV_SECRET, FLIGHTDECK_HOME: home });
    expect(made.code, made.stderr + made.stdout).toBe(0);
    const backup = /location {2}(.+)/.exec(made.stdout)![1]!.trim();
    expect(made.stdout).toMatch(/pg_restore read all of database\.dump/);

    const intact = flightdeck(['backup', 'verify', backup]);
    expect(intact.code, intact.stderr).toBe(0);

    const damaged = (name: string, damage: (file: string) => void): string => {
      const dir = join(work.path, name);
      cpSync(backup, dir, { recursive: true });
      damage(join(dir, 'database.dump'));
      return dir;
    };
    const resealed = async (dir: string) => {
      const files = readdirSync(dir).filter((f) => f !== MANIFEST_NAME);
      const entries = [];
      for (const path of files) entries.push({ path, sha256: (await sha256OfFile(join(dir, path), new AbortController().signal)).sha256 });
      writeFileSync(join(dir, MANIFEST_NAME), formatManifest(entries));
      return dir;
    };
    const flipped = await resealed(
      damaged('flipped', (file) => {
        const bytes = readFileSync(file);
        const middle = bytes.length >> 1;
        bytes[middle] = bytes[middle]! ^ 0xff;
        writeFileSync(file, bytes);
      }),
    );
    const cut = await resealed(damaged('cut', (file) => truncateSync(file, statSync(file).size - 1000)));

    for (const dir of [flipped, cut]) {
      const result = flightdeck(['backup', 'verify', dir]);
      expect(result.code, `${dir}: ${result.stdout}`).toBe(1);
      expect(result.stderr).toMatch(/does not hold: \S+\/database\.dump: the data of table public\.(notes|tags) is damaged or cut short: pg_restore exited with status 1: pg_restore: error: /);
    }
  }, 300_000);
});

describe('SIGKILL of Flightdeck during a backup', () => {
  let cli: ReturnType<typeof startCliBackup> | null = null;
  afterAll(() => {
    if (cli?.child.exitCode === null) cli.child.kill('SIGKILL');
  });

  it('flightdeck backup killed while pg_dump runs: pg_dump is gone within 5 s', async () => {
    const lock = await lockPartitionParent();
    try {
      cli = startCliBackup(join(work.path, 'home-kill'));
      const dump = await waitFor('pg_dump to run and wait for the lock', () => dumpWaitsForLock() && pgDumpOf(cli!.child.pid!), { timeoutMs: 60_000, lastSeen: cli!.output });
      cli.child.kill('SIGKILL');
      await cli.exited;
      const killedAt = Date.now();
      await waitFor('pg_dump to be gone', () => !alive(dump.pid), { timeoutMs: 5000, intervalMs: 20 });
      expect(Date.now() - killedAt).toBeLessThan(5000);
      // The watchdog itself does not stay behind either.
      await waitFor('the watchdog to be gone', () => !alive(dump.watchdog));
    } finally {
      await lock.release();
    }
  }, 120_000);

  it('a pg_dump left running when its watchdog died too is killed at the next start', async () => {
    const home = join(work.path, 'home-leftover');
    const lock = await lockPartitionParent();
    try {
      cli = startCliBackup(home);
      const dump = await waitFor('pg_dump to run and wait for the lock', () => dumpWaitsForLock() && pgDumpOf(cli!.child.pid!), { timeoutMs: 60_000, lastSeen: cli!.output });
      // Watchdog first, then Flightdeck: nothing is left to end pg_dump, which waits on.
      process.kill(dump.watchdog, 'SIGKILL');
      cli.child.kill('SIGKILL');
      await cli.exited;
      await waitFor('the watchdog to be gone', () => !alive(dump.watchdog));
      expect(alive(dump.pid)).toBe(true);

      const next = flightdeck(['backup', '--help'], { FLIGHTDECK_HOME: home });
      expect(next.code).toBe(0);
      expect(next.stderr).toMatch(new RegExp(`killed pg_dump \\(pid ${dump.pid}\\): Flightdeck process ${cli.child.pid} started it and ended without stopping it`));
      await waitFor('the leftover pg_dump to be gone', () => !alive(dump.pid), { timeoutMs: 5000 });
      // The record is gone with it: a second start finds nothing to kill.
      expect(flightdeck(['backup', '--help'], { FLIGHTDECK_HOME: home }).stderr).not.toMatch(/killed/);
    } finally {
      await lock.release();
    }
  }, 120_000);
});
