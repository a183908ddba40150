/**
 * Request headers from the profile, with `{secret: NAME}` values looked up
 * in the vault at the moment of the request (never cached in the probe), so
 * locking the vault or rotating a token takes effect on the next probe.
 */
import { isSecretRef, type MaybeSecret } from '../profile/secret-ref';
import type { SecretResolver } from '../vault/secrets';

export interface ResolvedHeaders {
  /** Every header, secret ones included. */
  all: Record<string, string>;
  /** Only the literal ones: what may follow a redirect to another origin. */
  literal: Record<string, string>;
  /** Secret values in use, to scrub from any message. */
  secretValues: string[];
}

/** Throws the resolver's FlightdeckError (locked vault, unknown name); it names the secret, never a value. */
export function resolveHeaders(headers: Readonly<Record<string, MaybeSecret>>, secrets: SecretResolver): ResolvedHeaders {
  const resolved: ResolvedHeaders = { all: {}, literal: {}, secretValues: [] };
  for (const [name, value] of Object.entries(headers)) {
    if (isSecretRef(value)) {
      const secret = secrets.get(value.secret);
      resolved.all[name] = `${value.prefix ?? ''}${secret}`;
      resolved.secretValues.push(secret);
    } else {
      resolved.all[name] = value;
      resolved.literal[name] = value;
    }
  }
  return resolved;
}
