/**
 * Which vault a machine gets. safeStorage only protects anything when a real
 * keyring holds its key: Linux without one ('basic_text', 'unknown') and
 * browser mode (no safeStorage) must get the passphrase vault.
 */
import { describe, expect, it } from 'vitest';
import { chooseVaultKind, type SafeStorageLike } from '../../src/main/services/vault/safe-storage-key';

/** Only the availability answers matter to the chooser; nothing is encrypted here. */
function keyring(available: boolean, backend?: string): SafeStorageLike {
  const store: SafeStorageLike = {
    isEncryptionAvailable: () => available,
    encryptString: () => {
      throw new Error('the chooser must not encrypt');
    },
    decryptString: () => {
      throw new Error('the chooser must not decrypt');
    },
  };
  if (backend !== undefined) store.getSelectedStorageBackend = () => backend;
  return store;
}

describe('chooseVaultKind', () => {
  it('uses a passphrase in browser mode, where there is no safeStorage', () => {
    expect(chooseVaultKind(null, 'linux')).toBe('passphrase');
    expect(chooseVaultKind(null, 'darwin')).toBe('passphrase');
  });

  it('uses a passphrase when safeStorage says encryption is unavailable', () => {
    expect(chooseVaultKind(keyring(false), 'darwin')).toBe('passphrase');
    expect(chooseVaultKind(keyring(false, 'gnome_libsecret'), 'linux')).toBe('passphrase');
  });

  it("refuses Linux's hard-coded fallback and an unknown backend", () => {
    expect(chooseVaultKind(keyring(true, 'basic_text'), 'linux')).toBe('passphrase');
    expect(chooseVaultKind(keyring(true, 'unknown'), 'linux')).toBe('passphrase');
  });

  it('assumes the fallback on Linux when the backend cannot be asked', () => {
    expect(chooseVaultKind(keyring(true), 'linux')).toBe('passphrase');
  });

  it('uses the keyring on Linux with libsecret or KWallet', () => {
    for (const backend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) expect(chooseVaultKind(keyring(true, backend), 'linux')).toBe('safe-storage');
  });

  it('uses the keyring on macOS and Windows when it is available', () => {
    expect(chooseVaultKind(keyring(true), 'darwin')).toBe('safe-storage');
    expect(chooseVaultKind(keyring(true), 'win32')).toBe('safe-storage');
  });
});
