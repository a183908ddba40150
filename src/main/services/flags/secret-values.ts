/**
 * Profile values that may name a vault secret ({ secret: NAME, prefix? }),
 * resolved at the moment of use so a locked vault stops the action with
 * the resolver's message. Callers keep the resolved values to scrub them
 * from any message built from a server's answer.
 */
import { isSecretRef, type MaybeSecret, type SecretRef } from '../profile/secret-ref';
import type { SecretResolver } from '../vault/secrets';

export interface Resolved {
  value: string;
  /** The secret part, when there is one, to keep out of messages. */
  secret: string | null;
}

export function resolveSecret(ref: SecretRef, secrets: SecretResolver): Resolved {
  const secret = secrets.get(ref.secret);
  return { value: `${ref.prefix ?? ''}${secret}`, secret };
}

export function resolveMaybeSecret(value: MaybeSecret, secrets: SecretResolver): Resolved {
  return isSecretRef(value) ? resolveSecret(value, secrets) : { value, secret: null };
}

/** Resolves every header; returns the headers and the secret values they carry. */
export function resolveHeaders(headers: Record<string, MaybeSecret>, secrets: SecretResolver): { headers: Record<string, string>; secretValues: string[] } {
  const out: Record<string, string> = {};
  const secretValues: string[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const resolved = resolveMaybeSecret(value, secrets);
    out[name] = resolved.value;
    if (resolved.secret !== null) secretValues.push(resolved.secret);
  }
  return { headers: out, secretValues };
}
