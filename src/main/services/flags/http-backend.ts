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
import type { FlagBackend, FlagValue } from './flag-backend';
import { displayUrl, requestJson } from './http-json';
import { httpDestination } from '../vault/destination';
import { resolveHeaders, type SecretResolver } from '../vault/secrets';

type HttpConfig = Extract<FlagBackendConfig, { type: 'http' }>;

export class HttpFlagBackend implements FlagBackend {
  readonly target: string;

  constructor(
    private readonly config: HttpConfig,
    private readonly deps: { secrets: SecretResolver; dispatcher?: Dispatcher },
  ) {
    this.target = `http ${displayUrl(config.url)} field ${config.field}`;
  }

  async read(signal: AbortSignal): Promise<FlagValue> {
    const { all: headers, secretValues } = resolveHeaders(this.config.headers, this.deps.secrets, httpDestination(this.config.url));
    const answer = await requestJson({ url: this.config.url, method: 'GET', headers, signal, dispatcher: this.deps.dispatcher, what: this.target, secretValues });
    return valueAtPath(answer.json, this.config.field, this.target);
  }

  async write(value: FlagValue, signal: AbortSignal): Promise<void> {
    const { all: headers, secretValues } = resolveHeaders(this.config.headers, this.deps.secrets, httpDestination(this.config.url));
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
