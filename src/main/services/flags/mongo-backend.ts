/**
 * A flag stored in a MongoDB document: read with findOne(filter), written
 * with updateOne(filter, { $set: { field: value } }) under write concern
 * majority, so an acknowledged write survives a primary failover. Every
 * step has a deadline: server selection, connect, socket, maxTimeMS on the
 * server and wtimeoutMS for the majority.
 *
 * Outcomes of a write:
 * - no document matches the filter, server selection failed (nothing was
 *   sent), or the server refused (auth, validation): failed.
 * - network error, socket timeout, maxTimeMS expiry or a write concern
 *   timeout: unknown. The primary may have applied it (a write concern
 *   timeout says exactly that: applied, not yet on a majority), so a read
 *   showing the old value is never conclusive here.
 *
 * A conditional write (writeIf) puts the expected old value in the
 * update's filter: a document that moved on matches nothing, so nothing is
 * written, and a read says what it holds instead.
 *
 * The driver is imported on first use: most profiles never need it.
 */
import type { MongoClient } from 'mongodb';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import type { FlagBackendConfig } from '../profile/flags-schema';
import { connectDeadline, untilAborted } from './deadline';
import { valueAtPath } from './dot-path';
import { describeFlagValue, WriteConflict, WriteOutcomeUnknown, type FlagBackend, type FlagValue } from './flag-backend';
import { scrubSecrets } from './http-json';
import { resolveMaybeSecret, type SecretResolver } from '../vault/secrets';
import { flagBackendDestination } from './backend-destination';

type MongoConfig = Extract<FlagBackendConfig, { type: 'mongodb' }>;

/** Errors after which the server may have applied the update. */
const UNKNOWN_ERRORS = new Set(['MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoWriteConcernError', 'MongoOperationTimeoutError']);
const MAX_TIME_EXPIRED = 50;
const WRITE_CONCERN_TIMEOUT = 64;

export class MongoFlagBackend implements FlagBackend {
  readonly target: string;
  private client: Promise<MongoClient> | null = null;
  private urlSecret: string | null = null;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: MongoConfig,
    private readonly deps: { secrets: SecretResolver; timeoutMs?: number },
  ) {
    this.timeoutMs = deps.timeoutMs ?? 3000;
    const where = typeof config.url === 'string' ? hostsOf(config.url) : `«secret:${config.url.secret}»`;
    this.target = `mongodb ${where} ${config.database}.${config.collection} ${JSON.stringify(config.filter)} field ${config.field}`;
  }

  async read(signal: AbortSignal): Promise<FlagValue> {
    const collection = await this.collection(signal);
    try {
      const doc = await untilAborted(
        collection.findOne(this.config.filter, { projection: { [this.config.field]: 1 }, maxTimeMS: this.timeoutMs }),
        signal,
        this.target,
      );
      if (!doc) throw new FlightdeckError('not-found', `${this.target}: no document matches the filter`);
      return valueAtPath(doc, this.config.field, this.target);
    } catch (error) {
      throw this.scrubbed(error);
    }
  }

  async write(value: FlagValue, signal: AbortSignal): Promise<void> {
    await this.update(this.config.filter, value, signal);
  }

  async writeIf(expected: FlagValue, value: FlagValue, signal: AbortSignal): Promise<boolean> {
    const matched = await this.update({ ...this.config.filter, [this.config.field]: expected }, value, signal, true);
    if (!matched) {
      const seen = await this.read(signal);
      throw new WriteConflict(`${this.target} holds ${describeFlagValue(seen)}, not ${describeFlagValue(expected)} as last read; nothing was written`, seen);
    }
    return true;
  }

  /** `quiet`: no match is an answer (false), not an error. */
  private async update(filter: Record<string, unknown>, value: FlagValue, signal: AbortSignal, quiet = false): Promise<boolean> {
    let collection: Awaited<ReturnType<MongoFlagBackend['collection']>>;
    try {
      collection = await this.collection(signal);
    } catch (error) {
      // Not connected: nothing was sent.
      if (signal.aborted) throw new FlightdeckError('not-found', `${this.target}: still connecting at the deadline; nothing was sent`);
      throw new FlightdeckError('not-found', `${messageOf(this.scrubbed(error))}; nothing was sent`);
    }
    if (signal.aborted) throw new FlightdeckError('not-found', `${this.target}: still connecting at the deadline; nothing was sent`);
    let result: { matchedCount: number };
    try {
      result = await untilAborted(
        collection.updateOne(filter, { $set: { [this.config.field]: value } }, { writeConcern: { w: 'majority', wtimeoutMS: this.timeoutMs }, maxTimeMS: this.timeoutMs }),
        signal,
        this.target,
      );
    } catch (error) {
      if (signal.aborted || isUnknown(error)) throw new WriteOutcomeUnknown(messageOf(this.scrubbed(error)));
      throw this.scrubbed(error);
    }
    if (result.matchedCount === 0 && !quiet) throw new FlightdeckError('not-found', `${this.target}: no document matches the filter; nothing was written`);
    return result.matchedCount > 0;
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await client.then((c) => c.close()).catch(() => undefined);
  }

  private async collection(signal: AbortSignal) {
    if (!this.client) {
      const pending = this.connect();
      this.client = pending;
      pending.catch(() => {
        if (this.client === pending) this.client = null;
      });
    }
    const client = await untilAborted(this.client, signal, this.target);
    return client.db(this.config.database).collection(this.config.collection);
  }

  private async connect(): Promise<MongoClient> {
    const { MongoClient } = await import('mongodb');
    // A secret URL is judged by its own host before the driver sees it.
    const url = resolveMaybeSecret(this.config.url, this.deps.secrets, flagBackendDestination(this.config));
    this.urlSecret = url.secret;
    const client = new MongoClient(url.value, {
      // Shorter than the caller's deadline: an unreachable server is "not sent", not unknown.
      serverSelectionTimeoutMS: connectDeadline(this.timeoutMs),
      connectTimeoutMS: connectDeadline(this.timeoutMs),
      socketTimeoutMS: this.timeoutMs,
      // A driver-level retry after our deadline would be a write nobody reports.
      retryWrites: false,
      retryReads: true,
    });
    await client.connect();
    return client;
  }

  /** Driver messages can quote the connection string; the secret part never leaves. */
  private scrubbed(error: unknown): Error {
    if (error instanceof FlightdeckError) return error;
    const message = scrubSecrets(`${this.target}: ${messageOf(error)}`, this.urlSecret ? [this.urlSecret] : []);
    return new FlightdeckError('conflict', message);
  }
}

function isUnknown(error: unknown): boolean {
  const e = error as { name?: unknown; code?: unknown; writeConcernError?: unknown; errorResponse?: { writeConcernError?: unknown } };
  if (typeof e.name === 'string' && UNKNOWN_ERRORS.has(e.name)) return true;
  if (e.code === MAX_TIME_EXPIRED || e.code === WRITE_CONCERN_TIMEOUT) return true;
  return e.writeConcernError !== undefined || e.errorResponse?.writeConcernError !== undefined;
}

/** Hosts of a mongodb:// URL without user, password or options. */
function hostsOf(url: string): string {
  const match = /^mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?([^/?]+)/.exec(url);
  return match?.[1] ?? '(invalid URL)';
}
