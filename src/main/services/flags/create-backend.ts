/**
 * Builds the backend a flag's profile entry names. Backends connect lazily,
 * so building one does no I/O and needs no secret until the first read.
 */
import type { Dispatcher } from 'undici';
import type { FlagBackendConfig } from '../profile/flags-schema';
import type { SecretResolver } from '../vault/secrets';
import type { FlagBackend } from './flag-backend';
import { HerokuFlagBackend } from './heroku-backend';
import { HttpFlagBackend } from './http-backend';
import { MongoFlagBackend } from './mongo-backend';
import { RailwayFlagBackend } from './railway-backend';
import { RedisFlagBackend } from './redis-backend';

export interface FlagBackendDeps {
  secrets: SecretResolver;
  /** undici dispatcher for the HTTP-based backends (tests, proxies); undici's global one otherwise. */
  dispatcher?: Dispatcher;
  /** The flag's deadline, for the clients' own timeouts (redis, mongodb); 3000 ms when absent. */
  timeoutMs?: number;
}

export function createFlagBackend(config: FlagBackendConfig, deps: FlagBackendDeps): FlagBackend {
  switch (config.type) {
    case 'http':
      return new HttpFlagBackend(config, deps);
    case 'redis':
      return new RedisFlagBackend(config, deps);
    case 'mongodb':
      return new MongoFlagBackend(config, deps);
    case 'heroku':
      return new HerokuFlagBackend(config, deps);
    case 'railway':
      return new RailwayFlagBackend(config, deps);
  }
}
