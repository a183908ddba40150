/**
 * The one place backups and restores open a Redis connection: parsed from a
 * URL that carries no password, the password passed separately, a deadline
 * on connect and on every command, no offline queue and no reconnects, and
 * every failure turned into one sentence without the password in it.
 */
import { Redis } from 'ioredis';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { displayTarget, scrub } from '../probes/target-display';

export interface RedisTarget {
  host: string;
  port: number;
  /** The db of the URL path; backups cover every db, restores write to the same db numbers. */
  db: number;
  username: string | null;
  /** The URL without credentials, for messages. */
  display: string;
}

export function parseRedisUrl(raw: string): RedisTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FlightdeckError('bad-input', `redis backup: "${displayTarget(raw)}" is not a URL (expected redis://[user@]host:port[/db])`, { field: 'url' });
  }
  if (url.protocol !== 'redis:') throw new FlightdeckError('bad-input', `redis backup: ${displayTarget(raw)}: only redis:// URLs are supported (redis-cli --rdb over TLS is not wired up)`, { field: 'url' });
  if (url.password) throw new FlightdeckError('bad-input', `redis backup: the URL carries a password; put it in the vault and reference it as { secret: NAME }`, { field: 'url' });
  const dbPath = url.pathname.replace(/^\//, '');
  if (dbPath !== '' && !/^\d+$/.test(dbPath)) throw new FlightdeckError('bad-input', `redis backup: ${displayTarget(raw)}: the path must be a db number`, { field: 'url' });
  const port = url.port === '' ? 6379 : Number(url.port);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1',
    port,
    db: dbPath === '' ? 0 : Number(dbPath),
    username: url.username ? decodeURIComponent(url.username) : null,
    display: displayTarget(raw),
  };
}

export interface RedisConnectOptions {
  /** TCP target, or a unix socket path for scratch servers. */
  target: { host: string; port: number; username: string | null } | { path: string };
  password: string | null;
  timeoutMs: number;
  /** What the messages call the server. */
  label: string;
}

/** Connects and waits for the server to answer; throws a FlightdeckError naming why not. */
export async function connectRedis(options: RedisConnectOptions, signal: AbortSignal): Promise<Redis> {
  let lastError: Error | null = null;
  const where = 'path' in options.target ? { path: options.target.path } : { host: options.target.host, port: options.target.port, ...(options.target.username ? { username: options.target.username } : {}) };
  const client = new Redis({
    ...where,
    ...(options.password !== null ? { password: options.password } : {}),
    lazyConnect: true,
    connectTimeout: options.timeoutMs,
    commandTimeout: options.timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    connectionName: 'flightdeck-backup',
  });
  // The cause of a failed connect (WRONGPASS, ECONNREFUSED) arrives as an 'error' event.
  client.on('error', (error: Error) => {
    lastError = error;
  });
  const abort = () => client.disconnect();
  signal.addEventListener('abort', abort, { once: true });
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch (error) {
    client.disconnect();
    if (signal.aborted) throw abortReason(signal);
    throw redisFailure(options.label, lastError ?? error, options.password);
  } finally {
    signal.removeEventListener('abort', abort);
  }
}

/** One sentence for a failed Redis call, with the password scrubbed. */
export function redisFailure(label: string, error: unknown, password: string | null): FlightdeckError {
  if (error instanceof FlightdeckError) return error;
  const raw = messageOf(error);
  const code = (error as { code?: unknown } | null)?.code;
  let message: string;
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password/i.test(raw)) message = `authentication failed (${raw.split('\n')[0]})`;
  else if (code === 'ECONNREFUSED') message = 'connection refused';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') message = 'host not found';
  else if (/Command timed out|ETIMEDOUT|connect ETIMEDOUT/i.test(raw)) message = 'timed out waiting for the server';
  else message = raw;
  return new FlightdeckError(/timed out/.test(message) ? 'timeout' : 'bad-input', scrub(`${label}: ${message}`, password ? [password] : []));
}

export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new FlightdeckError('timeout', 'cancelled');
}

/** INFO keyspace as keys and keys-with-TTL per db number. */
export function parseKeyspace(info: string): Map<number, { keys: number; expires: number }> {
  const dbs = new Map<number, { keys: number; expires: number }>();
  for (const line of info.split(/\r?\n/)) {
    const match = /^db(\d+):keys=(\d+),expires=(\d+)/.exec(line);
    if (match) dbs.set(Number(match[1]), { keys: Number(match[2]), expires: Number(match[3]) });
  }
  return dbs;
}

export async function quietly(client: Redis | null): Promise<void> {
  if (!client) return;
  if (client.status === 'ready') await Promise.race([client.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
  client.disconnect();
}
