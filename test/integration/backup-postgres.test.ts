/**
 * PostgreSQL backups against a real server: a database of several tables
 * with tens of thousands of rows is backed up with pg_dump, verified with
 * pg_restore --list and by a restore into a scratch database compared
 * table by table, and restored into another database. A wrong password
 * fails saying so, with the password nowhere; hostile names stay names.
 * pg_dump and pg_restore run through recording wrappers, so the test sees
 * their real argv and environment.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import pg_ from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupProgress } from '../../src/main/services/backups/backup-engine';
import { listBackups, runBackup, verifyBackupDir } from '../../src/main/services/backups/backup-pipeline';
import { DUMP_FILE, PostgresBackupEngine, verifyPostgresDump } from '../../src/main/services/backups/postgres-backup';
import { FlightdeckError } from '../../src/shared/errors';
import { programDir, writeProgram } from '../support/command-programs';
import { startPostgres, type PostgresServer } from '../support/servers';

const run = promisify(execFile);
const { Client } = pg_;

let pg: PostgresServer;
let root: { path: string; remove: () => void };

function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
let wrappers: string;
let toolLog: string;

const verifiers = { postgres: verifyPostgresDump, redis: notHere, mongodb: notHere };
async function notHere(): Promise<string[]> {
  throw new Error('not a postgres backup');
}

interface ToolCall {
  tool: string;
  argv: string[];
  env: Record<string, string>;
  passfile: { exists: boolean; mode: number | null; holdsPassword: boolean } | null;
}

function toolCalls(): ToolCall[] {
  if (!existsSync(toolLog)) return [];
  return readFileSync(toolLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ToolCall);
}

/** Wrappers that log argv, environment and the passfile's state, then run the real tool. */
function writeWrappers(dir: string, realBinDir: string, log: string, password: string): void {
  for (const tool of ['pg_dump', 'pg_restore']) {
    writeProgram(
      dir,
      tool,
      `const fs = require('node:fs');
const { spawnSync } = require('node:child_process');
const file = process.env.PGPASSFILE;
let passfile = null;
if (file && file !== '/dev/null') {
  const exists = fs.existsSync(file);
  passfile = { exists, mode: exists ? fs.statSync(file).mode & 0o777 : null, holdsPassword: exists && fs.readFileSync(file, 'utf8').includes(${JSON.stringify(password)}) };
}
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify({ tool: ${JSON.stringify(tool)}, argv: process.argv.slice(2), env: process.env, passfile }) + '\\n');
const result = spawnSync(${JSON.stringify(join(realBinDir, tool))}, process.argv.slice(2), { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);`,
    );
  }
}

function seed(database: string): void {
  pg.psql(`create database ${quote(database)}`);
  pg.psql(
    `create table customers (id int primary key, email text not null);
     insert into customers select g, 'user' || g || '@example.com' from generate_series(1, 20000) g;
     create table orders (id bigint primary key, customer_id int references customers(id), total numeric(10,2), note text);
     insert into orders select g, 1 + g % 20000, (g % 997) / 10.0, md5(g::text) from generate_series(1, 30000) g;
     create schema audit;
     create table audit.events (id serial primary key, kind text, at timestamptz default now());
     insert into audit.events (kind) select 'event-' || (g % 13) from generate_series(1, 45000) g;
     create table empty_one (id int);
     analyze;`,
    database,
  );
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function rowCounts(database: string): Record<string, number> {
  const out = pg.psql(
    `select 'customers', count(*) from customers union all select 'orders', count(*) from orders union all select 'audit.events', count(*) from audit.events union all select 'empty_one', count(*) from empty_one`,
    database,
  );
  return Object.fromEntries(
    out
      .trim()
      .split('\n')
      .map((line) => line.split('|'))
      .map(([name, n]) => [name!, Number(n)]),
  );
}

const EXPECTED_ROWS = { customers: 20000, orders: 30000, 'audit.events': 45000, empty_one: 0 };

function engine(database: string, password = pg.password): PostgresBackupEngine {
  return new PostgresBackupEngine({ url: pg.url(encodeURIComponent(database)), password, binDir: wrappers });
}

function databases(): string[] {
  return JSON.parse(pg.psql('select json_agg(datname order by datname) from pg_database')) as string[];
}

beforeAll(async () => {
  pg = await startPostgres();
  root = tempDir('flightdeck-backup-pg-');
  wrappers = programDir();
  toolLog = join(wrappers, 'calls.jsonl');
  writeWrappers(wrappers, pg.binDir, toolLog, pg.password);
  seed('shop');
});

afterAll(async () => {
  await pg?.stop();
  root?.remove();
  if (wrappers) rmSync(wrappers, { recursive: true, force: true });
});

describe('PostgreSQL backup', () => {
  let backupDir: string;

  it('backs up several tables, verifies with pg_restore --list and a restore test, and seals the result with SHA256SUMS', async () => {
    rmSync(toolLog, { force: true });
    const progress: BackupProgress[] = [];
    const result = await runBackup({
      engine: engine('shop'),
      root: root.path,
      name: 'shop',
      retention: { keep: null, maxAgeDays: null },
      signal: new AbortController().signal,
      onProgress: (p) => progress.push(p),
      verify: { restoreTest: true },
    });
    backupDir = result.dir;

    expect(result.facts).toMatchObject({ 'rows.public.customers': 20000, 'rows.public.orders': 30000, 'rows.audit.events': 45000, 'rows.public.empty_one': 0, tables: 4, rows: 95000, database: 'shop' });
    expect(result.checks.join('\n')).toMatch(/pg_restore --list reads database\.dump: custom format, data for 4 table\(s\) as dumped/);
    expect(result.checks.join('\n')).toMatch(/restored into scratch database flightdeck_restore_[0-9a-f]+: 4 table\(s\), 95000 rows/);
    expect(result.files.map((f) => f.path).sort()).toEqual(['backup.json', DUMP_FILE]);
    expect(result.dir).not.toMatch(/partial/);

    // The standard tools accept it with no Flightdeck involved.
    const sums = await run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: result.dir });
    expect(sums.stdout).toContain(`${DUMP_FILE}: OK`);
    const list = await run(join(pg.binDir, 'pg_restore'), ['--list', join(result.dir, DUMP_FILE)]);
    expect(list.stdout).toMatch(/TABLE DATA audit events/);

    // The scratch database is gone again.
    expect(databases().filter((d) => d.startsWith('flightdeck_restore_'))).toEqual([]);

    // Progress went through the phases with bytes growing and a row total from the planner.
    const phases = [...new Set(progress.map((p) => p.phase))];
    expect(phases).toEqual(['estimating', 'dumping', 'verifying', 'restore-test', 'finishing']);
    const dumping = progress.filter((p) => p.phase === 'dumping');
    expect(dumping.at(-1)!.bytes).toBe(result.files.find((f) => f.path === DUMP_FILE)!.bytes);
    expect(dumping.some((p) => p.unit === 'rows' && (p.total ?? 0) > 50000)).toBe(true);

    const listed = await listBackups(root.path, 'shop');
    expect(listed).toEqual([{ dir: result.dir, name: 'shop', engine: 'postgres', createdAt: expect.any(String), bytes: result.bytes }]);
    const verified = await verifyBackupDir(result.dir, verifiers, new AbortController().signal);
    expect(verified.meta).toMatchObject({ engine: 'postgres', name: 'shop', source: `postgres://flightdeck@127.0.0.1:${pg.port}/shop` });
    expect(verified.meta.tools.pg_dump).toMatch(/^\d+\.\d+/);
    expect(JSON.stringify(verified.meta)).not.toContain(pg.password);
  });

  it('keeps the password out of argv and the environment: a private 0600 passfile, removed afterwards', () => {
    const calls = toolCalls();
    expect(calls.map((c) => c.tool)).toEqual(expect.arrayContaining(['pg_dump', 'pg_restore']));
    // Only the calls that connect: --version and the offline reads of the dump (--list, --file /dev/null) need no password.
    for (const call of calls.filter((c) => !c.argv.includes('--version') && !c.argv.includes('--list') && !c.argv.includes('--file'))) {
      expect(call.argv.join(' ')).not.toContain(pg.password);
      expect(JSON.stringify(call.env)).not.toContain(pg.password);
      expect(call.env.PGPASSWORD).toBeUndefined();
      expect(call.passfile).toEqual({ exists: true, mode: 0o600, holdsPassword: true });
      expect(existsSync(call.env.PGPASSFILE!)).toBe(false);
    }
  });

  it('restores into another database with pg_restore, all or nothing', async () => {
    pg.psql('create database shop_copy');
    const target = engine('shop_copy');
    const context = { signal: new AbortController().signal, progress: () => undefined };
    expect(await target.restore(backupDir, context)).toMatch(/pg_restore put database\.dump into .*shop_copy in one transaction/);
    expect(rowCounts('shop_copy')).toEqual(EXPECTED_ROWS);

    // Without --clean a second restore collides with what is there, and the single transaction leaves it untouched.
    pg.psql('delete from orders where id > 100', 'shop_copy');
    await expect(target.restore(backupDir, context)).rejects.toThrow(/pg_restore exited with status 1: .*already exists/);
    expect(rowCounts('shop_copy').orders).toBe(100);

    // With --clean (the plan says so) the database is back to the backup.
    await target.restore(backupDir, context, { clean: true });
    expect(rowCounts('shop_copy')).toEqual(EXPECTED_ROWS);
  });

  it('fails a wrong password with the reason, the password nowhere, nothing kept', async () => {
    const wrong = 'Wr0ng-pa55word-7e1f';
    rmSync(toolLog, { force: true });
    const error = await runBackup({
      engine: engine('shop', wrong),
      root: root.path,
      name: 'wrong-password',
      retention: { keep: null, maxAgeDays: null },
      signal: new AbortController().signal,
      onProgress: () => undefined,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlightdeckError);
    expect((error as FlightdeckError).message).toMatch(/password authentication failed for user "flightdeck"/);
    expect((error as FlightdeckError).code).toBe('forbidden');
    expect(JSON.stringify({ ...(error as FlightdeckError).toInfo(), stack: (error as Error).stack })).not.toContain(wrong);
    expect(await listBackups(root.path, 'wrong-password')).toEqual([]);
    expect(readdirSync(join(root.path, 'wrong-password'))).toEqual([]);
    for (const call of toolCalls()) expect(JSON.stringify(call)).not.toContain(wrong);
  });

  it('pg_restore refusing the password says so too (the tool itself, no driver in between)', async () => {
    const wrong = 'An0ther-wr0ng-9c2d';
    rmSync(toolLog, { force: true });
    const error = await engine('shop_copy', wrong)
      .restore(backupDir, { signal: new AbortController().signal, progress: () => undefined })
      .catch((e: unknown) => e);
    expect((error as FlightdeckError).message).toMatch(/pg_restore exited with status 1: .*password authentication failed for user "flightdeck"/);
    expect((error as FlightdeckError).code).toBe('forbidden');
    expect((error as Error).message).not.toContain(wrong);
    const calls = toolCalls();
    expect(calls).toHaveLength(1);
    expect(JSON.stringify(calls[0]!.argv) + JSON.stringify(calls[0]!.env)).not.toContain(wrong);
    expect(calls[0]!.passfile).toEqual({ exists: true, mode: 0o600, holdsPassword: false });
    expect(existsSync(calls[0]!.env.PGPASSFILE!)).toBe(false);
  });
});

describe('the pipeline around it', () => {
  it('names the file that is wrong when a backup was tampered with, and stops listing one without its seal', async () => {
    const [latest] = await listBackups(root.path, 'shop');
    const copyRoot = tempDir('flightdeck-backup-tamper-');
    try {
      const copy = join(copyRoot.path, 'shop', 'copy');
      cpSync(latest!.dir, copy, { recursive: true });
      const signal = new AbortController().signal;
      expect((await verifyBackupDir(copy, verifiers, signal)).checks[0]).toMatch(/^2 file\(s\), \d+ bytes, match SHA256SUMS$/);

      const dump = join(copy, DUMP_FILE);
      const bytes = readFileSync(dump);
      const middle = bytes.length >> 1;
      bytes[middle] = bytes[middle]! ^ 0xff;
      writeFileSync(dump, bytes);
      const damaged = await verifyBackupDir(copy, verifiers, signal).catch((e: unknown) => e);
      expect((damaged as FlightdeckError).file).toBe(dump);
      expect((damaged as FlightdeckError).message).toMatch(/^database\.dump does not match its checksum/);
      // The standard tool agrees.
      await expect(run('sha256sum', ['-c', 'SHA256SUMS'], { cwd: copy })).rejects.toThrow(/computed checksum did NOT match/);

      writeFileSync(join(copy, 'stray.txt'), 'x');
      const stray = await verifyBackupDir(copy, verifiers, signal).catch((e: unknown) => e);
      expect((stray as FlightdeckError).message).toBe('stray.txt is in the backup directory but not in its SHA256SUMS');

      expect((await listBackups(copyRoot.path)).map((b) => b.dir)).toEqual([copy]);
      rmSync(join(copy, 'SHA256SUMS'));
      expect(await listBackups(copyRoot.path)).toEqual([]);
      await expect(verifyBackupDir(copy, verifiers, signal)).rejects.toThrow(/is not a complete backup: it has no SHA256SUMS/);
    } finally {
      copyRoot.remove();
    }
  });

  it('applies retention only once the new backup is complete: keep the 2 newest, drop what is older than 10 days', async () => {
    pg.psql('create database tiny');
    pg.psql('create table t (id int); insert into t select generate_series(1, 10)', 'tiny');
    const days = [30, 20, 5, 0];
    const made: string[] = [];
    const removed: string[][] = [];
    for (const [index, ago] of days.entries()) {
      const when = new Date(Date.UTC(2026, 4, 31) - ago * 86_400_000);
      const result = await runBackup({
        engine: engine('tiny'),
        root: root.path,
        name: 'tiny',
        retention: index < 3 ? { keep: null, maxAgeDays: null } : { keep: 2, maxAgeDays: 10 },
        signal: new AbortController().signal,
        onProgress: () => undefined,
        now: () => when,
      });
      made.push(result.dir);
      removed.push(result.removedByRetention);
    }
    expect(removed.slice(0, 3)).toEqual([[], [], []]);
    expect([...removed[3]!].sort()).toEqual([made[0], made[1]].sort());
    expect((await listBackups(root.path, 'tiny')).map((b) => b.dir)).toEqual([made[3], made[2]]);
    expect(readdirSync(join(root.path, 'tiny')).sort()).toEqual([made[2]!, made[3]!].map((d) => basename(d)).sort());
  });
});

describe('hostile names are literal names', () => {
  const NAMES = [';rm -rf /', '$(id)', 'new\nline', '--file=/tmp/x', '-h evil', 'dbname=postgres', "it's \\ odd"];

  beforeAll(async () => {
    rmSync('/tmp/x', { force: true });
    for (const name of NAMES) {
      pg.psql(`create database ${quote(name)}`);
      // The driver sends the name in the startup packet as it is (psql -d would read "dbname=postgres" as a connection string).
      const client = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database: name });
      await client.connect();
      try {
        await client.query(`create table ${quote(name)} (id int, label text)`);
        await client.query(`insert into ${quote(name)} select g, $1 from generate_series(1, 321) g`, [name]);
      } finally {
        await client.end();
      }
    }
  });

  it.each(NAMES.map((name, index) => [JSON.stringify(name), name, index] as const))('backs up database and table %s as themselves', async (_label, name, index) => {
    const result = await runBackup({
      engine: engine(name),
      root: root.path,
      name: `hostile-${index}`,
      retention: { keep: null, maxAgeDays: null },
      signal: new AbortController().signal,
      onProgress: () => undefined,
      verify: { restoreTest: index === 0 || index === 5 },
    });
    const key = Object.keys(result.facts).filter((k) => k.startsWith('rows.'));
    expect(key).toEqual([`rows.public."${name.replace(/"/g, '""')}"`]);
    expect(result.facts[key[0]!]).toBe(321);
    expect(result.facts.database).toBe(name);
    const list = await run(join(pg.binDir, 'pg_restore'), ['--list', join(result.dir, DUMP_FILE)]);
    // The archive's header names the database dumped: the literal name, not `postgres` or anything else.
    // (pg_restore prints a line break in a name as a space.)
    expect(list.stdout).toContain(`;     dbname: ${name.replace(/\n/g, ' ')}\n`);
    expect(existsSync('/tmp/x')).toBe(false);
  });

  it('created nothing outside the backups and left no scratch database', () => {
    expect(existsSync('/tmp/x')).toBe(false);
    expect(databases().filter((d) => d.startsWith('flightdeck_restore_'))).toEqual([]);
    for (const name of NAMES) expect(databases()).toContain(name);
    for (const entry of readdirSync(root.path).filter((e) => e.startsWith('hostile-'))) {
      for (const dir of readdirSync(join(root.path, entry))) expect(statSync(join(root.path, entry, dir, 'SHA256SUMS')).isFile()).toBe(true);
    }
  });
});
