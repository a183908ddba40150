/**
 * A throwaway redis-server that loads one RDB file, for the restore test and
 * for restores: a remote server cannot be stopped to swap its RDB, so the
 * dump is loaded here and read back key by key.
 *
 * It listens on a unix socket inside a private (0700) temp directory, not
 * on a loopback port: no other local user can reach the data it holds, and
 * there is no race for a free port. Its settings come from a config file in
 * that directory, so nothing about it appears in argv. It never saves
 * (`save ""`, SHUTDOWN NOSAVE) and works on a copy of the dump, so the
 * backup itself is never touched. It runs under the watchdog of
 * guarded-spawn.ts, so it never outlives Flightdeck.
 */
import { constants } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { FlightdeckError } from '../../../shared/errors';
import { spawnCodeOf, spawnGuarded, type GuardedChild } from '../children/guarded-spawn';
import { abortReason, connectRedis, parseKeyspace, quietly } from './redis-connection';

export interface ScratchRedis {
  client: Redis;
  /** Keys per db as loaded (keys already expired at load time are dropped by Redis). */
  keyCounts(): Promise<Map<number, number>>;
  stop(): Promise<void>;
}

export interface ScratchRedisOptions {
  redisServer: string;
  /** Where the temp directory goes (default: the OS temp dir); it needs room for a copy of the dump. */
  scratchRoot?: string;
  /** How long loading may take before giving up. */
  loadTimeoutMs?: number;
}

const LOG_TAIL_BYTES = 4000;

export async function startScratchRedis(rdbPath: string, options: ScratchRedisOptions, signal: AbortSignal): Promise<ScratchRedis> {
  const dir = await mkdtemp(join(options.scratchRoot ?? tmpdir(), 'flightdeck-redis-load-'));
  let child: GuardedChild | null = null;
  let client: Redis | null = null;
  const cleanup = async () => {
    await quietly(client);
    if (child) {
      child.kill('SIGKILL');
      await child.exited.catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await copyFile(rdbPath, join(dir, 'dump.rdb'), constants.COPYFILE_FICLONE);
    const socket = join(dir, 'redis.sock');
    const config = [
      'port 0',
      `unixsocket ${quoteConfig(socket)}`,
      'unixsocketperm 700',
      `dir ${quoteConfig(dir)}`,
      'dbfilename dump.rdb',
      'save ""',
      'appendonly no',
      'daemonize no',
      'loglevel warning',
      'logfile ""',
      'protected-mode yes',
    ].join('\n');
    await writeFile(join(dir, 'redis.conf'), `${config}\n`, { mode: 0o600 });

    let log = '';
    const proc = spawnGuarded(options.redisServer, [join(dir, 'redis.conf')], { env: process.env, cwd: dir, stdout: 'pipe', stderr: 'pipe' });
    child = proc;
    const collect = (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    };
    proc.stdout?.on('data', collect);
    proc.stderr?.on('data', collect);
    const exited = proc.exited.then(
      ({ code, signal: sig }) => `exited (${sig ?? `code ${code}`}) while loading the dump`,
      (error: unknown) => `could not start ${options.redisServer}: ${spawnCodeOf(error) ?? (error as Error).message}`,
    );

    const deadline = Date.now() + (options.loadTimeoutMs ?? 10 * 60_000);
    for (;;) {
      if (signal.aborted) throw abortReason(signal);
      const failure = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
      if (failure !== null) throw new FlightdeckError('bad-input', `scratch redis-server ${failure}: ${lastLines(log)}`, { file: rdbPath });
      if (Date.now() > deadline) throw new FlightdeckError('timeout', `scratch redis-server did not finish loading ${rdbPath} within ${Math.round((options.loadTimeoutMs ?? 600_000) / 1000)} s`);
      try {
        client ??= await connectRedis({ target: { path: socket }, password: null, timeoutMs: 2000, label: 'scratch redis-server' }, signal);
        // Connected is not loaded: INFO answers while the dump is still being read, and says so.
        if (/^loading:0/m.test(await client.info('persistence'))) break;
      } catch {
        // not listening yet
        await quietly(client);
        client = null;
      }
    }
    const ready = client;
    return {
      client: ready,
      keyCounts: async () => {
        const counts = new Map<number, number>();
        for (const [db, { keys }] of parseKeyspace(await ready.info('keyspace'))) counts.set(db, keys);
        return counts;
      },
      stop: async () => {
        try {
          if (ready.status === 'ready') await ready.call('SHUTDOWN', 'NOSAVE').catch(() => undefined);
        } finally {
          await cleanup();
        }
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** redis.conf takes double-quoted strings with backslash escapes. */
function quoteConfig(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Redis's warnings ("# Wrong RDB checksum…") say why; the [info] lines of its RDB checker only count keys. */
function lastLines(log: string): string {
  const lines = log.trim().split('\n').filter(Boolean);
  const telling = lines.filter((line) => !line.includes('[info]') && !/^\s*$/.test(line));
  return (telling.length > 0 ? telling : lines).slice(-3).map((line) => line.trim()).join(' | ') || 'no output';
}
