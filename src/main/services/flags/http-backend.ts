/**
 * A flag held by the application's own JSON admin API, as in
 * dual-dashboard-rollout.md (/api/admin/feature-flags/<name>): GET the
 * resource and take the value at `field` (a dot path), write it with the
 * configured method and the body { field: value } (nested for dot paths).
 * Headers may name vault secrets (Authorization: { secret: ADMIN_TOKEN,
 * prefix: "Bearer " }).
 */
import type { Dispatcher } from 'undici';
import type { FlagBackendConfig } from '../profile/flags-schema';
import { bodyForPath, valueAtPath } from './dot-path';
import { sameFlagValue, type FlagBackend, type FlagValue } from './flag-backend';
import { displayUrl, requestJson } from './http-json';
import { httpDestination } from '../vault/destination';
import { resolveHeaders, type SecretResolver } from '../vault/secrets';

type HttpConfig = Extract<FlagBackendConfig, { type: 'http' }>;

export class HttpFlagBackend implements FlagBackend {
  readonly target: string;
  /** The last read and its ETag: what a conditional write matches against. */
  private lastRead: { value: FlagValue; etag: string } | null = null;

  constructor(
    private readonly config: HttpConfig,
    private readonly deps: { secrets: SecretResolver; dispatcher?: Dispatcher },
  ) {
    this.target = `http ${displayUrl(config.url)} field ${config.field}`;
  }

  async read(signal: AbortSignal): Promise<FlagValue> {
    const { all: headers, secretValues } = resolveHeaders(this.config.headers, this.deps.secrets, httpDestination(this.config.url));
    const answer = await requestJson({ url: this.config.url, method: 'GET', headers, signal, dispatcher: this.deps.dispatcher, what: this.target, secretValues });
    const value = valueAtPath(answer.json, this.config.field, this.target);
    this.lastRead = answer.etag ? { value, etag: answer.etag } : null;
    return value;
  }

  async write(value: FlagValue, signal: AbortSignal): Promise<void> {
    await this.send(value, signal, null);
  }

  /**
   * With If-Match when the last read of `expected` came with an ETag: a
   * server that honours it refuses (412) a write held past a newer change.
   * Without one the write goes plainly, and the answer says so (false).
   */
  async writeIf(expected: FlagValue, value: FlagValue, signal: AbortSignal): Promise<boolean> {
    const etag = this.lastRead && sameFlagValue(this.lastRead.value, expected) ? this.lastRead.etag : null;
    await this.send(value, signal, etag);
    return etag !== null;
  }

  private async send(value: FlagValue, signal: AbortSignal, ifMatch: string | null): Promise<void> {
    const { all, secretValues } = resolveHeaders(this.config.headers, this.deps.secrets, httpDestination(this.config.url));
    const headers = ifMatch ? { ...all, 'if-match': ifMatch } : all;
    this.lastRead = null;
    await requestJson({
      url: this.config.url,
      method: this.config.method,
      headers,
      body: bodyForPath(this.config.field, value),
      signal,
      dispatcher: this.deps.dispatcher,
      what: this.target,
      secretValues,
    });
  }

  async close(): Promise<void> {
    // undici's pool belongs to the dispatcher, shared with the rest of main.
  }
}
