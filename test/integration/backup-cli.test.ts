/**
 * `flightdeck backup` in-process with a capturing Io, against a real
 * password-protected redis-server and PostgreSQL: exit 0 only for a
 * verified backup, progress on stderr, the same journal entries as the
 * app, the password only from FLIGHTDECK_SECRET_* and never printed or
 * journaled; and `flightdeck backup verify DIR`, which holds for an intact
 * backup and names the file when one byte changed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupCommand } from '../../src/main/cli/backup-commands';
import { readJournalFile } from '../../src/main/services/journal/journal';
import { tempDir } from '../support/app';
import { captureIo, profileArg, trustFile } from '../support/cli';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../support/servers';

const REDIS_PASSWORD = 'cli-backup-Redis-pw-5150';
const PG_PASSWORD = 'cli-backup-Pg-pw-8086';
let redis: RedisServer;
let pg: PostgresServer;
let work: ReturnType<typeof tempDir>;
let profileFile: string;

async function backup(args: string[], extraEnv: Record<string, string> = {}) {
  const io = captureIo();
  const env = { FLIGHTDECK_HOME: join(work.path, 'home'), USER: 'ops', FLIGHTDECK_SECRET_REDIS_PASSWORD: REDIS_PASSWORD, FLIGHTDECK_SECRET_PG_PASSWORD: PG_PASSWORD, FLIGHTDECK_SECRET_REDIS_PASSWORD_SCOPE: redis.url, FLIGHTDECK_SECRET_PG_PASSWORD_SCOPE: pg.url('postgres'), ...extraEnv };
  const profile = profileArg(args);
  if (profile) await trustFile(profile, env.FLIGHTDECK_HOME);
  const code = await backupCommand(args, io, { env });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

beforeAll(async () => {
  [redis, pg] = await Promise.all([startRedis({ password: REDIS_PASSWORD }), startPostgres({ password: PG_PASSWORD })]);
  const client = new Redis(redis.url, { password: REDIS_PASSWORD });
  try {
    const pipeline = client.pipeline();
    for (let i = 0; i < 800; i += 1) pipeline.set(`session:${i}`, `user-${i}`);
    await pipeline.exec();
  } finally {
    client.disconnect();
  }
  pg.psql("create table accounts (id serial primary key, name text); insert into accounts (name) select 'a' || g from generate_series(1, 20000) g");
  work = tempDir('flightdeck-backup-cli-');
  profileFile = join(work.path, 'prod.flightdeck.yaml');
  writeFileSync(
    profileFile,
    `environment: production
backups:
  - name: cache
    engine: redis
    url: "${redis.url}"
    password: { secret: redis-password }
    dir: backups            # relative to this file
  - name: db
    engine: postgres
    url: "${pg.url('postgres')}"
    password: { secret: pg-password }
    dir: backups
`,
  );
}, 120_000);

afterAll(async () => {
  await redis?.stop();
  await pg?.stop();
  work?.remove();
});

describe('flightdeck backup', () => {
  it('takes a verified Redis backup: exit 0, evidence on stdout, progress on stderr, journaled in the log', async () => {
    const logDir = join(work.path, 'log-cache');
    const result = await backup(['--profile', profileFile, 'cache', '--log', logDir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Backup cache: verified — /);
    expect(result.stdout).toMatch(/manifest {2}sha256 [0-9a-f]{64}/);
    expect(result.stdout).toContain(join(work.path, 'backups', 'cache'));
    expect(result.stderr).toMatch(/^cache: dumping /m);
    expect(result.stderr).toContain(`journaled in log ${logDir}`);
    const { entries } = readJournalFile(join(logDir, 'journal.jsonl'));
    expect(entries.map((e) => e.type)).toEqual(['action.started', 'backup.verified', 'action.finished']);
    expect(entries[0]!.by).toBe('ops');
    const text = readFileSync(join(logDir, 'journal.jsonl'), 'utf8') + result.stdout + result.stderr;
    expect(text).not.toContain(REDIS_PASSWORD);
  }, 60_000);

  it('prints JSON with the evidence, and verify DIR holds for it', async () => {
    const result = await backup(['--profile', profileFile, 'db', '--log', join(work.path, 'log-db'), '--json']);
    expect(result.code, result.stderr).toBe(0);
    const out = JSON.parse(result.stdout) as { outcome: string; evidence: { location: string; manifestSha256: string; checks: string[] } };
    expect(out.outcome).toBe('ok');
    expect(out.evidence.checks.join(' ')).toMatch(/pg_restore/);

    const verified = await backup(['verify', out.evidence.location]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('verified postgres backup of db');
  }, 60_000);

  it('verify DIR fails, naming the file, when a byte of the backup changed', async () => {
    const result = await backup(['--profile', profileFile, 'cache', '--log', join(work.path, 'log-tamper'), '--json']);
    const { evidence } = JSON.parse(result.stdout) as { evidence: { location: string } };
    const rdb = join(evidence.location, 'dump.rdb');
    const bytes = readFileSync(rdb);
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
    writeFileSync(rdb, bytes);
    const verified = await backup(['verify', evidence.location]);
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain('does not hold');
    expect(verified.stderr).toContain('dump.rdb');
  }, 60_000);

  it('a missing secret, an unknown target and bad options say what to do', async () => {
    const missing = await backup(['--profile', profileFile, 'db', '--log', join(work.path, 'log-missing')], { FLIGHTDECK_SECRET_PG_PASSWORD: '' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('FLIGHTDECK_SECRET_PG_PASSWORD');
    const unknown = await backup(['--profile', profileFile, 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no backup "nope" (backups: cache, db)');
    const bad = await backup(['--profile', profileFile, 'cache', '--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Usage:');
  }, 60_000);
});
