/**
 * A flag in Redis: a string key (GET/SET) or a field of a hash
 * (HGET/HSET), through ioredis configured so that a write the app has
 * reported as failed can never land later.
 *
 * Each ioredis client here is exactly one TCP connection: it never
 * reconnects, queues or resends. When it ends, the next call builds a new
 * one. That is what makes the read-back after an unanswered write
 * conclusive (FlagBackend.readAfterUnknownWrite): Redis answers one
 * connection's commands in order, so a GET sent on the connection that
 * carried the SET is answered after the SET was executed (or never
 * executed, with the connection gone), and its value is the verdict.
 *
 * Outcomes of a write:
 * - acknowledged: the writer reads back and compares.
 * - refused connection, Redis error reply (WRONGTYPE, NOAUTH, READONLY,
 *   OOM), or a client that was not connected: failed. The command was not
 *   sent, or the server executed it and said no.
 * - no reply by the deadline, or the connection dropped with the command
 *   in flight: unknown (WriteOutcomeUnknown). The server may have it in
 *   its socket buffer (SIGSTOP) or hold it (CLIENT PAUSE); it runs it, or
 *   drops it with the connection, and the read-back over the same
 *   connection, or any read once that connection is gone, settles it.
 *
 * A conditional write (writeIf) is WATCH and GET, then MULTI/SET/EXEC only
 * if the value is the one expected. A server that does not answer the
 * check by the deadline never receives the SET: the write failed, with
 * that as evidence, and the connection (which still holds the WATCH) is
 * closed. An EXEC that WATCH aborts (another client wrote the key after
 * the check) wrote nothing: a conflict.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import type { FlagBackendConfig } from '../profile/flags-schema';
import { abortReason, connectDeadline, untilAborted } from './deadline';
import { describeFlagValue, sameFlagValue, WriteConflict, WriteOutcomeUnknown, type FlagBackend, type FlagValue, type ReadAfterUnknownWrite } from './flag-backend';
import { hostDestination } from '../vault/destination';
import { resolveSecret, type SecretResolver } from '../vault/secrets';

type RedisConfig = Extract<FlagBackendConfig, { type: 'redis' }>;

/**
 * The options that make ioredis honest about writes. Each is here for a
 * reason; changing one can turn a reported failure into a late write.
 */
export function honestRedisOptions(timeoutMs: number): RedisOptions {
  return {
    // Connect on our call (within its deadline), never in the constructor.
    lazyConnect: true,
    // A command issued while not connected fails at once instead of waiting
    // in a queue that a later reconnect would flush to the server.
    enableOfflineQueue: false,
    // Commands in flight when the connection drops are rejected, never
    // retried on a new connection.
    maxRetriesPerRequest: 0,
    // Never resend what a dropped connection left unanswered.
    autoResendUnfulfilledCommands: false,
    // No reconnects at all: one client, one connection. A dropped
    // connection ends the client, and the backend builds a new one on the
    // next call, so nothing old travels on it.
    retryStrategy: () => null,
    // ...and no reconnect on error replies such as READONLY.
    reconnectOnError: () => false,
    // Deadlines inside the client as well as the caller's, so a command
    // never waits forever for an answer. Connecting gives up before the
    // caller's deadline, so an unreachable server is a clean "not sent"
    // (failed) rather than a timeout (unknown).
    commandTimeout: timeoutMs,
    connectTimeout: connectDeadline(timeoutMs),
    // The INFO ready check and CLIENT SETINFO are extra round trips before
    // the first write; the flag does not need them.
    enableReadyCheck: false,
    disableClientInfo: true,
    // RESP2: plain AUTH, no HELLO, so older servers work too.
    protocol: 2,
  };
}

export class RedisFlagBackend implements FlagBackend {
  readonly target: string;
  private client: Redis | null = null;
  private connecting: Promise<Redis> | null = null;
  /** Connections that carried a write whose answer never came, to judge the next read. */
  private readonly unanswered = new Set<Redis>();
  /** Whether this backend sent any write: one that sent none knows nothing of writes made before it (another process). */
  private wroteBefore = false;
  private closed = false;
  /** Clients we ended ourselves: a write they carried may still reach the server. */
  private readonly closedByUs = new WeakSet<Redis>();
  private readonly timeoutMs: number;

  constructor(
    private readonly config: RedisConfig,
    private readonly deps: { secrets: SecretResolver; timeoutMs?: number },
  ) {
    this.timeoutMs = deps.timeoutMs ?? 3000;
    this.target = `redis ${hostOf(config.url)} key ${config.key}${config.field ? ` field ${config.field}` : ''}`;
  }

  async read(signal: AbortSignal): Promise<FlagValue> {
    const client = await this.connected(signal);
    return this.get(client, signal);
  }

  async readAfterUnknownWrite(signal: AbortSignal): Promise<ReadAfterUnknownWrite> {
    const client = await this.connected(signal);
    const value = await this.get(client, signal);
    const carriers = [...this.unanswered];
    // Same connection, read sent after the write: Redis answered the write first.
    const sameConnection = (carrier: Redis) => carrier === client;
    // The connection that carried it is gone, closed by the server or the network.
    const gone = (carrier: Redis) => carrier.status === 'end' && !this.closedByUs.has(carrier);
    const conclusive = this.wroteBefore && carriers.every((carrier) => sameConnection(carrier) || gone(carrier));
    if (!conclusive) return { value, conclusive };
    this.unanswered.clear();
    let reason = 'the write was never sent';
    if (carriers.some(sameConnection)) reason = 'Redis answered this read after the write on the same connection, so the write cannot land later';
    else if (carriers.length > 0) reason = 'the connection that carried the write is closed, so it can no longer land';
    return { value, conclusive, reason };
  }

  async write(value: FlagValue, signal: AbortSignal): Promise<void> {
    this.wroteBefore = true;
    let client: Redis;
    try {
      client = await this.connected(signal);
    } catch (error) {
      throw notSent(this.target, error, signal);
    }
    // Past the deadline nothing may be sent: the caller has already reported the write.
    if (signal.aborted) throw notSent(this.target, abortReason(signal, this.target), signal);
    const { key, field } = this.config;
    const text = value === null ? null : String(value);
    let command: Promise<unknown>;
    if (text === null) command = field ? client.hdel(key, field) : client.del(key);
    else command = field ? client.hset(key, field, text) : client.set(key, text);
    await this.sendWrite(client, command, signal);
  }

  /**
   * Sends one write on `client` and says what its answer proves: no answer
   * by the deadline is unknown; a connection that could not take it sent
   * nothing; an error reply or an answer means the server executed it, and
   * everything before it on this connection too.
   */
  private async sendWrite<T>(client: Redis, command: Promise<T>, signal: AbortSignal): Promise<T> {
    const earlierUnanswered = this.unanswered.has(client);
    this.unanswered.add(client);
    try {
      const answer = await untilAborted(command, signal, this.target);
      this.unanswered.delete(client);
      return answer;
    } catch (error) {
      if (isUnanswered(error, signal)) throw new WriteOutcomeUnknown(`${this.target}: ${signal.aborted ? abortReason(signal, this.target).message : messageOf(error)}`);
      if (isNotWritable(error)) {
        if (!earlierUnanswered) this.unanswered.delete(client);
        throw new FlightdeckError('conflict', `${this.target}: not connected; nothing was sent`);
      }
      this.unanswered.delete(client);
      throw new FlightdeckError('conflict', `${this.target}: ${messageOf(error)}`);
    }
  }

  async writeIf(expected: FlagValue, value: FlagValue, signal: AbortSignal): Promise<boolean> {
    this.wroteBefore = true;
    let client: Redis;
    try {
      client = await this.connected(signal);
    } catch (error) {
      throw notSent(this.target, error, signal);
    }
    if (signal.aborted) throw notSent(this.target, abortReason(signal, this.target), signal);
    const { key, field } = this.config;
    let seen: FlagValue;
    try {
      await untilAborted(client.watch(key), signal, this.target);
      seen = await untilAborted(field ? client.hget(key, field) : client.get(key), signal, this.target);
    } catch (error) {
      // Only WATCH and GET left: the SET never did. The connection still holds the WATCH, so it goes.
      this.drop(client);
      const why = signal.aborted ? 'no answer to the check before the write by the deadline' : messageOf(error);
      throw new FlightdeckError('conflict', `${this.target}: ${why}; the write was never sent`);
    }
    if (!sameFlagValue(seen, expected)) {
      this.drop(client);
      throw new WriteConflict(`${this.target} holds ${describeFlagValue(seen)}, not ${describeFlagValue(expected)} as last read`, seen);
    }
    if (signal.aborted) {
      this.drop(client);
      throw notSent(this.target, abortReason(signal, this.target), signal);
    }
    const text = value === null ? null : String(value);
    const multi = client.multi();
    if (text === null && field) multi.hdel(key, field);
    else if (text === null) multi.del(key);
    else if (field) multi.hset(key, field, text);
    else multi.set(key, text);
    const result: Array<[Error | null, unknown]> | null = await this.sendWrite(client, multi.exec(), signal);
    if (result === null) throw new WriteConflict(`${this.target} changed between the check and the write (WATCH); nothing was written`);
    const failed = result.find(([error]) => error !== null);
    if (failed) throw new FlightdeckError('conflict', `${this.target}: ${messageOf(failed[0])}`);
    return true;
  }

  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    if (client) {
      this.closedByUs.add(client);
      client.disconnect();
    }
  }

  /** Ends a connection we will not use again; what it carried may still reach the server (closedByUs). */
  private drop(client: Redis): void {
    this.closedByUs.add(client);
    client.disconnect();
    if (this.client === client) this.client = null;
  }

  private async get(client: Redis, signal: AbortSignal): Promise<FlagValue> {
    const { key, field } = this.config;
    try {
      return await untilAborted(field ? client.hget(key, field) : client.get(key), signal, this.target);
    } catch (error) {
      if (signal.aborted) throw abortReason(signal, this.target);
      throw new FlightdeckError('conflict', `${this.target}: ${messageOf(error)}`);
    }
  }

  /** The live client, or a new one connected within the signal's deadline. */
  private async connected(signal: AbortSignal): Promise<Redis> {
    if (this.closed) throw new FlightdeckError('conflict', `${this.target}: the backend is closed`);
    if (this.client && this.client.status === 'ready') return this.client;
    if (!this.connecting) {
      this.connecting = this.connect().finally(() => {
        this.connecting = null;
      });
    }
    return untilAborted(this.connecting, signal, this.target);
  }

  private async connect(): Promise<Redis> {
    const options = honestRedisOptions(this.timeoutMs);
    if (this.config.password) options.password = resolveSecret(this.config.password, this.deps.secrets, hostDestination(this.config.url)).value;
    const client = new Redis(this.config.url, options);
    // Errors also reach the pending command; without a listener ioredis would log them.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      this.closedByUs.add(client);
      client.disconnect();
      const code = (error as { code?: unknown }).code;
      throw new FlightdeckError('not-found', `${this.target}: could not connect (${typeof code === 'string' ? code : messageOf(error)})`);
    }
    if (this.closed) {
      this.closedByUs.add(client);
      client.disconnect();
      throw new FlightdeckError('conflict', `${this.target}: the backend is closed`);
    }
    const previous = this.client;
    if (previous && previous !== client && previous.status !== 'end') {
      this.closedByUs.add(previous);
      previous.disconnect();
    }
    this.client = client;
    return client;
  }
}

/** "Command timed out", "Connection is closed." and the caller's deadline: the write may have landed. */
function isUnanswered(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return true;
  const message = messageOf(error);
  // The last is a MULTI/EXEC cut off by the connection's end.
  return message === 'Command timed out' || message.startsWith('Connection is closed') || message.startsWith('Command aborted due to connection close');
}

/** ioredis refused to send: nothing left the client. */
function isNotWritable(error: unknown): boolean {
  return messageOf(error).startsWith("Stream isn't writeable");
}

function notSent(target: string, error: unknown, signal: AbortSignal): FlightdeckError {
  if (signal.aborted) return new FlightdeckError('not-found', `${target}: still connecting at the deadline; nothing was sent`);
  return error instanceof FlightdeckError ? error : new FlightdeckError('not-found', `${target}: ${messageOf(error)}; nothing was sent`);
}

function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || '127.0.0.1'}:${parsed.port || '6379'}${parsed.pathname && parsed.pathname !== '/' ? ` db ${parsed.pathname.slice(1)}` : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
