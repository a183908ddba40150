/**
 * A flag kept as a Heroku config var, through the Platform API: GET and
 * PATCH {apiUrl}/apps/{app}/config-vars with the version 3 Accept header
 * and a bearer token from the vault. Config vars are strings (a percentage
 * is written as "50"); null removes the var. Heroku restarts the app's
 * dynos on a change, so the new value is in force once they are back.
 */
import type { Dispatcher } from 'undici';
import { FlightdeckError } from '../../../shared/errors';
import type { FlagBackendConfig } from '../profile/flags-schema';
import type { FlagBackend, FlagValue } from './flag-backend';
import { requestJson } from './http-json';
import { httpDestination } from '../vault/destination';
import { resolveSecret, type SecretResolver } from '../vault/secrets';

type HerokuConfig = Extract<FlagBackendConfig, { type: 'heroku' }>;

export const HEROKU_ACCEPT = 'application/vnd.heroku+json; version=3';

export class HerokuFlagBackend implements FlagBackend {
  readonly target: string;
  private readonly url: string;

  constructor(
    private readonly config: HerokuConfig,
    private readonly deps: { secrets: SecretResolver; dispatcher?: Dispatcher },
  ) {
    this.target = `heroku app ${config.app} var ${config.var}`;
    this.url = `${config.apiUrl.replace(/\/+$/, '')}/apps/${encodeURIComponent(config.app)}/config-vars`;
  }

  async read(signal: AbortSignal): Promise<FlagValue> {
    return this.varOf(await this.call('GET', undefined, signal));
  }

  async write(value: FlagValue, signal: AbortSignal): Promise<void> {
    const answer = await this.call('PATCH', { [this.config.var]: value === null ? null : String(value) }, signal);
    // Heroku answers with the whole map; one without the var set as asked is not an acknowledgement.
    const now = this.varOf(answer);
    if (now !== (value === null ? null : String(value))) {
      throw new FlightdeckError('conflict', `${this.target}: Heroku answered with ${String(now)} instead of ${String(value)}`);
    }
  }

  async close(): Promise<void> {
    // Nothing held: each call is one request on the shared dispatcher.
  }

  private async call(method: 'GET' | 'PATCH', body: Record<string, string | null> | undefined, signal: AbortSignal): Promise<unknown> {
    const token = resolveSecret(this.config.token, this.deps.secrets, httpDestination(this.url));
    const answer = await requestJson({
      url: this.url,
      method,
      headers: { Accept: HEROKU_ACCEPT, Authorization: `Bearer ${token.value}` },
      body,
      signal,
      dispatcher: this.deps.dispatcher,
      what: this.target,
      secretValues: [token.value],
    });
    return answer.json;
  }

  private varOf(map: unknown): string | null {
    if (typeof map !== 'object' || map === null || Array.isArray(map)) {
      throw new FlightdeckError('bad-input', `${this.target}: Heroku answered without a config var map`);
    }
    const value = (map as Record<string, unknown>)[this.config.var];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') throw new FlightdeckError('bad-input', `${this.target}: the config var is not a string`);
    return value;
  }
}
