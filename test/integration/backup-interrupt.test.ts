/**
 * A backup cut short, by cancel or by SIGKILL of the whole process, at any
 * point: nothing is left that is listed or presented as a complete backup,
 * no directory carries a SHA256SUMS without being whole, pg_dump does not
 * run on, and removePartials clears what a crash left behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupProgress } from '../../src/main/services/backups/backup-engine';
import { listBackups, removePartials, runBackup, verifyBackupDir } from '../../src/main/services/backups/backup-pipeline';
import { PostgresBackupEngine, verifyPostgresDump } from '../../src/main/services/backups/postgres-backup';
import { FlightdeckError } from '../../src/shared/errors';
import { runTool } from '../../src/main/services/backups/child-tool';
import { removeStalePassfiles } from '../../src/main/services/backups/pg-passfile';
import { programDir, writeProgram } from '../support/command-programs';
import { runMarkedChild, type MarkedChildRun } from '../support/marked-child';
import { startPostgres, type PostgresServer } from '../support/servers';
import { waitFor } from '../support/wait';

const MIN_BYTES = 2 * 1024 * 1024;
let pg: PostgresServer;
let work: string;
let child: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flightdeck-backup-interrupt-'));
  child = join(work, 'backup-child.cjs');
  await build({ entryPoints: [join(__dirname, '../support/backup-child.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: child, logLevel: 'warning', external: ['pg-native'] });
  pg = await startPostgres();
  pg.psql('create database big');
  // About 40 MB of text that compresses poorly enough for a dump of several MB, so "halfway" exists.
  pg.psql(
    `create table notes (id bigint, body text);
     insert into notes select g, md5(g::text) || md5(random()::text) || md5(random()::text) from generate_series(1, 300000) g;
     create table tags (id bigint, tag text);
     insert into tags select g, md5(random()::text) from generate_series(1, 100000) g;`,
    'big',
  );
});

afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const verifiers = {
  postgres: verifyPostgresDump,
  redis: () => Promise.reject(new Error('not redis')),
  mongodb: () => Promise.reject(new Error('not mongodb')),
};

/** Every directory under root holding a SHA256SUMS, each paired with whether it passes a full verification. */
async function sealedDirectories(root: string): Promise<{ dir: string; whole: boolean; partial: boolean }[]> {
  const found: { dir: string; whole: boolean; partial: boolean }[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const full = join(dir, entry.name);
      if (existsSync(join(full, 'SHA256SUMS'))) {
        const whole = await verifyBackupDir(full, verifiers, new AbortController().signal).then(
          () => true,
          () => false,
        );
        found.push({ dir: full, whole, partial: full.includes('.partial') });
      }
      await walk(full);
    }
  };
  if (existsSync(root)) await walk(root);
  return found;
}

/** Connections pg_dump (or our driver) still holds to the database. */
function backupConnections(): number {
  return Number(pg.psql("select count(*) from pg_stat_activity where datname = 'big' and application_name like 'flightdeck%'").trim());
}

describe('cancel', () => {
  it('cancelled halfway through the dump: an error that says so, nothing listed, nothing left, pg_dump gone', async () => {
    const root = join(work, 'cancel');
    const controller = new AbortController();
    const seen: BackupProgress[] = [];
    const error = await runBackup({
      engine: new PostgresBackupEngine({ url: pg.url('big'), password: pg.password, binDir: pg.binDir }),
      root,
      name: 'big',
      retention: { keep: null, maxAgeDays: null },
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.phase === 'dumping' && p.bytes >= MIN_BYTES) controller.abort(new Error('cancelled by the operator'));
      },
    }).catch((e: unknown) => e);
    expect(seen.some((p) => p.phase === 'dumping' && p.bytes >= MIN_BYTES)).toBe(true);
    expect(error).toBeInstanceOf(FlightdeckError);
    expect((error as FlightdeckError).message).toMatch(/The backup stopped before it was complete \(cancelled by the operator\); its unfinished directory .*\.partial was removed/);
    expect(await listBackups(root)).toEqual([]);
    expect(readdirSync(join(root, 'big'))).toEqual([]);
    expect(await sealedDirectories(root)).toEqual([]);
    await waitFor('pg_dump and the driver to disconnect', () => backupConnections() === 0, { lastSeen: () => `${backupConnections()} connection(s)` });
  });
});

describe('password files a crash left behind', () => {
  it('are removed when their process is gone, kept while it runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flightdeck-pgpass-sweep-'));
    try {
      const dead = spawnSync(process.execPath, ['-e', '']).pid!;
      mkdirSync(join(dir, `flightdeck-pgpass-${dead}-abc123`));
      mkdirSync(join(dir, `flightdeck-pgpass-${process.pid}-def456`));
      mkdirSync(join(dir, 'flightdeck-other-1'));
      expect(await removeStalePassfiles(dir)).toEqual([join(dir, `flightdeck-pgpass-${dead}-abc123`)]);
      expect(readdirSync(dir).sort()).toEqual(['flightdeck-other-1', `flightdeck-pgpass-${process.pid}-def456`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a tool that ignores SIGTERM', () => {
  it('is killed with SIGKILL after the grace, and the run ends promptly', async () => {
    const programs = programDir();
    try {
      const stubborn = writeProgram(programs, 'stubborn', `process.on('SIGTERM', () => process.stdout.write('ignoring SIGTERM\\n')); process.stderr.write('started\\n'); setInterval(() => undefined, 1000);`);
      const controller = new AbortController();
      const started = performance.now();
      const exit = runTool(stubborn, [], {
        env: process.env,
        signal: controller.signal,
        graceMs: 300,
        onStderrLine: (line) => {
          if (line === 'started') controller.abort();
        },
      });
      const result = await exit;
      expect(result.signal).toBe('SIGKILL');
      expect(result.stderr).toEqual(['started']);
      expect(performance.now() - started).toBeLessThan(10_000);
    } finally {
      rmSync(programs, { recursive: true, force: true });
    }
  });
});

function runChild(root: string, killAt: 'dumping' | 'verifying' | 'finishing' | null): Promise<MarkedChildRun> {
  const options = { root, name: 'big', url: pg.url('big'), password: pg.password, binDir: pg.binDir, killAt, minBytes: MIN_BYTES };
  // The child marks only the point it was asked to stop at.
  return runMarkedChild(child, options, { killAt: () => true });
}

describe('SIGKILL', () => {
  it.each(['dumping', 'verifying', 'finishing'] as const)('killed while %s: nothing listed or sealed, and removePartials clears the rest', async (killAt) => {
    const root = join(work, `kill-${killAt}`);
    const run = await runChild(root, killAt);
    expect(run.marks, run.output).toEqual([killAt]);
    expect(run.signal).toBe('SIGKILL');

    expect(await listBackups(root)).toEqual([]);
    expect(await listBackups(root, 'big')).toEqual([]);
    // No directory carries a SHA256SUMS without being whole; the crash left one partial directory.
    expect((await sealedDirectories(root)).filter((d) => !d.whole || !d.partial)).toEqual([]);
    const left = readdirSync(join(root, 'big'));
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/\.\d+\.partial$/);

    // The password file went as soon as pg_dump had connected: a crash leaves no password on disk.
    expect(readdirSync(tmpdir()).filter((e) => e.startsWith(`flightdeck-pgpass-${run.pid}-`))).toEqual([]);

    // pg_dump lost its reader and stopped; the server is not still serving a dump nobody reads.
    await waitFor('pg_dump and the driver to disconnect', () => backupConnections() === 0, { lastSeen: () => `${backupConnections()} connection(s)` });

    expect(await removePartials(root)).toEqual([join(root, 'big', left[0]!)]);
    expect(readdirSync(join(root, 'big'))).toEqual([]);
  });

  it('a run after the crash completes, and is the only backup listed', async () => {
    const root = join(work, 'kill-dumping');
    const run = await runChild(root, null);
    expect(run.output).toMatch(/^RESULT /m);
    const listed = await listBackups(root);
    expect(listed).toHaveLength(1);
    expect((await verifyBackupDir(listed[0]!.dir, verifiers, new AbortController().signal)).checks.join('\n')).toMatch(/match SHA256SUMS[\s\S]*pg_restore --list/);
  });
});
