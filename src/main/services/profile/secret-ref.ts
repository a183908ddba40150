/**
 * A profile never holds a secret value, only its name in the vault:
 * `{ secret: NAME }`. A plain string is a literal that is not secret
 * (a header such as Accept, a user name in a URL without password).
 */
import { z } from 'zod';

export const SECRET_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export const SecretName = z.string().regex(SECRET_NAME, 'must start with a letter and use letters, digits, "_", "." or "-" (at most 64)');

export const SecretRefSchema = z.object({ secret: SecretName, prefix: z.string().max(64).optional() }).strict();
export type SecretRef = z.infer<typeof SecretRefSchema>;

/** A value that is either a literal or a reference to a vault secret. */
export const MaybeSecretSchema = z.union([z.string().max(4096), SecretRefSchema]);
export type MaybeSecret = z.infer<typeof MaybeSecretSchema>;

export function isSecretRef(value: unknown): value is SecretRef {
  return typeof value === 'object' && value !== null && typeof (value as { secret?: unknown }).secret === 'string';
}

/** Every secret name a profile section refers to, found by walking it. */
export function secretNames(value: unknown, into: Set<string> = new Set()): Set<string> {
  if (isSecretRef(value)) into.add(value.secret);
  else if (Array.isArray(value)) for (const v of value) secretNames(v, into);
  else if (typeof value === 'object' && value !== null) for (const v of Object.values(value)) secretNames(v, into);
  return into;
}
