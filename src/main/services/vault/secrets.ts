/**
 * How services get secrets: by name, from main's vault, at the moment of
 * use, for one destination. A locked vault or a missing name throws a
 * FlightdeckError that says which name and what to do; a destination
 * outside the secret's own scope is refused (secret-scope.ts), whatever a
 * profile says. No error ever includes a value.
 */
import { isSecretRef, type MaybeSecret, type SecretRef } from '../profile/secret-ref';
import type { DestinationOf } from './secret-scope';

export interface SecretResolver {
  /**
   * The value of the named secret, released to `destination` (destination.ts:
   * an origin, host:port or program:NAME, computed from the very target the
   * caller connects to; a function when the value is itself the connection
   * URL). Throws FlightdeckError('locked' | 'not-found' | 'forbidden').
   */
  get(name: string, destination: DestinationOf): string;
  /** True when the secret is present and readable now (says nothing of where it may go). */
  has(name: string): boolean;
}

/**
 * Replaces every known secret value (and simple encodings of it) in a text
 * with «secret:NAME». Logs, errors, events, journal entries and command
 * output pass through it before they leave main.
 */
export interface Redactor {
  redact(text: string): string;
}

/** A Redactor that also copies whole payloads (journal entries, call results) with every string redacted. */
export interface PayloadRedactor extends Redactor {
  redactDeep<T>(value: T): T;
}

/** A profile value resolved at the moment of use; `secret` is the part to keep out of messages. */
export interface ResolvedValue {
  value: string;
  secret: string | null;
}

/** `{ secret: NAME, prefix? }` → its value now; throws the resolver's error (locked, missing), which names the secret only. */
export function resolveSecret(ref: SecretRef, secrets: SecretResolver, destination: DestinationOf): ResolvedValue {
  const secret = secrets.get(ref.secret, destination);
  return { value: `${ref.prefix ?? ''}${secret}`, secret };
}

/** A literal stays as it is; a secret reference is looked up. */
export function resolveMaybeSecret(value: MaybeSecret, secrets: SecretResolver, destination: DestinationOf): ResolvedValue {
  return isSecretRef(value) ? resolveSecret(value, secrets, destination) : { value, secret: null };
}

export interface ResolvedHeaders {
  /** Every header, secret ones included. */
  all: Record<string, string>;
  /** Only the literal ones: what may follow a redirect to another origin. */
  literal: Record<string, string>;
  /** Secret values in use, to scrub from any message built from an answer. */
  secretValues: string[];
}

/**
 * Request headers from the profile, secrets looked up at the moment of the
 * request (never cached), so locking the vault or rotating a token takes
 * effect on the next request. `destination` is the origin the request goes to.
 */
export function resolveHeaders(headers: Readonly<Record<string, MaybeSecret>>, secrets: SecretResolver, destination: DestinationOf): ResolvedHeaders {
  const resolved: ResolvedHeaders = { all: {}, literal: {}, secretValues: [] };
  for (const [name, value] of Object.entries(headers)) {
    const { value: text, secret } = resolveMaybeSecret(value, secrets, destination);
    resolved.all[name] = text;
    if (secret === null) resolved.literal[name] = text;
    else resolved.secretValues.push(secret);
  }
  return resolved;
}
