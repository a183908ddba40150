/**
 * The OS-keyring side of the vault. Electron's safeStorage is injected as a
 * SafeStorageLike (services never import Electron) and seals the vault's data
 * key, which then seals each value with AES-256-GCM like the passphrase
 * vault: one entry format, the same tamper and swap checks, and one keyring
 * call per session rather than one per secret.
 *
 * safeStorage is only worth trusting when a real keyring holds its key. On
 * Linux without one, Chromium falls back to a hard-coded password
 * ('basic_text') or cannot tell ('unknown'): encrypting with it would only
 * look safe, so those machines get the passphrase vault.
 */
import { FlightdeckError } from '../../../shared/errors';
import { KEY_BYTES } from './sealed-box';

/** The part of Electron's safeStorage the vault uses. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron: which keyring backs the key. */
  getSelectedStorageBackend?(): string;
}

export type VaultKind = 'safe-storage' | 'passphrase';

const UNTRUSTED_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

/** Which vault a new vault file should be; an existing file keeps its own kind. */
export function chooseVaultKind(safeStorage: SafeStorageLike | null, platform: NodeJS.Platform): VaultKind {
  if (!safeStorage || !safeStorage.isEncryptionAvailable()) return 'passphrase';
  if (platform === 'linux') {
    // Without the method we cannot tell a keyring from the hard-coded fallback: assume the fallback.
    const backend = safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    if (UNTRUSTED_LINUX_BACKENDS.has(backend)) return 'passphrase';
  }
  return 'safe-storage';
}

export function wrapDataKey(safeStorage: SafeStorageLike, dataKey: Buffer): { safeStorage: string } {
  return { safeStorage: safeStorage.encryptString(dataKey.toString('base64')).toString('base64') };
}

export function unwrapDataKey(safeStorage: SafeStorageLike, wrapped: { safeStorage: string }): Buffer {
  let text: string;
  try {
    text = safeStorage.decryptString(Buffer.from(wrapped.safeStorage, 'base64'));
  } catch {
    throw new FlightdeckError('forbidden', "The OS keyring could not decrypt the vault's key (the keyring changed or the file was copied from another account); the stored secrets cannot be read here.");
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES) {
    key.fill(0);
    throw new FlightdeckError('forbidden', "The OS keyring returned something that is not the vault's key; the stored secrets cannot be read here.");
  }
  return key;
}
