/**
 * A backup that runs out of room fails cleanly and says why: on a real
 * 2 MB tmpfs (when this machine lets the test mount one) the disk fills
 * ("no space left on device"), and under a file-size limit set with
 * prlimit the dump file hits it ("file too large"). Either way nothing is
 * left that is listed as a backup. The free-disk check refuses up front
 * when the estimate does not fit, before anything is written.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, runBackup } from '../../src/main/services/backups/backup-pipeline';
import { PostgresBackupEngine } from '../../src/main/services/backups/postgres-backup';
import { FlightdeckError } from '../../src/shared/errors';
import { startPostgres, type PostgresServer } from '../support/servers';

const run = promisify(execFile);
let pg: PostgresServer;
let work: string;
let child: string;

/** Whether this machine lets us mount a tmpfs (root in CI; not in an unprivileged container). */
function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'flightdeck-mount-probe-'));
  try {
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]).status !== 0) return false;
    spawnSync('umount', [probe]);
    return true;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const tmpfsAllowed = canMountTmpfs();
if (!tmpfsAllowed) console.warn('backup-disk-full: mounting a tmpfs is not permitted here (needs root on Linux); the tmpfs case is skipped, the file-size-limit case still runs.');
const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
if (!hasPrlimit) console.warn('backup-disk-full: prlimit (util-linux) is missing; the file-size-limit case is skipped.');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flightdeck-backup-full-'));
  child = join(work, 'backup-child.cjs');
  await build({ entryPoints: [join(__dirname, '../support/backup-child.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: child, logLevel: 'warning', external: ['pg-native'] });
  pg = await startPostgres();
  pg.psql('create database filler');
  // A dump of several MB: more than the 2 MB tmpfs and the 1 MB file-size limit hold.
  pg.psql(`create table blobs (id bigint, body text); insert into blobs select g, md5(g::text) || md5(random()::text) from generate_series(1, 120000) g;`, 'filler');
});

afterAll(async () => {
  await pg?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function engine(): PostgresBackupEngine {
  return new PostgresBackupEngine({ url: pg.url('filler'), password: pg.password, binDir: pg.binDir });
}

describe.skipIf(!tmpfsAllowed)('a full disk (2 MB tmpfs)', () => {
  let mountPoint: string;

  beforeAll(async () => {
    mountPoint = join(work, 'small');
    mkdirSync(mountPoint);
    await run('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint]);
  });

  afterAll(async () => {
    if (mountPoint) await run('umount', [mountPoint]).catch(() => undefined);
  });

  it('fails with "no space left on device", removes what it wrote, lists nothing', async () => {
    const error = await runBackup({
      engine: engine(),
      root: mountPoint,
      name: 'filler',
      retention: { keep: null, maxAgeDays: null },
      signal: new AbortController().signal,
      onProgress: () => undefined,
      // The estimate is wrong on purpose (as when a database grew since): the real disk has to say no.
      freeBytes: async () => Number.MAX_SAFE_INTEGER,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlightdeckError);
    expect((error as FlightdeckError).message).toMatch(/^The backup failed: no space left on device in .*small\/filler .*ENOSPC.*; nothing was kept$/);
    expect(await listBackups(mountPoint)).toEqual([]);
    expect(readdirSync(join(mountPoint, 'filler'))).toEqual([]);
    // The space is free again for the next attempt.
    const { stdout } = await run('df', ['--output=used', '-B1', mountPoint]);
    expect(Number(stdout.trim().split('\n')[1])).toBeLessThan(64 * 1024);
  });
});

describe.skipIf(!hasPrlimit)('a file-size limit (prlimit --fsize)', () => {
  it('fails with "file too large" in a process under the limit, and nothing is listed', async () => {
    const root = join(work, 'limited');
    const options = { root, name: 'filler', url: pg.url('filler'), password: pg.password, binDir: pg.binDir, killAt: null, minBytes: 0 };
    const result = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const proc = spawn('prlimit', ['--fsize=1000000', '--', process.execPath, child, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
      proc.once('error', reject);
      proc.once('close', (code) => resolve({ code, output }));
    });
    expect(result.code, result.output).toBe(2);
    expect(result.output).toMatch(/^ERROR The backup failed: file too large for .*limited\/filler .*EFBIG.*; nothing was kept$/m);
    expect(await listBackups(root)).toEqual([]);
    expect(readdirSync(join(root, 'filler'))).toEqual([]);
  });
});

describe('the free-disk check', () => {
  it('refuses before writing anything when the estimate does not fit, naming the directory and both sizes', async () => {
    const root = join(work, 'refused');
    const error = await runBackup({
      engine: engine(),
      root,
      name: 'filler',
      retention: { keep: null, maxAgeDays: null },
      signal: new AbortController().signal,
      onProgress: () => undefined,
      freeBytes: async () => 5 * 1024 * 1024,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlightdeckError);
    expect((error as FlightdeckError).code).toBe('too-large');
    expect((error as FlightdeckError).message).toMatch(/^Not enough free space in .*refused\/filler: the backup is estimated at \d+(\.\d)? MiB \(\d+(\.\d)? MiB with margin\), but only 5 MiB is free$/);
    expect(existsSync(join(root, 'filler')) ? readdirSync(join(root, 'filler')) : []).toEqual([]);
  });
});
