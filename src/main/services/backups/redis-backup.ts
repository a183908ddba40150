/**
 * Redis backups: `redis-cli --rdb` asks the server for a replication
 * snapshot and writes the RDB file, the same file redis-server loads at
 * start, so the backup opens with Redis's own tools.
 *
 * - The password reaches redis-cli through REDISCLI_AUTH, never argv; no
 *   shell; the process is killed when the backup is cancelled, and with
 *   Flightdeck (it runs under the watchdog of guarded-spawn.ts).
 * - Facts: keys and keys-with-TTL per db from INFO keyspace, read just
 *   before and just after the dump (the snapshot is taken in between), and
 *   the RDB version.
 * - Progress: the growing file against an expected size. redis-cli prints
 *   the exact size when the server sends a disk-based snapshot; with
 *   diskless replication (the default since Redis 7) it cannot know, and
 *   the estimate is `used_memory_dataset`, which is larger than the RDB
 *   (no allocator overhead, compressed strings): the bar runs behind and
 *   never claims to be done early.
 * - Verify: header, EOF marker and CRC-64 offline; with a restore test, the
 *   dump loaded into a scratch redis-server and its keys counted per db.
 * - Restore: the dump loaded into a scratch redis-server, every key copied
 *   into the target with DUMP / RESTORE … REPLACE. Keys in the target that
 *   the backup does not have are left alone (a restore puts data back, it
 *   does not delete), unless the plan asks for `clean`: then each db is
 *   flushed first and the target ends up holding exactly the backup.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { FlightdeckError } from '../../../shared/errors';
import { spawnCodeOf, spawnGuarded } from '../children/guarded-spawn';
import { scrub } from '../probes/target-display';
import type { BackupEngine, DumpFacts, EngineContext, OfflineVerifier, RestoreEngine, RestoreOptions, VerifyOptions } from './backup-engine';
import { checkRdbFile, readRdbVersion } from './rdb-file';
import { abortReason, connectRedis, parseKeyspace, parseRedisUrl, quietly, redisFailure, type RedisTarget } from './redis-connection';
import { copyAllKeys } from './redis-key-copy';
import { createPrivateFile } from '../storage/private-fs';
import { startScratchRedis } from './scratch-redis';

export const RDB_FILE = 'dump.rdb';

export interface RedisBackupOptions {
  /** redis://[user@]host:port[/db], without a password. */
  url: string;
  password?: string | null;
  redisCli?: string;
  redisServer?: string;
  /** Deadline for each command sent to the server (not for the dump itself). */
  timeoutMs?: number;
  /** Where scratch servers keep their copy of the dump (default: the OS temp dir). */
  scratchRoot?: string;
}

const POLL_MS = 250;
const KILL_GRACE_MS = 2000;

export class RedisBackupEngine implements BackupEngine, RestoreEngine {
  readonly engine = 'redis' as const;
  readonly source: string;
  private readonly target: RedisTarget;
  private readonly password: string | null;
  private readonly timeoutMs: number;

  constructor(private readonly options: RedisBackupOptions) {
    this.target = parseRedisUrl(options.url);
    this.source = this.target.display;
    this.password = options.password ?? null;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** redis-cli's version, kept in backup.json with the server's. */
  async toolVersions(signal: AbortSignal): Promise<Record<string, string>> {
    const cli = this.options.redisCli ?? 'redis-cli';
    const versions: Record<string, string> = {};
    await new Promise<void>((resolve) => {
      execFile(cli, ['--version'], { timeout: this.timeoutMs, signal }, (error, stdout) => {
        const match = /(\d+\.\d+\.\d+)/.exec(String(stdout));
        if (!error && match) versions['redis-cli'] = match[1]!;
        resolve();
      });
    });
    const server = await this.withClient(signal, (client) => client.info('server'));
    const match = /^redis_version:(\S+)/m.exec(server);
    if (match) versions['redis-server'] = match[1]!;
    return versions;
  }

  /** used_memory: an upper bound of the RDB size, which is what a free-disk check needs. */
  async estimate(signal: AbortSignal): Promise<number> {
    const info = await this.withClient(signal, (client) => client.info('memory'));
    return numberField(info, 'used_memory') ?? 0;
  }

  async dump(dir: string, context: EngineContext): Promise<DumpFacts> {
    const { before, dataset } = await this.withClient(context.signal, async (client) => ({
      before: parseKeyspace(await client.info('keyspace')),
      dataset: numberField(await client.info('memory'), 'used_memory_dataset'),
    }));
    const file = join(dir, RDB_FILE);
    // redis-cli creates its output 0644 and keeps the mode of a file that exists: it writes into this 0600 one.
    createPrivateFile(file);
    context.progress({ phase: 'dumping', bytes: 0, estimatedBytes: dataset, unit: null, done: null, total: null });
    await this.runRedisCli(file, dataset, context);
    const after = await this.withClient(context.signal, async (client) => parseKeyspace(await client.info('keyspace')));
    // Only the header here: verify reads the whole file for the checksum, once.
    const version = await readRdbVersion(file);
    const { size } = await stat(file);
    context.progress({ bytes: size, estimatedBytes: size });
    return keyFacts(before, after, version);
  }

  async verify(dir: string, facts: DumpFacts, context: EngineContext, options: VerifyOptions = {}): Promise<string[]> {
    context.progress({ phase: 'verifying' });
    const checks = await verifyRedisDump(dir, facts, context);
    if (options.restoreTest) {
      context.progress({ phase: 'restore-test' });
      checks.push(...(await this.restoreTest(dir, facts, context.signal)));
    }
    return checks;
  }

  /** Loads the dump into a scratch redis-server and compares keys per db with the facts. */
  async restoreTest(dir: string, facts: DumpFacts, signal: AbortSignal): Promise<string[]> {
    const scratch = await startScratchRedis(join(dir, RDB_FILE), this.scratchOptions(), signal);
    try {
      return compareKeyCounts(facts, await scratch.keyCounts());
    } finally {
      await scratch.stop();
    }
  }

  async restore(dir: string, context: EngineContext, options: RestoreOptions = {}): Promise<string> {
    await checkRdbFile(join(dir, RDB_FILE), context.signal);
    const scratch = await startScratchRedis(join(dir, RDB_FILE), this.scratchOptions(), context.signal);
    let target: Redis | null = null;
    try {
      const loaded = await scratch.keyCounts();
      const total = [...loaded.values()].reduce((a, b) => a + b, 0);
      target = await this.connect(context.signal);
      const targetBefore = parseKeyspace(await target.info('keyspace'));
      const dbs = [...loaded.keys()].sort((a, b) => a - b);
      if (options.clean) {
        // Every db the target or the backup uses: afterwards the target holds exactly the backup.
        for (const db of new Set([...dbs, ...targetBefore.keys()])) {
          await target.select(db);
          await target.flushdb();
        }
      }
      context.progress({ phase: 'dumping', unit: 'keys', done: 0, total });
      const copied = await copyAllKeys(scratch.client, target, dbs, context.signal, (done) => context.progress({ done }));
      const restored = [...copied.restored.values()].reduce((a, b) => a + b, 0);
      const perDb = [...copied.restored].map(([db, n]) => `db${db}: ${n}`).join(', ');
      const kept = options.clean ? 0 : [...targetBefore.values()].reduce((a, b) => a + b.keys, 0);
      let sentence = `restored ${restored} keys into ${this.source}${perDb ? ` (${perDb})` : ''}`;
      if (options.clean) sentence += ', after flushing the target';
      else if (kept > 0) sentence += `; keys the target already had that are not in the backup were left in place (the target had ${kept} keys before)`;
      if (copied.expired > 0) sentence += `; ${copied.expired} keys expired during the restore and were skipped`;
      return sentence;
    } catch (error) {
      if (context.signal.aborted) throw abortReason(context.signal);
      const failure = redisFailure(`restore into ${this.source}`, error, this.password);
      // DUMP payloads carry the RDB version of the server that produced them (here, the local scratch server).
      if (/payload version/i.test(failure.message)) throw new FlightdeckError(failure.code, `${failure.message} (the target runs an older Redis than the local redis-server that loaded the backup)`);
      throw failure;
    } finally {
      await quietly(target);
      await scratch.stop();
    }
  }

  private scratchOptions() {
    return { redisServer: this.options.redisServer ?? 'redis-server', ...(this.options.scratchRoot ? { scratchRoot: this.options.scratchRoot } : {}) };
  }

  private connect(signal: AbortSignal): Promise<Redis> {
    return connectRedis({ target: this.target, password: this.password, timeoutMs: this.timeoutMs, label: this.source }, signal);
  }

  private async withClient<T>(signal: AbortSignal, use: (client: Redis) => Promise<T>): Promise<T> {
    const client = await this.connect(signal);
    try {
      return await use(client);
    } catch (error) {
      throw redisFailure(this.source, error, this.password);
    } finally {
      await quietly(client);
    }
  }

  private runRedisCli(file: string, dataset: number | null, context: EngineContext): Promise<void> {
    const args = ['-h', this.target.host, '-p', String(this.target.port)];
    if (this.target.username) args.push('--user', this.target.username);
    args.push('--rdb', file);
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.REDISCLI_AUTH;
    if (this.password !== null) env.REDISCLI_AUTH = this.password;
    const cli = this.options.redisCli ?? 'redis-cli';

    return new Promise<void>((resolve, reject) => {
      const child = spawnGuarded(cli, args, { env, stdout: 'pipe', stderr: 'pipe' });
      let output = '';
      let expected = dataset;
      const collect = (chunk: Buffer) => {
        output = (output + chunk.toString('utf8')).slice(-4000);
        // "SYNC sent to master, writing 1234 bytes to '…'": a disk-based snapshot announces its size.
        const size = /writing (\d+) bytes to/.exec(output);
        if (size && expected !== Number(size[1])) {
          expected = Number(size[1]);
          context.progress({ estimatedBytes: expected });
        }
      };
      child.stdout!.on('data', collect);
      child.stderr!.on('data', collect);

      const poll = setInterval(() => {
        stat(file).then(
          (s) => context.progress({ bytes: s.size }),
          () => undefined,
        );
      }, POLL_MS);
      let killTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        child.kill('SIGTERM');
        killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      };
      context.signal.addEventListener('abort', onAbort, { once: true });
      const done = (error: Error | null) => {
        clearInterval(poll);
        clearTimeout(killTimer);
        context.signal.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      child.exited.then(({ code, signal }) => {
        if (context.signal.aborted) return done(abortReason(context.signal));
        if (code === 0) return done(null);
        const why = output.trim().split('\n').filter((line) => !/^sending REPLCONF|^SYNC sent/.test(line)).slice(-2).join(' | ') || (signal ? `killed by ${signal}` : `exit code ${code}`);
        const message = /AUTH failed|WRONGPASS|NOAUTH/i.test(why) ? `authentication failed (${why})` : why;
        done(new FlightdeckError('bad-input', scrub(`redis-cli --rdb from ${this.source} failed: ${message}`, this.password ? [this.password] : [])));
      }, (error: unknown) => done(new FlightdeckError('not-found', `could not run ${cli}: ${spawnCodeOf(error) ?? (error as Error).message}`)));
      if (context.signal.aborted) onAbort();
    });
  }
}

/** Header, end marker and checksum of dump.rdb, against the facts the dump recorded. */
export const verifyRedisDump: OfflineVerifier = async (dir, facts, context) => {
  const rdb = await checkRdbFile(join(dir, RDB_FILE), context.signal);
  const checks = [`${RDB_FILE}: ${rdb.bytes} bytes, RDB version ${rdb.version}, ends with the EOF marker`];
  checks.push(rdb.checksum === 'verified' ? `${RDB_FILE}: CRC-64 checksum matches its contents` : `${RDB_FILE}: the server wrote no checksum (rdbchecksum no); only the framing was checked`);
  if (typeof facts.rdbVersion === 'number' && facts.rdbVersion !== rdb.version) {
    throw new FlightdeckError('bad-input', `${RDB_FILE}: RDB version ${rdb.version}, but the dump recorded version ${facts.rdbVersion}`, { file: join(dir, RDB_FILE) });
  }
  return checks;
};

/**
 * `keys.db0`, `expires.db0` (keys with a TTL) per db, their totals, and
 * `keys.db0.after` when the count moved while the dump ran (a live server).
 */
export function keyFacts(before: Map<number, { keys: number; expires: number }>, after: Map<number, { keys: number; expires: number }>, rdbVersion: number): DumpFacts {
  const facts: DumpFacts = { rdbVersion };
  let keys = 0;
  for (const db of [...new Set([...before.keys(), ...after.keys()])].sort((a, b) => a - b)) {
    const start = before.get(db) ?? { keys: 0, expires: 0 };
    const end = after.get(db) ?? { keys: 0, expires: 0 };
    facts[`keys.db${db}`] = start.keys;
    facts[`expires.db${db}`] = Math.max(start.expires, end.expires);
    if (end.keys !== start.keys) facts[`keys.db${db}.after`] = end.keys;
    keys += start.keys;
  }
  facts.keys = keys;
  return facts;
}

/**
 * Loaded keys per db against the recorded counts. Redis drops keys whose
 * TTL ran out before loading, so a db may hold fewer keys than recorded, by
 * at most the number that had a TTL; on a server that changed during the
 * dump, anything between the counts before and after is right.
 */
export function compareKeyCounts(facts: DumpFacts, loaded: Map<number, number>): string[] {
  const recorded = new Map<number, { low: number; high: number; expires: number }>();
  for (const [name, value] of Object.entries(facts)) {
    const match = /^keys\.db(\d+)$/.exec(name);
    if (!match || typeof value !== 'number') continue;
    const db = Number(match[1]);
    const after = typeof facts[`${name}.after`] === 'number' ? (facts[`${name}.after`] as number) : value;
    const expires = typeof facts[`expires.db${db}`] === 'number' ? (facts[`expires.db${db}`] as number) : 0;
    recorded.set(db, { low: Math.min(value, after), high: Math.max(value, after), expires });
  }
  const checks: string[] = [];
  const problems: string[] = [];
  for (const db of [...new Set([...recorded.keys(), ...loaded.keys()])].sort((a, b) => a - b)) {
    const want = recorded.get(db) ?? { low: 0, high: 0, expires: 0 };
    const got = loaded.get(db) ?? 0;
    const range = want.low === want.high ? `${want.low}` : `${want.low}–${want.high}`;
    if (got > want.high || got < want.low - want.expires) problems.push(`db${db}: ${got} keys loaded, ${range} recorded at dump time`);
    else if (got < want.low) checks.push(`restore test: db${db} loaded ${got} keys of ${range} recorded; the other ${want.low - got} had a TTL and expired since`);
    else checks.push(`restore test: db${db} loaded ${got} keys, as recorded`);
  }
  if (problems.length > 0) throw new FlightdeckError('bad-input', `restore test failed: ${problems.join('; ')}`);
  if (checks.length === 0) checks.push('restore test: the dump loads into redis-server; it holds no keys, as recorded');
  return checks;
}

function numberField(info: string, name: string): number | null {
  const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : null;
}
