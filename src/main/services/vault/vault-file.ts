/**
 * The vault on disk: one JSON file, readable by its owner only, replaced
 * atomically. It holds names in the clear (the interface lists them while
 * locked) and every value sealed with the vault's data key. The data key is
 * itself sealed, by a key derived from the passphrase (scrypt) or by the OS
 * keyring (safeStorage); opening it is how a passphrase is checked.
 *
 * Version 2 adds each entry's scope, the destinations it may be sent to,
 * in the clear (the window lists it while locked) and bound into the
 * entry's associated data, so a scope edited without the key fails the
 * entry's integrity check. An entry without a scope (every entry of a
 * version 1 file) is sealed as version 1 sealed it: it reads as before,
 * as "unscoped", and goes nowhere until it is given a scope.
 */
import { dirname } from 'node:path';
import { z } from 'zod';
import { FlightdeckError } from '../../../shared/errors';
import { SecretName } from '../profile/secret-ref';
import { writeFileAtomic } from '../storage/durable-fs';
import { makePrivateDir } from '../storage/private-fs';
import { FILE_LIMITS, readRegularFileSync } from '../storage/read-regular-file';

export const VAULT_FORMAT = 'flightdeck-vault';
/** The version this code writes; it reads 1 (no scopes) and 2. */
export const VAULT_VERSION = 2;
export const VAULT_FILE_NAME = 'vault.json';
const OWNER_ONLY = 0o600;

// Strict on purpose: Buffer.from(…, 'base64') skips characters it does not know, which would hide an edit.
const Base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be base64');

const SealedSchema = z.object({ iv: Base64, data: Base64, tag: Base64 }).strict();

/** One destination as stored: canonical text (destination.ts), checked again by the entry's associated data. */
const ScopeEntry = z.string().min(1).max(300).regex(/^[^\s\0]+$/, 'must be one destination');
const SecretEntrySchema = SealedSchema.extend({ scope: z.array(ScopeEntry).min(1).max(64).optional() }).strict();
export type SecretEntry = z.infer<typeof SecretEntrySchema>;

/** Bounds on what a file may ask for: below them the passphrase is cheap to guess, above them unlocking stalls. */
export const SCRYPT_LIMITS = { minN: 2 ** 15, maxN: 2 ** 20, minR: 8, maxR: 32, minP: 1, maxP: 16 } as const;

export const ScryptParamsSchema = z
  .object({
    name: z.literal('scrypt'),
    N: z
      .number()
      .int()
      .min(SCRYPT_LIMITS.minN)
      .max(SCRYPT_LIMITS.maxN)
      .refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
    r: z.number().int().min(SCRYPT_LIMITS.minR).max(SCRYPT_LIMITS.maxR),
    p: z.number().int().min(SCRYPT_LIMITS.minP).max(SCRYPT_LIMITS.maxP),
    salt: Base64,
  })
  .strict();
export type ScryptParams = z.infer<typeof ScryptParamsSchema>;

const common = {
  format: z.literal(VAULT_FORMAT),
  version: z.union([z.literal(1), z.literal(2)]),
  /** Random, bound into every entry's associated data: entries cannot move between vaults. */
  id: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 hex digits'),
  secrets: z.record(SecretName, SecretEntrySchema),
};

const PassphraseVaultFileSchema = z
  .object({
    ...common,
    kind: z.literal('passphrase'),
    kdf: ScryptParamsSchema,
    /** The data key sealed with the passphrase key; it opens only with the right passphrase. */
    dataKey: SealedSchema,
  })
  .strict();

const SafeStorageVaultFileSchema = z
  .object({
    ...common,
    kind: z.literal('safe-storage'),
    /** The data key as safeStorage.encryptString returned it, base64. */
    dataKey: z.object({ safeStorage: Base64 }).strict(),
  })
  .strict();

export const VaultFileSchema = z.discriminatedUnion('kind', [PassphraseVaultFileSchema, SafeStorageVaultFileSchema]);
export type VaultFile = z.infer<typeof VaultFileSchema>;
export type PassphraseVaultFile = z.infer<typeof PassphraseVaultFileSchema>;
export type SafeStorageVaultFile = z.infer<typeof SafeStorageVaultFileSchema>;

function damaged(file: string, detail: string, field?: string): FlightdeckError {
  return new FlightdeckError('bad-input', `The vault file is damaged or not a Flightdeck vault (${detail}); move it aside to start a new vault.`, field ? { file, field } : { file });
}

/** The vault file, or null when there is none yet. */
export function readVaultFile(file: string): VaultFile | null {
  let text: string;
  try {
    // Synchronous like the rest of the vault (it answers get() at once), but a FIFO or device in its place is refused, not waited on.
    text = readRegularFileSync(file, { maxBytes: FILE_LIMITS.vaultBytes, what: 'a vault' }).toString('utf8');
  } catch (err) {
    if (err instanceof FlightdeckError && err.code === 'not-found') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw damaged(file, `not JSON: ${(err as Error).message}`);
  }
  const parsed = VaultFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    throw damaged(file, field ? `${field}: ${issue.message}` : issue.message, field || undefined);
  }
  return parsed.data;
}

export function writeVaultFile(file: string, vault: VaultFile): void {
  makePrivateDir(dirname(file));
  writeFileAtomic(file, `${JSON.stringify(vault, null, 2)}\n`, OWNER_ONLY);
}

/**
 * Associated data of a secret entry: the vault, the name and the scope it
 * was sealed for. Without a scope it is exactly version 1's, so entries
 * written before scopes existed still open (as unscoped); adding, removing
 * or editing a scope without the key makes the entry fail to open.
 */
export function entryAssociatedData(vaultId: string, name: string, scope?: readonly string[]): string {
  if (scope === undefined) return `${VAULT_FORMAT}/1\0${vaultId}\0secret\0${name}`;
  return `${VAULT_FORMAT}/2\0${vaultId}\0secret\0${name}\0scope\0${scope.join('\0')}`;
}

/** Associated data of the sealed data key. */
export function dataKeyAssociatedData(vaultId: string): string {
  return `${VAULT_FORMAT}/1\0${vaultId}\0data-key`;
}
