/**
 * The backup service against a real PostgreSQL and a real redis-server: a
 * backup is one journaled action whose evidence (location, size, manifest
 * checksum, checks) is journaled as backup.verified only when the files
 * are complete and verified; a wrong password fails plainly without the
 * password anywhere; cancel halfway and SIGKILL halfway leave nothing that
 * is listed or presented as a backup, and the restart closes the killed
 * action as failed and clears its scratch files.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupProgressEvent } from '../../src/shared/control-model';
import { EnvSecretResolver } from '../../src/main/cli/env-secrets';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import { listBackups } from '../../src/main/services/backups/backup-pipeline';
import { BackupService, CANCELLED_MESSAGE, INTERRUPTED_BACKUP } from '../../src/main/services/backups/backup-service';
import { ActionLog } from '../../src/main/services/flags/action-log';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../support/servers';

const PG_PASSWORD = 'pg-Secret-for-backups-7731';
let pg: PostgresServer;
let redis: RedisServer;
let work: string;
let child: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flightdeck-backup-service-'));
  child = join(work, 'backup-service-child.cjs');
  await build({ entryPoints: [join(__dirname, '../support/backup-service-child.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: child, logLevel: 'warning' });
  pg = await startPostgres({ password: PG_PASSWORD });
  pg.psql('create database shop');
  pg.psql(
    [
      'create table customers (id serial primary key, email text not null)',
      "insert into customers (email) select 'user' || g || '@example.com' from generate_series(1, 2000) g",
      // Big enough that a dump takes a while: md5 text barely compresses.
      'create table orders (id serial primary key, customer_id int not null, note text not null)',
      'insert into orders (customer_id, note) select g % 2000 + 1, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text) from generate_series(1, 400000) g',
    ].join(';'),
    'shop',
  );
  redis = await startRedis();
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  await redis?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

interface Harness {
  service: BackupService;
  log: ActionLog;
  root: string;
  progress: BackupProgressEvent[];
}

function harness(name: string, options: { password?: string; backups?: unknown[]; logDir?: string } = {}): Harness {
  const root = join(work, name, 'backups');
  const log = ActionLog.open(options.logDir ?? join(work, name, 'log'));
  const progress: BackupProgressEvent[] = [];
  const profile = ProfileSchema.parse({
    backups: options.backups ?? [{ name: 'shop', engine: 'postgres', url: pg.url('shop'), password: { secret: 'pg' } }],
  });
  const secrets = new EnvSecretResolver({ FLIGHTDECK_SECRET_PG: options.password ?? PG_PASSWORD, FLIGHTDECK_SECRET_PG_SCOPE: profile.backups.map((b) => b.url).join(' ') });
  const redactor = new SecretRedactor();
  for (const [secretName, value] of secrets.entries()) redactor.add(secretName, value);
  const service = new BackupService({
    targets: profile.backups,
    baseDir: work,
    defaultRoot: root,
    secrets,
    journal: log,
    runner: new ActionRunner({ journal: log, redactor }),
    onProgress: (event) => progress.push(event),
  });
  return { service, log, root, progress };
}

/** Every file under a directory, relative paths. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1));
}

describe('PostgreSQL backups through the service', () => {
  it('journals the intent, streams progress, and journals the evidence of a verified backup', async () => {
    const { service, log, root, progress } = harness('verified');
    const record = await service.run({ backup: 'shop', itemId: 'item-backup' }, 'alice');
    expect(record).toMatchObject({ kind: 'backup', outcome: 'ok' });
    expect(record.message).toMatch(/^verified: /);

    const types = log.entries().map((e) => e.type);
    expect(types).toEqual(['action.started', 'backup.verified', 'action.finished']);
    const verified = log.entries()[1]!.data as Record<string, unknown>;
    expect(verified).toMatchObject({ name: 'shop', engine: 'postgres', itemId: 'item-backup', actionId: record.id });
    const location = String(verified.location);
    // The checksum the item shows is the sha256 of the manifest on disk, which lists every file.
    const manifest = readFileSync(join(location, 'SHA256SUMS'));
    expect(verified.manifestSha256).toBe(createHash('sha256').update(manifest).digest('hex'));
    expect(manifest.toString()).toContain('database.dump');
    expect(verified.bytes).toBeGreaterThan(10_000_000);
    expect((verified.checks as string[]).join(' ')).toMatch(/pg_restore/);

    // Listed as the newest complete backup of the target.
    expect((await listBackups(root, 'shop'))[0]?.dir).toBe(location);
    // Progress went to the screen while it ran: bytes and rows, then verification.
    const phases = new Set(progress.map((p) => p.progress.phase));
    expect(phases.has('dumping')).toBe(true);
    expect(phases.has('verifying')).toBe(true);
    expect(progress.some((p) => p.progress.unit === 'rows' && (p.progress.done ?? 0) > 0)).toBe(true);
    expect(progress.every((p) => p.actionId === record.id && p.name === 'shop')).toBe(true);

    const view = service.views()[0]!;
    expect(view.verified).toMatchObject({ location, manifestSha256: verified.manifestSha256, by: 'alice', restoreTested: false });
    expect(view.running).toBeNull();
    log.close();
  }, 120_000);

  it('a wrong password fails with a clear message and the password is nowhere in the journal', async () => {
    const wrong = 'not-the-Password-42';
    const { service, log, root } = harness('wrong-password', { password: wrong });
    const record = await service.run({ backup: 'shop' }, 'alice');
    expect(record.outcome).toBe('failed');
    expect(record.message).toMatch(/password/i);
    expect(record.message).toContain('nothing kept');
    const journal = readFileSync(join(work, 'wrong-password', 'log', 'journal.jsonl'), 'utf8');
    expect(journal).not.toContain(wrong);
    expect(journal).not.toContain(PG_PASSWORD);
    expect(log.entries().some((e) => e.type === 'backup.verified')).toBe(false);
    expect(await listBackups(root)).toEqual([]);
    log.close();
  }, 60_000);

  it('cancel halfway ends failed with nothing kept: no file is left that could pass for a backup', async () => {
    const { service, log, root, progress } = harness('cancel');
    const started = await service.start({ backup: 'shop' }, 'alice');
    await expect.poll(() => progress.some((p) => p.progress.phase === 'dumping' && p.progress.bytes > 0), { timeout: 30_000, interval: 20 }).toBe(true);
    service.cancel(started.actionId);
    const record = await started.done;
    expect(record).toMatchObject({ outcome: 'failed', message: CANCELLED_MESSAGE });
    expect(await listBackups(root)).toEqual([]);
    expect(filesUnder(root)).toEqual([]);
    expect(log.entries().some((e) => e.type === 'backup.verified')).toBe(false);
    expect(() => service.cancel(started.actionId)).toThrow(/No backup .* is running/);
    log.close();
  }, 60_000);

  it('SIGKILL halfway: the restart closes the action as failed, removes the partial files, and a new backup works', async () => {
    const logDir = join(work, 'crash', 'log');
    const root = join(work, 'crash', 'backups');
    const killed = await new Promise<{ signal: NodeJS.Signals | null; output: string }>((resolve, reject) => {
      const proc = spawn(process.execPath, [child, JSON.stringify({ logDir, root, url: pg.url('shop'), password: PG_PASSWORD })], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      proc.stdout.setEncoding('utf8');
      proc.stdout.on('data', (text: string) => {
        output += text;
        if (output.includes('DUMPING')) proc.kill('SIGKILL');
      });
      proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
      proc.on('error', reject);
      proc.on('close', (_code, signal) => {
        clearTimeout(timer);
        resolve({ signal, output });
      });
    });
    expect(killed.signal, killed.output).toBe('SIGKILL');
    expect(killed.output).not.toContain('RESULT');
    // The crash left scratch files behind, and none of them is listed as a backup.
    expect(filesUnder(root).length).toBeGreaterThan(0);
    expect(await listBackups(root)).toEqual([]);

    const { service, log } = harness('crash', { logDir });
    const removed = await service.ready;
    expect(removed.length).toBe(1);
    expect(filesUnder(root)).toEqual([]);
    const finished = log.entries().filter((e) => e.type === 'action.finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]!.data).toMatchObject({ outcome: 'failed', message: INTERRUPTED_BACKUP });
    expect(service.views()[0]!.last).toMatchObject({ outcome: 'failed', message: INTERRUPTED_BACKUP });

    const again = await service.run({ backup: 'shop' }, 'alice');
    expect(again.outcome).toBe('ok');
    expect(await listBackups(root)).toHaveLength(1);
    log.close();
  }, 120_000);
});

describe('Redis backups through the service', () => {
  it('a restore test loads the dump into a scratch server and the evidence says so', async () => {
    const client = new Redis(redis.url);
    try {
      const pipeline = client.pipeline();
      for (let i = 0; i < 1500; i += 1) pipeline.set(`cart:${i}`, `items-${i}`);
      await pipeline.exec();
    } finally {
      client.disconnect();
    }
    const { service, log } = harness('redis', { backups: [{ name: 'cache', engine: 'redis', url: redis.url }] });
    const record = await service.run({ backup: 'cache', restoreTest: true }, 'alice');
    expect(record.outcome, record.message).toBe('ok');
    const evidence = service.views()[0]!.verified!;
    expect(evidence.restoreTested).toBe(true);
    expect(evidence.checks.join(' ')).toMatch(/1500/);
    expect(existsSync(join(evidence.location, 'dump.rdb'))).toBe(true);
    log.close();
  }, 120_000);
});
