/**
 * Files only their owner reads, checked on disk: the data directory is
 * 0700 (an existing 0755 one is tightened at start), and every file that
 * Flightdeck writes there is 0600 and every directory 0700: the session's
 * journal, lock, snapshot, runbook copy and metrics, the session index,
 * prefs, a report's PDF and bundle, and real backups, a Redis RDB (written
 * by redis-cli itself) and a PostgreSQL dump (by pg_dump), each with its
 * backup.json and SHA256SUMS. The umask is set to the common 022 for the
 * test, so a mode left to the umask would show as 0644 and fail.
 *
 * MongoDB cannot run here: its BSON writer is checked on its own, and a
 * stand-in engine writes files and a folder the way an outside dump tool
 * would (0644, 0755), to show the pipeline seals whatever an engine wrote.
 */
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import type { BackupEngine } from '../../src/main/services/backups/backup-engine';
import { runBackup } from '../../src/main/services/backups/backup-pipeline';
import { writeBsonFile } from '../../src/main/services/backups/bson-file-writer';
import { DUMP_FILE, PostgresBackupEngine } from '../../src/main/services/backups/postgres-backup';
import { RDB_FILE, RedisBackupEngine } from '../../src/main/services/backups/redis-backup';
import { Journal } from '../../src/main/services/journal/journal';
import { LOCK_FILE } from '../../src/main/services/journal/lock';
import { writeReport, type SignedReport } from '../../src/main/services/signing/report-signer';
import { METRICS_FILE, MetricsRecorder } from '../../src/main/services/telemetry/metrics-recorder';
import type { Cockpit } from '../../src/shared/contract';
import { call, tempDir, testApp } from '../support/app';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../support/servers';

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (m: number) => `0${m.toString(8)}`;

/** Every file and directory under `root` with its mode, as "relative/path 0600". */
function modesUnder(root: string): { files: Map<string, number>; dirs: Map<string, number> } {
  const files = new Map<string, number>();
  const dirs = new Map<string, number>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const name = relative(root, path).split('\\').join('/');
      if (entry.isDirectory()) {
        dirs.set(name, mode(path));
        walk(path);
      } else {
        files.set(name, mode(path));
      }
    }
  };
  walk(root);
  return { files, dirs };
}

const backupOf = (engine: BackupEngine, root: string, name: string) =>
  runBackup({ engine, root, name, retention: { keep: null, maxAgeDays: null }, signal: new AbortController().signal, onProgress: () => undefined });

let redis: RedisServer;
let pg: PostgresServer;
let umask: number;
const dir = tempDir('flightdeck-file-modes-');

beforeAll(async () => {
  // Forked test workers may set the umask; 022 is what most desktops run with.
  umask = process.umask(0o022);
  [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
  const client = new Redis(redis.url);
  await client.mset('release', 'checkout-v2', 'flag:checkout', '10');
  client.disconnect();
  pg.psql('create table orders (id int primary key, total numeric); insert into orders select g, g * 1.5 from generate_series(1, 100) g;');
}, 120_000);

afterAll(async () => {
  process.umask(umask);
  await Promise.all([redis?.stop(), pg?.stop()]);
  dir.remove();
});

describe('files only their owner reads', () => {
  it('keeps the data directory 0700 and everything written into it 0600 (directories 0700)', async () => {
    const data = join(dir.path, 'data');
    mkdirSync(data);
    chmodSync(data, 0o755);
    const runbook = join(dir.path, 'release.md');
    writeFileSync(runbook, '# Release\n\n## Before\n\n- [ ] Database backup created\n- [ ] Team notified\n');

    const app: App = testApp(data);
    try {
      // Tightened at start, before anything is written into it.
      expect(octal(mode(data))).toBe('0700');
      await call(app, 'setOperator', { name: 'Dana' });
      const cockpit = await call<Cockpit>(app, 'openRunbookPath', { path: runbook });
      const sessionDir = cockpit.session!.dir;
      await call(app, 'tickItem', { itemId: cockpit.runbook!.items[0]!.id, checked: true });
      await call(app, 'addNote', { itemId: cockpit.runbook!.items[1]!.id, text: 'told #release' });
      // The lock exists only while the session is open.
      expect(octal(mode(join(sessionDir, LOCK_FILE)))).toBe('0600');

      const recorder = new MetricsRecorder({ file: join(sessionDir, METRICS_FILE), intervalMs: 1000 });
      recorder.addBatch({ series: [{ id: 'shop/error_rate', probe: 'shop', metric: 'error_rate', label: 'Error rate', unit: '%' }], points: { 'shop/error_rate': [[Date.now() - 5000, 0.4], [Date.now(), 0.5]] } });
      recorder.flush();

      // A snapshot, as a long session writes one every 500 entries.
      const journal = Journal.open(join(data, 'sessions', 'snapshot-check'));
      journal.append('session.started', null, {});
      journal.writeSnapshot({ ticks: 1 });
      journal.close();

      // The report files as the export writes them (signing itself is tested in report-signing).
      writeReport(sessionDir, 'report-test', { pdf: new TextEncoder().encode('%PDF-1.7\n%%EOF\n'), bundleText: '{}\n' } as SignedReport);

      const backups = join(data, 'backups');
      await backupOf(new RedisBackupEngine({ url: redis.url }), backups, 'cache');
      await backupOf(new PostgresBackupEngine({ url: pg.url('postgres'), password: pg.password, binDir: pg.binDir }), backups, 'db');
      await backupOf(outsideToolEngine(), backups, 'tool');
    } finally {
      await app.close();
    }

    const { files, dirs } = modesUnder(data);
    const names = [...files.keys()].map((name) => name.replace(/\d{4}-\d\d-\d\dT[\d-]+Z/, '<stamp>').replace(/^sessions\/(?!snapshot-check\/)[^/]+\//, 'sessions/<session>/'));
    // Every kind of file the issue names is there, so the check below covers them.
    expect(names).toEqual(
      expect.arrayContaining([
        'prefs.json',
        'sessions/index.json',
        'sessions/<session>/journal.jsonl',
        'sessions/<session>/runbook.md',
        'sessions/<session>/metrics.jsonl',
        'sessions/<session>/reports/report-test.pdf',
        'sessions/<session>/reports/report-test.bundle.json',
        'sessions/snapshot-check/snapshot.json',
        `backups/cache/<stamp>/${RDB_FILE}`,
        'backups/cache/<stamp>/backup.json',
        'backups/cache/<stamp>/SHA256SUMS',
        `backups/db/<stamp>/${DUMP_FILE}`,
        'backups/db/<stamp>/SHA256SUMS',
        'backups/tool/<stamp>/nested/part-2.bin',
      ]),
    );
    const looseFiles = [...files].filter(([, m]) => m !== 0o600).map(([name, m]) => `${name} ${octal(m)}`);
    const looseDirs = [...dirs].filter(([, m]) => m !== 0o700).map(([name, m]) => `${name} ${octal(m)}`);
    expect(looseFiles).toEqual([]);
    expect(looseDirs).toEqual([]);
    expect(octal(mode(data))).toBe('0700');
  });

  it('writes MongoDB BSON files 0600 (no MongoDB server here: the writer is fed documents directly)', async () => {
    const file = join(dir.path, 'orders.bson');
    await writeBsonFile(file, [{ _id: 1, total: 15 }, { _id: 2, total: 30 }]);
    expect(octal(mode(file))).toBe('0600');
  });
});

/** An engine whose dump tool writes with its own modes, as mongodump or any outside program may. */
function outsideToolEngine(): BackupEngine {
  return {
    engine: 'redis',
    source: 'outside tool',
    estimate: async () => 1024,
    dump: async (target) => {
      writeFileSync(join(target, 'part-1.bin'), 'one', { mode: 0o644 });
      mkdirSync(join(target, 'nested'), { mode: 0o755 });
      writeFileSync(join(target, 'nested', 'part-2.bin'), 'two', { mode: 0o644 });
      return { parts: 2 };
    },
    verify: async () => ['two parts written'],
  };
}
