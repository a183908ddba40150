/**
 * Redis backups against real redis-servers: a source with a password and a
 * few thousand keys of every common type across two dbs, some with TTLs,
 * backed up through the pipeline with `redis-cli --rdb`, verified offline
 * and by loading into a scratch redis-server, then restored into a second
 * real server and compared key by key.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupProgress, EngineContext } from '../../src/main/services/backups/backup-engine';
import { listBackups, runBackup, type BackupResult } from '../../src/main/services/backups/backup-pipeline';
import { compareKeyCounts, RDB_FILE, RedisBackupEngine, verifyRedisDump } from '../../src/main/services/backups/redis-backup';
import { FlightdeckError } from '../../src/shared/errors';
import { tempDir } from '../support/app';
import { startRedis, type RedisServer } from '../support/servers';

const PASSWORD = 'backup-Src-Passw0rd-7731';
const KEYS_DB0 = 2400;
const KEYS_DB3 = 600;

let source: RedisServer;
let target: RedisServer;
let sourceClient: Redis;
let targetClient: Redis;
let work: ReturnType<typeof tempDir>;
/** A redis-cli that records its argv and environment names, then runs the real one. */
let recordingCli: string;
let argvLog: string;

function context(signal = new AbortController().signal, seen: Partial<BackupProgress>[] = []): EngineContext {
  return { signal, progress: (update) => void seen.push(update) };
}

async function fill(client: Redis): Promise<void> {
  await client.select(0);
  const p = client.pipeline();
  for (let i = 0; i < KEYS_DB0; i++) {
    switch (i % 6) {
      case 0:
        p.set(`str:${i}`, `value-${i}`);
        break;
      case 1:
        p.hset(`hash:${i}`, { name: `n${i}`, count: String(i) });
        break;
      case 2:
        p.rpush(`list:${i}`, 'a', 'b', String(i));
        break;
      case 3:
        p.sadd(`set:${i}`, 'x', 'y', String(i));
        break;
      case 4:
        p.zadd(`zset:${i}`, 1, 'one', i, `m${i}`);
        break;
      case 5:
        p.xadd(`stream:${i}`, '*', 'field', String(i));
        break;
    }
    // Every tenth key expires in an hour: the restore must keep that.
    if (i % 10 === 0) p.pexpire([`str:${i}`, `hash:${i}`, `list:${i}`, `set:${i}`, `zset:${i}`, `stream:${i}`][i % 6]!, 3_600_000);
  }
  // A key name that is not UTF-8.
  p.set(Buffer.from([0xff, 0xfe, 0x00, 0x41]), 'binary-name');
  await p.exec();
  await client.select(3);
  const q = client.pipeline();
  for (let i = 0; i < KEYS_DB3; i++) q.set(`db3:${i}`, 'x'.repeat(i % 50), 'PX', i % 2 === 0 ? 7_200_000 : 9_000_000);
  await q.exec();
  await client.select(0);
}

/** A key's value in a comparable form (set and hash order differ between servers, so not DUMP bytes). */
async function valueOf(client: Redis, key: Buffer): Promise<string> {
  const type = await client.type(key);
  switch (type) {
    case 'string':
      return `string:${await client.get(key)}`;
    case 'hash':
      return `hash:${JSON.stringify(Object.entries(await client.hgetall(key)).sort())}`;
    case 'list':
      return `list:${JSON.stringify(await client.lrange(key, 0, -1))}`;
    case 'set':
      return `set:${JSON.stringify((await client.smembers(key)).sort())}`;
    case 'zset':
      return `zset:${JSON.stringify(await client.zrange(key, '0', '-1', 'WITHSCORES'))}`;
    case 'stream':
      return `stream:${JSON.stringify(await client.xrange(key, '-', '+'))}`;
    default:
      return `${type}:?`;
  }
}

/** Every key of a db with its value and PTTL. */
async function snapshot(client: Redis, db: number): Promise<Map<string, { value: string; pttl: number }>> {
  await client.select(db);
  const out = new Map<string, { value: string; pttl: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scanBuffer(cursor, 'COUNT', 1000);
    cursor = next.toString();
    for (const key of keys) out.set(key.toString('hex'), { value: await valueOf(client, key), pttl: await client.pttl(key) });
  } while (cursor !== '0');
  await client.select(0);
  return out;
}

async function backup(engine: RedisBackupEngine, root: string, seen: BackupProgress[] = [], restoreTest = true): Promise<BackupResult> {
  return runBackup({
    engine,
    root,
    name: 'cache',
    retention: { keep: null, maxAgeDays: null },
    signal: new AbortController().signal,
    onProgress: (p) => void seen.push(p),
    verify: { restoreTest },
  });
}

beforeAll(async () => {
  [source, target] = await Promise.all([startRedis({ password: PASSWORD }), startRedis()]);
  sourceClient = new Redis(source.url, { password: PASSWORD });
  targetClient = new Redis(target.url);
  await fill(sourceClient);
  work = tempDir('flightdeck-backup-redis-');
  argvLog = join(work.path, 'argv.log');
  recordingCli = join(work.path, 'redis-cli');
  // Not a shell used by the code under test: a stand-in binary that logs what it was given.
  writeFileSync(recordingCli, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a" >> '${argvLog}'; done\nenv | cut -d= -f1 >> '${argvLog}'\nexec /usr/bin/redis-cli "$@"\n`);
  chmodSync(recordingCli, 0o755);
});

afterAll(async () => {
  sourceClient?.disconnect();
  targetClient?.disconnect();
  await Promise.all([source?.stop(), target?.stop()]);
  work?.remove();
});

describe('Redis backup with redis-cli --rdb', () => {
  let result: BackupResult;

  it('backs up every db, verifies the RDB and loads it into a scratch server with the same key count', async () => {
    const seen: BackupProgress[] = [];
    const engine = new RedisBackupEngine({ url: source.url, password: PASSWORD, redisCli: recordingCli });
    result = await backup(engine, join(work.path, 'backups'), seen);

    expect(result.facts).toMatchObject({ 'keys.db0': KEYS_DB0 + 1, 'keys.db3': KEYS_DB3, keys: KEYS_DB0 + KEYS_DB3 + 1, 'expires.db0': KEYS_DB0 / 10, 'expires.db3': KEYS_DB3 });
    expect(result.facts.rdbVersion).toBe(Number(readFileSync(join(result.dir, RDB_FILE)).subarray(5, 9).toString()));
    expect(result.files.map((f) => f.path)).toContain(RDB_FILE);
    expect(result.checks).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dump\.rdb: \d+ bytes, RDB version \d+, ends with the EOF marker$/),
        'dump.rdb: CRC-64 checksum matches its contents',
        `restore test: db0 loaded ${KEYS_DB0 + 1} keys, as recorded`,
        `restore test: db3 loaded ${KEYS_DB3} keys, as recorded`,
      ]),
    );
    expect(await listBackups(join(work.path, 'backups'), 'cache')).toHaveLength(1);
    const meta = JSON.parse(readFileSync(join(result.dir, 'backup.json'), 'utf8')) as { tools: Record<string, string> };
    expect(meta.tools).toEqual({ 'redis-cli': expect.stringMatching(/^\d+\.\d+\.\d+$/), 'redis-server': expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    // Progress counted the bytes of the file as it grew, and ended at its size.
    const rdbBytes = result.files.find((f) => f.path === RDB_FILE)!.bytes;
    expect(seen.some((p) => p.phase === 'dumping')).toBe(true);
    expect(seen.at(-1)!.bytes).toBeGreaterThanOrEqual(rdbBytes);

    // The password went through the environment, never argv.
    const logged = readFileSync(argvLog, 'utf8');
    expect(logged).toContain('--rdb');
    expect(logged).toContain('REDISCLI_AUTH');
    expect(logged).not.toContain(PASSWORD);
    // The default diskless-sync delay (5 s, waiting for more replicas) is the server's choice; the later dumps need not wait.
    await sourceClient.config('SET', 'repl-diskless-sync-delay', '0');
  });

  it('a copy of the backup verifies offline, as `flightdeck backup verify DIR` checks it', async () => {
    const copy = join(work.path, 'copy-ok');
    await cp(result.dir, copy, { recursive: true });
    const checks = await verifyRedisDump(copy, result.facts, context());
    expect(checks[1]).toBe('dump.rdb: CRC-64 checksum matches its contents');
  });

  it('a flipped byte, a truncated file and a file that is no RDB are all caught offline', async () => {
    const flipped = join(work.path, 'flipped');
    await cp(result.dir, flipped, { recursive: true });
    const bytes = readFileSync(join(flipped, RDB_FILE));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(join(flipped, RDB_FILE), bytes);
    await expect(verifyRedisDump(flipped, result.facts, context())).rejects.toThrow(/dump\.rdb: checksum mismatch: .*the dump is corrupt/);

    const truncated = join(work.path, 'truncated');
    await cp(result.dir, truncated, { recursive: true });
    writeFileSync(join(truncated, RDB_FILE), readFileSync(join(result.dir, RDB_FILE)).subarray(0, 4000));
    await expect(verifyRedisDump(truncated, result.facts, context())).rejects.toThrow(/does not end with the RDB end-of-file marker.*truncated/);

    const foreign = join(work.path, 'foreign');
    await cp(result.dir, foreign, { recursive: true });
    writeFileSync(join(foreign, RDB_FILE), Buffer.concat([Buffer.from('PGDMP0010'), readFileSync(join(result.dir, RDB_FILE)).subarray(9)]));
    const error = await verifyRedisDump(foreign, result.facts, context()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlightdeckError);
    expect((error as FlightdeckError).message).toMatch(/does not start with "REDIS".*not an RDB dump/);
    expect((error as FlightdeckError).file).toBe(join(foreign, RDB_FILE));

    writeFileSync(join(foreign, RDB_FILE), 'REDIS');
    await expect(verifyRedisDump(foreign, result.facts, context())).rejects.toThrow(/only 5 bytes: too short/);
  });

  it('a restore test allows for keys whose TTL ran out since the dump, and for a server that changed during it, but no more', () => {
    const facts = { rdbVersion: 10, 'keys.db0': 100, 'expires.db0': 10, 'keys.db1': 50, 'keys.db1.after': 60, 'expires.db1': 0, keys: 150 };
    expect(compareKeyCounts(facts, new Map([[0, 100], [1, 50]]))).toEqual(['restore test: db0 loaded 100 keys, as recorded', 'restore test: db1 loaded 50 keys, as recorded']);
    expect(compareKeyCounts(facts, new Map([[0, 93], [1, 60]]))[0]).toBe('restore test: db0 loaded 93 keys of 100 recorded; the other 7 had a TTL and expired since');
    expect(() => compareKeyCounts(facts, new Map([[0, 89], [1, 55]]))).toThrow('restore test failed: db0: 89 keys loaded, 100 recorded at dump time');
    expect(() => compareKeyCounts(facts, new Map([[0, 100], [1, 61], [2, 1]]))).toThrow('restore test failed: db1: 61 keys loaded, 50–60 recorded at dump time; db2: 1 keys loaded, 0 recorded at dump time');
  });

  it('a restore test of a corrupt dump fails with what redis-server said', async () => {
    const flipped = join(work.path, 'flipped-load');
    await cp(result.dir, flipped, { recursive: true });
    const bytes = readFileSync(join(flipped, RDB_FILE));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(join(flipped, RDB_FILE), bytes);
    const engine = new RedisBackupEngine({ url: source.url, password: PASSWORD });
    await expect(engine.restoreTest(flipped, result.facts, new AbortController().signal)).rejects.toThrow(/scratch redis-server exited .* while loading the dump: .*(checksum|RDB)/i);
  });

  it('restores into another real server: same keys, values and TTLs; keys only the target had stay unless clean', async () => {
    await targetClient.set('only-in-target', 'keep me');
    await targetClient.set('str:0', 'will be replaced');
    await targetClient.select(5);
    await targetClient.set('db5-only', 'x');
    await targetClient.select(0);
    const engine = new RedisBackupEngine({ url: target.url, password: null });
    const seen: Partial<BackupProgress>[] = [];

    const sentence = await engine.restore(result.dir, context(undefined, seen));
    expect(sentence).toMatch(new RegExp(`^restored ${KEYS_DB0 + KEYS_DB3 + 1} keys into redis://127\\.0\\.0\\.1:${target.port} \\(db0: ${KEYS_DB0 + 1}, db3: ${KEYS_DB3}\\); keys the target already had`));
    expect(seen.at(-1)).toMatchObject({ done: KEYS_DB0 + KEYS_DB3 + 1 });
    expect(await targetClient.get('only-in-target')).toBe('keep me');
    expect(await targetClient.get('str:0')).toBe('value-0');

    for (const db of [0, 3]) {
      const [want, got] = await Promise.all([snapshot(sourceClient, db), snapshot(targetClient, db)]);
      if (db === 0) got.delete(Buffer.from('only-in-target').toString('hex'));
      expect(got.size).toBe(want.size);
      let withTtl = 0;
      for (const [key, value] of want) {
        const restored = got.get(key);
        expect(restored?.value, `db${db} key ${key}`).toBe(value.value);
        if (value.pttl === -1) expect(restored!.pttl).toBe(-1);
        else {
          withTtl++;
          // Same remaining time, give or take the seconds the test took.
          expect(Math.abs(restored!.pttl - value.pttl)).toBeLessThan(60_000);
        }
      }
      expect(withTtl).toBe(db === 0 ? KEYS_DB0 / 10 : KEYS_DB3);
    }
    expect(await targetClient.hgetall('hash:1')).toEqual({ name: 'n1', count: '1' });
    expect(await targetClient.zrange('zset:4', '0', '-1', 'WITHSCORES')).toEqual(['one', '1', 'm4', '4']);
    expect(await targetClient.get(Buffer.from([0xff, 0xfe, 0x00, 0x41]))).toBe('binary-name');

    const clean = await engine.restore(result.dir, context(), { clean: true });
    expect(clean).toContain('after flushing the target');
    expect(await targetClient.exists('only-in-target')).toBe(0);
    expect(await targetClient.dbsize()).toBe(KEYS_DB0 + 1);
    await targetClient.select(5);
    expect(await targetClient.dbsize()).toBe(0);
    await targetClient.select(0);
  });

  it('a wrong password fails with a clear message that does not contain it, and leaves no backup', async () => {
    const wrong = 'not-the-Passw0rd-4411';
    const root = join(work.path, 'wrong');
    const seen: BackupProgress[] = [];
    const engine = new RedisBackupEngine({ url: source.url, password: wrong, redisCli: recordingCli });
    const error = await backup(engine, root, seen).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlightdeckError);
    expect((error as Error).message).toMatch(new RegExp(`^redis://127\\.0\\.0\\.1:${source.port}: authentication failed \\(WRONGPASS`));
    expect(JSON.stringify([(error as Error).message, (error as Error).stack, seen])).not.toContain(wrong);
    expect(readFileSync(argvLog, 'utf8')).not.toContain(wrong);
    expect(await listBackups(root)).toEqual([]);
  });

  it('an ACL user: its name goes to redis-cli as --user, its password only through the environment', async () => {
    await sourceClient.call('ACL', 'SETUSER', 'backup', 'on', '>right-Passw0rd-9', '~*', '&*', '+@all');
    const engine = new RedisBackupEngine({ url: `redis://backup@127.0.0.1:${source.port}`, password: 'right-Passw0rd-9', redisCli: recordingCli });
    const direct = tempDir('flightdeck-backup-redis-acl-');
    try {
      const facts = await engine.dump(direct.path, context());
      expect(facts['keys.db0']).toBe(KEYS_DB0 + 1);
      expect(readFileSync(argvLog, 'utf8')).toMatch(/--user\nbackup\n/);
      expect(readFileSync(argvLog, 'utf8')).not.toContain('right-Passw0rd-9');
      await sourceClient.call('ACL', 'SETUSER', 'backup', 'resetpass', '>changed-Passw0rd-1');
      const error = await engine.dump(direct.path, context()).catch((e: unknown) => e);
      expect((error as Error).message).toMatch(/authentication failed/);
      expect((error as Error).message).not.toContain('right-Passw0rd-9');
    } finally {
      direct.remove();
      await sourceClient.call('ACL', 'DELUSER', 'backup');
    }
  });

  it('cancel kills redis-cli and leaves no backup behind', async () => {
    // A redis-cli that starts a file and then hangs, as one stuck on a slow server would.
    const hanging = join(work.path, 'hanging-cli');
    const pidFile = join(work.path, 'hanging.pid');
    writeFileSync(hanging, `#!/bin/sh\n[ "$1" = --version ] && { echo 'redis-cli 7.0.0'; exit 0; }\necho $$ > '${pidFile}'\nfor a in "$@"; do last="$a"; done\nprintf 'REDIS0010' > "$last"\nexec sleep 120\n`);
    chmodSync(hanging, 0o755);
    const root = join(work.path, 'cancelled');
    const controller = new AbortController();
    const engine = new RedisBackupEngine({ url: source.url, password: PASSWORD, redisCli: hanging });
    const running = runBackup({
      engine,
      root,
      name: 'cache',
      retention: { keep: null, maxAgeDays: null },
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'dumping' && p.bytes > 0) controller.abort(new Error('cancelled by the operator'));
      },
    });
    const error = await running.catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/stopped before it was complete \(cancelled by the operator\)/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ')).toBe(false);
    expect(await listBackups(root)).toEqual([]);
    expect((await readdir(join(root, 'cache'))).filter((name) => !name.startsWith('.'))).toEqual([]);
  });
});
