/**
 * The one rule that decides whether a secret may be released to a
 * destination: only when the destination is on the secret's own scope,
 * the list the operator gave when storing it. A profile cannot widen it,
 * trusted or not; a secret with no scope yet (stored before scopes
 * existed) goes nowhere until someone says where it may go.
 *
 * Destinations are compared as the canonical strings of destination.ts.
 * `local:*` destinations name places inside Flightdeck itself (the signing
 * keys): no profile target can produce one, and an operator cannot type
 * one (normaliseDestination refuses it), so a secret scoped to one can
 * never be sent anywhere.
 */
import { FlightdeckError } from '../../../shared/errors';
import { normaliseDestination, type Destination } from './destination';

/** The signing keys Flightdeck makes for itself: used in main, never sent. */
export const LOCAL_SIGNING: Destination = 'local:signing';

const LOCAL = /^local:[a-z][a-z0-9-]{0,31}$/;
/** Bounds on one scope: enough for any real secret, small enough to read on one screen. */
export const MAX_SCOPE_ENTRIES = 32;

/** Where a secret is being sent, or how to tell it from the value (a connection URL that is itself the secret). */
export type DestinationOf = Destination | ((value: string) => Destination);

export function isLocalDestination(destination: string): boolean {
  return LOCAL.test(destination);
}

/**
 * The operator's scope as stored: every entry canonical, deduplicated,
 * sorted, at least one. Local destinations are refused here: only
 * Flightdeck's own code scopes a secret to one (see Vault.put).
 */
export function normaliseScope(entries: readonly string[]): Destination[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new FlightdeckError('bad-input', 'Say where the secret may be sent: at least one destination (https://api.example.com, db.internal:5432 or program:NAME).', { field: 'scope' });
  }
  const scope = [...new Set(entries.map((entry) => normaliseDestination(String(entry))))].sort();
  if (scope.length > MAX_SCOPE_ENTRIES) throw new FlightdeckError('too-large', `A secret may name at most ${MAX_SCOPE_ENTRIES} destinations.`, { field: 'scope' });
  return scope;
}

/** The scope as written in one line of a message. */
export function describeScope(scope: readonly Destination[]): string {
  return scope.join(', ');
}

/**
 * Throws FlightdeckError('forbidden') unless `destination` is on `scope`;
 * `scope` null means the secret has none yet. The message names the secret,
 * the destination and the scope (never a value); `howToScope` says where
 * this kind of secret gets its scope (the vault's window, an environment
 * variable).
 */
export function checkRelease(name: string, scope: readonly Destination[] | null, destination: Destination, howToScope: string): void {
  if (scope === null) {
    throw new FlightdeckError('forbidden', `Secret "${name}" has no scope yet, so Flightdeck sends it nowhere; it was asked for ${destination}. ${howToScope}`, { field: name });
  }
  if (scope.includes(destination)) return;
  throw new FlightdeckError(
    'forbidden',
    `Secret "${name}" may be sent only to ${describeScope(scope)}; it was refused for ${destination}. ${scope.every(isLocalDestination) ? 'It is a key Flightdeck keeps for itself and is never sent anywhere.' : howToScope}`,
    { field: name },
  );
}

/**
 * The destination a value goes to. A connection URL that is itself the
 * secret names its own host; if it is not a URL, the message says so
 * without quoting it.
 */
export function destinationFor(name: string, value: string, destination: DestinationOf): Destination {
  if (typeof destination === 'string') return destination;
  try {
    return destination(value);
  } catch {
    throw new FlightdeckError('bad-input', `Secret "${name}" does not hold a connection URL Flightdeck can tell the host of, so it is not sent.`, { field: name });
  }
}
