/**
 * Electron's safeStorage as the vault sees it. Services never import
 * Electron; the desktop shell hands them this adapter, and browser mode and
 * the CLI hand them null (a passphrase vault). Call it after app 'ready':
 * before that, safeStorage reports encryption as unavailable on Linux and
 * Windows.
 */
import { safeStorage } from 'electron';
import type { SafeStorageLike } from '../services/vault/safe-storage-key';

export function electronSafeStorage(platform: NodeJS.Platform = process.platform): SafeStorageLike {
  const adapter: SafeStorageLike = {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    encryptString: (plainText) => safeStorage.encryptString(plainText),
    decryptString: (encrypted) => safeStorage.decryptString(encrypted),
  };
  // Electron documents the backend query for Linux only, where the keyring may be a hard-coded fallback.
  if (platform === 'linux') adapter.getSelectedStorageBackend = () => safeStorage.getSelectedStorageBackend();
  return adapter;
}
