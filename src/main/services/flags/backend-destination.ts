/**
 * Where a flag backend's secrets go: the same URL the backend connects to,
 * in destination.ts's words. A MongoDB URL that is itself a secret names
 * its own host, so the vault judges the value's host before the driver
 * ever sees it.
 */
import type { FlagBackendConfig } from '../profile/flags-schema';
import { isSecretRef } from '../profile/secret-ref';
import { hostDestination, httpDestination } from '../vault/destination';
import type { DestinationOf } from '../vault/secret-scope';

export function flagBackendDestination(backend: FlagBackendConfig): DestinationOf {
  switch (backend.type) {
    case 'http':
      return httpDestination(backend.url);
    case 'redis':
      return hostDestination(backend.url);
    case 'mongodb':
      return isSecretRef(backend.url) ? hostDestination : hostDestination(backend.url);
    case 'heroku':
    case 'railway':
      return httpDestination(backend.apiUrl);
  }
}
