/**
 * The vault on real files with real scrypt and AES-256-GCM: what a user
 * notices (locked means locked, the passphrase is checked, values survive a
 * restart, the file gives nothing away, edits to the file are caught and
 * named) for the passphrase vault and the OS-keyring vault.
 *
 * Electron's safeStorage cannot exist here (no Electron runtime), so the
 * keyring vault runs against TestKeyring below: a stand-in that really
 * encrypts (AES-256-GCM under a fixed test key) and refuses what another
 * keyring encrypted, as safeStorage does.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import type { SafeStorageLike } from '../../src/main/services/vault/safe-storage-key';
import { Vault, type VaultOptions } from '../../src/main/services/vault/vault';
import { VAULT_FILE_NAME } from '../../src/main/services/vault/vault-file';
import { thrown } from '../support/thrown';

/** The cheapest cost the vault accepts; the default (2^17) is checked in one test. */
const TEST_SCRYPT_N = 2 ** 15;
const PASSPHRASE = 'correct horse battery staple ✓';
/** Every secret here may go to this one origin; scopes themselves are tested in vault-scope.test.ts. */
const HERE = 'https://api.example.com';
const SCOPE = [HERE];

const CANARIES: Record<string, string> = {
  DB_PASSWORD: `canary-pg"'\\;$(id)\n-end`,
  REDIS_PASSWORD: 'canary.*+?[redis]{2}|^$',
  API_TOKEN: 'canary-токен-🔑-密钥',
  HEROKU_KEY: 'canary-heroku-0123456789abcdef',
};

/** Electron's safeStorage stand-in: real AES-256-GCM under a fixed key per "keyring". */
class TestKeyring implements SafeStorageLike {
  private readonly key: Buffer;
  constructor(
    private readonly backend: string | null = 'gnome_libsecret',
    keyringName = 'test keyring',
    public available = true,
  ) {
    this.key = createHash('sha256').update(keyringName).digest();
  }
  isEncryptionAvailable(): boolean {
    return this.available;
  }
  encryptString(plainText: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from('v11'), iv, cipher.getAuthTag(), data]);
  }
  decryptString(encrypted: Buffer): string {
    if (encrypted.subarray(0, 3).toString() !== 'v11') throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
    const decipher = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(3, 15));
    decipher.setAuthTag(encrypted.subarray(15, 31));
    return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
  }
  getSelectedStorageBackend(): string {
    return this.backend ?? 'unknown';
  }
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flightdeck-vault-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function vaultIn(dir: string, options: Partial<VaultOptions> = {}): Vault {
  return new Vault({ file: join(dir, VAULT_FILE_NAME), safeStorage: null, platform: 'linux', scryptN: TEST_SCRYPT_N, ...options });
}


async function rejected(action: () => Promise<unknown>): Promise<FlightdeckError> {
  try {
    await action();
  } catch (err) {
    if (err instanceof FlightdeckError) return err;
    throw err;
  }
  throw new Error('expected a FlightdeckError, the promise resolved');
}

/** A passphrase vault in a fresh directory holding every canary. */
async function filledVault(options: Partial<VaultOptions> = {}): Promise<{ dir: string; vault: Vault }> {
  const dir = tempDir();
  const vault = vaultIn(dir, options);
  await vault.unlock(PASSPHRASE);
  for (const [name, value] of Object.entries(CANARIES)) vault.put(name, value, SCOPE);
  return { dir, vault };
}

interface FileShape {
  version?: number;
  id: string;
  kdf?: { N: number; salt: string };
  dataKey: { data?: string; safeStorage?: string };
  secrets: Record<string, { iv: string; data: string; tag: string; scope?: string[] }>;
}
const readShape = (dir: string): FileShape => JSON.parse(readFileSync(join(dir, VAULT_FILE_NAME), 'utf8')) as FileShape;
const writeShape = (dir: string, shape: FileShape) => writeFileSync(join(dir, VAULT_FILE_NAME), JSON.stringify(shape));

/** Every plain encoding of `text` a careless format could have written. */
function encodings(text: string): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  return [bytes, Buffer.from(bytes.toString('base64')), Buffer.from(bytes.toString('base64url')), Buffer.from(bytes.toString('hex')), Buffer.from(JSON.stringify(text).slice(1, -1)), Buffer.from(text, 'utf16le')];
}

describe('passphrase vault', () => {
  it('starts uninitialised; the first unlock sets the passphrase', async () => {
    const dir = tempDir();
    const vault = vaultIn(dir);
    expect(vault.status(['DB_PASSWORD'])).toEqual({ kind: 'passphrase', state: 'uninitialised', names: [], missing: ['DB_PASSWORD'], scopes: {}, unscoped: [] });
    expect(thrown(() => vault.put('DB_PASSWORD', CANARIES.DB_PASSWORD!, SCOPE)).message).toBe('The vault has no passphrase yet: choose one (unlock) before adding secret "DB_PASSWORD".');

    const short = await rejected(() => vault.unlock('short'));
    expect(short.code).toBe('bad-input');
    expect(short.field).toBe('passphrase');
    expect(short.message).toMatch(/at least 8 characters/);
    expect(vault.status().state).toBe('uninitialised');

    await vault.unlock(PASSPHRASE);
    expect(vault.status().state).toBe('unlocked');
    expect(statSync(join(dir, VAULT_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it('stores, lists and returns secrets, and reports what the profile needs', async () => {
    const { vault } = await filledVault();
    expect(vault.get('API_TOKEN', HERE)).toBe(CANARIES.API_TOKEN);
    expect(vault.get('DB_PASSWORD', HERE)).toBe(CANARIES.DB_PASSWORD);
    expect(vault.has('REDIS_PASSWORD')).toBe(true);
    expect(vault.has('NOPE')).toBe(false);
    expect(vault.status(['DB_PASSWORD', 'SLACK_TOKEN', 'AWS_KEY', 'SLACK_TOKEN'])).toEqual({
      kind: 'passphrase',
      state: 'unlocked',
      names: ['API_TOKEN', 'DB_PASSWORD', 'HEROKU_KEY', 'REDIS_PASSWORD'],
      missing: ['AWS_KEY', 'SLACK_TOKEN'],
      scopes: { API_TOKEN: SCOPE, DB_PASSWORD: SCOPE, HEROKU_KEY: SCOPE, REDIS_PASSWORD: SCOPE },
      unscoped: [],
    });
    vault.put('API_TOKEN', 'canary-replaced-token', SCOPE);
    expect(vault.get('API_TOKEN', HERE)).toBe('canary-replaced-token');
  });

  it('lock stops get() with a message naming the secret, and keeps names listed', async () => {
    const { vault } = await filledVault();
    vault.lock();
    const error = thrown(() => vault.get('DB_PASSWORD', HERE));
    expect(error.code).toBe('locked');
    expect(error.message).toBe('The vault is locked: unlock it to use secret "DB_PASSWORD".');
    expect(vault.has('DB_PASSWORD')).toBe(false);
    expect(thrown(() => vault.put('NEW_ONE', 'canary-new-value', SCOPE)).code).toBe('locked');
    expect(thrown(() => vault.delete('DB_PASSWORD')).code).toBe('locked');
    expect(vault.status()).toMatchObject({ state: 'locked', names: ['API_TOKEN', 'DB_PASSWORD', 'HEROKU_KEY', 'REDIS_PASSWORD'] });
    await vault.unlock(PASSPHRASE);
    expect(vault.get('DB_PASSWORD', HERE)).toBe(CANARIES.DB_PASSWORD);
  });

  it('refuses a wrong passphrase only after paying the full scrypt cost, and stays locked', async () => {
    const { dir } = await filledVault();
    const vault = vaultIn(dir);
    let started = performance.now();
    const error = await rejected(() => vault.unlock('correct horse battery stapler'));
    const wrongMs = performance.now() - started;
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Wrong passphrase: the vault stays locked.');
    expect(vault.status().state).toBe('locked');
    expect(thrown(() => vault.get('API_TOKEN', HERE)).code).toBe('locked');

    const rightMs: number[] = [];
    for (let run = 0; run < 2; run++) {
      vault.lock();
      started = performance.now();
      await vault.unlock(PASSPHRASE);
      rightMs.push(performance.now() - started);
    }
    // Both answers cost one full derivation: a wrong guess is not cheaper than the right one (loose: the machine is shared).
    expect(wrongMs).toBeGreaterThan(Math.min(...rightMs) * 0.4);
    expect(vault.get('API_TOKEN', HERE)).toBe(CANARIES.API_TOKEN);
  });

  it('keeps values across a restart: a new Vault on the same file opens with the passphrase', async () => {
    const { dir } = await filledVault();
    const restarted = vaultIn(dir);
    expect(restarted.status()).toEqual({ kind: 'passphrase', state: 'locked', names: ['API_TOKEN', 'DB_PASSWORD', 'HEROKU_KEY', 'REDIS_PASSWORD'], missing: [], scopes: { API_TOKEN: SCOPE, DB_PASSWORD: SCOPE, HEROKU_KEY: SCOPE, REDIS_PASSWORD: SCOPE }, unscoped: [] });
    await restarted.unlock(PASSPHRASE);
    for (const [name, value] of Object.entries(CANARIES)) expect(restarted.get(name, HERE)).toBe(value);
  });

  it('never writes a value or the passphrase in any plain encoding', async () => {
    const { dir, vault } = await filledVault();
    vault.delete('HEROKU_KEY');
    vault.put('HEROKU_KEY', CANARIES.HEROKU_KEY!, SCOPE);
    const bytes = readFileSync(join(dir, VAULT_FILE_NAME));
    for (const secret of [...Object.values(CANARIES), PASSPHRASE]) {
      for (const encoded of encodings(secret)) expect(bytes.includes(encoded), `${secret} as ${encoded.toString()}`).toBe(false);
    }
    // The names are there on purpose: the interface lists them while locked.
    expect(bytes.includes(Buffer.from('"DB_PASSWORD"'))).toBe(true);
  });

  it('uses scrypt N=2^17, r=8, p=1 and a 16-byte random salt by default', async () => {
    const dir = tempDir();
    const vault = new Vault({ file: join(dir, VAULT_FILE_NAME), safeStorage: null, platform: 'linux' });
    await vault.unlock(PASSPHRASE);
    const other = tempDir();
    await new Vault({ file: join(other, VAULT_FILE_NAME), safeStorage: null, platform: 'linux' }).unlock(PASSPHRASE);
    const kdf = readShape(dir).kdf as { name: string; N: number; r: number; p: number; salt: string };
    expect(kdf).toMatchObject({ name: 'scrypt', N: 2 ** 17, r: 8, p: 1 });
    expect(Buffer.from(kdf.salt, 'base64').length).toBe(16);
    expect(readShape(other).kdf!.salt).not.toBe(kdf.salt);
  });

  it('names the entry whose ciphertext was altered, and still serves the others', async () => {
    const { dir } = await filledVault();
    const shape = readShape(dir);
    const data = Buffer.from(shape.secrets.REDIS_PASSWORD!.data, 'base64');
    data[3]! ^= 0x01;
    shape.secrets.REDIS_PASSWORD!.data = data.toString('base64');
    writeShape(dir, shape);

    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    const error = thrown(() => vault.get('REDIS_PASSWORD', HERE));
    expect(error.code).toBe('conflict');
    expect(error.message).toBe('The vault entry "REDIS_PASSWORD" failed its integrity check: it was changed, swapped or renamed outside Flightdeck. Add the secret again in Credentials.');
    expect(error.field).toBe('secrets.REDIS_PASSWORD');
    expect(vault.damaged()).toEqual(['REDIS_PASSWORD']);
    expect(vault.get('DB_PASSWORD', HERE)).toBe(CANARIES.DB_PASSWORD);
    // Storing it again repairs it.
    vault.put('REDIS_PASSWORD', CANARIES.REDIS_PASSWORD!, SCOPE);
    expect(vaultIn(dir).names()).toContain('REDIS_PASSWORD');
    expect(vault.get('REDIS_PASSWORD', HERE)).toBe(CANARIES.REDIS_PASSWORD);
  });

  it('catches a one-character edit of the file text inside an entry', async () => {
    const { dir } = await filledVault();
    const text = readFileSync(join(dir, VAULT_FILE_NAME), 'utf8');
    const tag = readShape(dir).secrets.API_TOKEN!.tag;
    const edited = tag.slice(0, 5) + (tag[5] === 'A' ? 'B' : 'A') + tag.slice(6);
    writeFileSync(join(dir, VAULT_FILE_NAME), text.replace(tag, edited));
    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    expect(thrown(() => vault.get('API_TOKEN', HERE)).message).toMatch(/^The vault entry "API_TOKEN" failed its integrity check/);
    expect(vault.get('HEROKU_KEY', HERE)).toBe(CANARIES.HEROKU_KEY);
  });

  it('refuses ciphertexts swapped between names, renamed, or copied from another vault', async () => {
    const { dir } = await filledVault();
    const shape = readShape(dir);
    const db = shape.secrets.DB_PASSWORD!;
    shape.secrets.DB_PASSWORD = shape.secrets.API_TOKEN!;
    shape.secrets.API_TOKEN = db;
    shape.secrets.RENAMED = shape.secrets.HEROKU_KEY!;
    delete shape.secrets.HEROKU_KEY;
    // Same passphrase, same name, but another vault: its id is bound into the entry.
    const { dir: otherDir } = await filledVault();
    shape.secrets.REDIS_PASSWORD = readShape(otherDir).secrets.REDIS_PASSWORD!;
    writeShape(dir, shape);

    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    for (const name of ['DB_PASSWORD', 'API_TOKEN', 'RENAMED', 'REDIS_PASSWORD']) {
      const error = thrown(() => vault.get(name, HERE));
      expect(error.code, name).toBe('conflict');
      expect(error.message).toContain(`"${name}"`);
    }
    expect(vault.damaged()).toEqual(['API_TOKEN', 'DB_PASSWORD', 'REDIS_PASSWORD', 'RENAMED']);
  });

  it('treats an altered key entry like a wrong passphrase: nothing opens', async () => {
    const { dir } = await filledVault();
    const shape = readShape(dir);
    const sealed = Buffer.from(shape.dataKey.data!, 'base64');
    sealed[0]! ^= 0x80;
    shape.dataKey.data = sealed.toString('base64');
    writeShape(dir, shape);
    const vault = vaultIn(dir);
    expect((await rejected(() => vault.unlock(PASSPHRASE))).code).toBe('forbidden');
    expect(vault.status().state).toBe('locked');
  });

  it('names the file and the field when the file is not a vault', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, VAULT_FILE_NAME), JSON.stringify({ format: 'flightdeck-vault', version: 1, id: 'x' }));
    const vault = vaultIn(dir);
    expect(vault.status()).toEqual({ kind: 'passphrase', state: 'locked', names: [], missing: [], scopes: {}, unscoped: [] });
    const error = await rejected(() => vault.unlock(PASSPHRASE));
    expect(error.code).toBe('bad-input');
    expect(error.file).toBe(join(dir, VAULT_FILE_NAME));
    expect(error.message).toMatch(/^The vault file is damaged or not a Flightdeck vault \(.+\); move it aside to start a new vault\.$/);

    writeFileSync(join(dir, VAULT_FILE_NAME), '{"format": "flightdeck-vault", ');
    expect((await rejected(() => vaultIn(dir).unlock(PASSPHRASE))).message).toMatch(/not JSON/);
  });

  it('says which secret is missing, and validates names and values', async () => {
    const { vault } = await filledVault();
    const missing = thrown(() => vault.get('SLACK_TOKEN', HERE));
    expect(missing.code).toBe('not-found');
    expect(missing.message).toBe('The vault has no secret "SLACK_TOKEN"; add it in Credentials.');
    vault.delete('DB_PASSWORD');
    expect(thrown(() => vault.get('DB_PASSWORD', HERE)).message).toBe('The vault has no secret "DB_PASSWORD"; add it in Credentials.');
    expect(thrown(() => vault.delete('DB_PASSWORD')).code).toBe('not-found');

    expect(thrown(() => vault.put('1BAD', 'canary-value', SCOPE)).field).toBe('name');
    expect(thrown(() => vault.get('../etc/passwd', HERE)).code).toBe('bad-input');
    const short = thrown(() => vault.put('PIN', '123', SCOPE));
    expect(short.field).toBe('value');
    expect(short.message).toMatch(/at least 4 characters/);
    expect(short.message).not.toContain('123');
    expect(thrown(() => vault.put('BROKEN', 'canary\uD800value', SCOPE)).field).toBe('value');
  });

  it('reports every change by name only, before it happens; a failing report stops the change', async () => {
    const changes: string[] = [];
    const { dir, vault } = await filledVault({ onChange: (op, name) => changes.push(`${op} ${name}`) });
    vault.delete('HEROKU_KEY');
    expect(changes).toEqual(['put DB_PASSWORD', 'put REDIS_PASSWORD', 'put API_TOKEN', 'put HEROKU_KEY', 'delete HEROKU_KEY']);

    const refusing = vaultIn(dir, {
      onChange: () => {
        throw new Error('journal is full');
      },
    });
    await refusing.unlock(PASSPHRASE);
    expect(() => refusing.put('NEW_TOKEN', 'canary-never-stored', SCOPE)).toThrow('journal is full');
    expect(() => refusing.delete('DB_PASSWORD')).toThrow('journal is full');
    expect(vaultIn(dir).names()).toEqual(['API_TOKEN', 'DB_PASSWORD', 'REDIS_PASSWORD']);
  });

  it('tells the redactor every value at unlock, before any get, and the passphrase too', async () => {
    const { dir } = await filledVault();
    const redactor = new SecretRedactor();
    const vault = vaultIn(dir, { redactor });
    const line = `connect ${CANARIES.DB_PASSWORD} with ${CANARIES.API_TOKEN} after typing ${PASSPHRASE}`;
    expect(redactor.redact(line)).toBe(line);
    await vault.unlock(PASSPHRASE);
    expect(redactor.redact(line)).toBe('connect «secret:DB_PASSWORD» with «secret:API_TOKEN» after typing «secret:vault-passphrase»');
    vault.put('NEW_TOKEN', 'canary-added-later', SCOPE);
    vault.lock();
    // Output of a command started before the lock can still carry the value.
    expect(redactor.redact('late output canary-added-later')).toBe('late output «secret:NEW_TOKEN»');
  });

  it('a lock that arrives while unlocking wins', async () => {
    const { dir } = await filledVault();
    const vault = vaultIn(dir);
    const unlocking = vault.unlock(PASSPHRASE);
    vault.lock();
    expect((await rejected(() => unlocking)).code).toBe('conflict');
    expect(vault.status().state).toBe('locked');
    expect(thrown(() => vault.get('API_TOKEN', HERE)).code).toBe('locked');
  });

  it('sees secrets another Flightdeck process stored or replaced in the same file', async () => {
    const { dir, vault } = await filledVault();
    const other = vaultIn(dir);
    await other.unlock(PASSPHRASE);
    other.put('ADDED_ELSEWHERE', 'canary-from-the-cli', SCOPE);
    other.put('API_TOKEN', 'canary-rotated-token', SCOPE);
    other.delete('HEROKU_KEY');
    expect(vault.get('ADDED_ELSEWHERE', HERE)).toBe('canary-from-the-cli');
    expect(vault.get('API_TOKEN', HERE)).toBe('canary-rotated-token');
    expect(thrown(() => vault.get('HEROKU_KEY', HERE)).code).toBe('not-found');
    // And its own next write keeps the other process's entries.
    vault.put('MINE', 'canary-mine-value', SCOPE);
    expect(vaultIn(dir).names()).toEqual(['ADDED_ELSEWHERE', 'API_TOKEN', 'DB_PASSWORD', 'MINE', 'REDIS_PASSWORD']);
  });

  it('offers no way to read a value other than get(): status and names carry none', async () => {
    const { vault } = await filledVault();
    // Type-checked: a new public member fails `tsc` here until it is reviewed for this rule and added.
    const reviewed: Record<keyof Vault, 'returns a value' | 'no value'> = {
      get: 'returns a value',
      kind: 'no value',
      status: 'no value',
      names: 'no value',
      damaged: 'no value',
      has: 'no value',
      unlock: 'no value',
      lock: 'no value',
      put: 'no value',
      delete: 'no value',
      scopeOf: 'no value',
      setScope: 'no value',
    };
    expect(Object.entries(reviewed).filter(([, returns]) => returns === 'returns a value')).toEqual([['get', 'returns a value']]);
    expect(await vault.unlock(PASSPHRASE)).toBeUndefined();
    expect(vault.put('ANOTHER', 'canary-another-value', SCOPE)).toBeUndefined();
    expect(vault.delete('ANOTHER')).toBeUndefined();
    const exposed = JSON.stringify([vault.status(Object.keys(CANARIES)), vault.names(), vault.damaged(), vault.kind]);
    for (const value of Object.values(CANARIES)) expect(exposed).not.toContain(value);
  });
});

describe('keyring (safeStorage) vault', () => {
  const keyringVault = (dir: string, keyring: SafeStorageLike | null, options: Partial<VaultOptions> = {}) => vaultIn(dir, { safeStorage: keyring, ...options });

  it('is chosen with a real keyring, works without a passphrase and keeps values across a restart', async () => {
    const dir = tempDir();
    const keyring = new TestKeyring('gnome_libsecret');
    const vault = keyringVault(dir, keyring);
    expect(vault.status(['API_TOKEN'])).toEqual({ kind: 'safe-storage', state: 'unlocked', names: [], missing: ['API_TOKEN'], scopes: {}, unscoped: [] });
    for (const [name, value] of Object.entries(CANARIES)) vault.put(name, value, SCOPE);
    expect(vault.get('API_TOKEN', HERE)).toBe(CANARIES.API_TOKEN);

    const redactor = new SecretRedactor();
    const restarted = keyringVault(dir, new TestKeyring('gnome_libsecret'), { redactor });
    expect(restarted.status().state).toBe('unlocked');
    // Opened at start: the redactor knows every value before anything runs.
    expect(redactor.redact(`token ${CANARIES.HEROKU_KEY}`)).toBe('token «secret:HEROKU_KEY»');
    for (const [name, value] of Object.entries(CANARIES)) expect(restarted.get(name, HERE)).toBe(value);

    const bytes = readFileSync(join(dir, VAULT_FILE_NAME));
    for (const value of Object.values(CANARIES)) for (const encoded of encodings(value)) expect(bytes.includes(encoded)).toBe(false);
    expect(readShape(dir).dataKey.safeStorage).toMatch(/^[A-Za-z0-9+/=]+$/);
    expect(statSync(join(dir, VAULT_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it("is not chosen on Linux with the keyring's hard-coded fallback: a passphrase vault is", () => {
    for (const backend of ['basic_text', 'unknown']) {
      const vault = keyringVault(tempDir(), new TestKeyring(backend));
      expect(vault.status()).toMatchObject({ kind: 'passphrase', state: 'uninitialised' });
    }
  });

  it('lock stops get(); unlock reopens through the keyring without a passphrase', async () => {
    const dir = tempDir();
    const vault = keyringVault(dir, new TestKeyring());
    vault.put('DB_PASSWORD', CANARIES.DB_PASSWORD!, SCOPE);
    vault.lock();
    expect(vault.status().state).toBe('locked');
    expect(thrown(() => vault.get('DB_PASSWORD', HERE)).message).toBe('The vault is locked: unlock it to use secret "DB_PASSWORD".');
    await vault.unlock();
    expect(vault.get('DB_PASSWORD', HERE)).toBe(CANARIES.DB_PASSWORD);
  });

  it("cannot be opened by another account's keyring, and says so", async () => {
    const dir = tempDir();
    keyringVault(dir, new TestKeyring()).put('DB_PASSWORD', CANARIES.DB_PASSWORD!, SCOPE);
    const stranger = keyringVault(dir, new TestKeyring('gnome_libsecret', 'another keyring'));
    expect(stranger.status()).toMatchObject({ kind: 'safe-storage', state: 'locked', names: ['DB_PASSWORD'] });
    const error = await rejected(() => stranger.unlock());
    expect(error.code).toBe('forbidden');
    expect(error.message).toMatch(/OS keyring could not decrypt the vault's key/);
    expect(thrown(() => stranger.get('DB_PASSWORD', HERE)).code).toBe('forbidden');
  });

  it('keeps its kind in browser mode and explains why it cannot open there', async () => {
    const dir = tempDir();
    keyringVault(dir, new TestKeyring()).put('DB_PASSWORD', CANARIES.DB_PASSWORD!, SCOPE);
    const browser = keyringVault(dir, null);
    expect(browser.status()).toEqual({ kind: 'safe-storage', state: 'locked', names: ['DB_PASSWORD'], missing: [], scopes: { DB_PASSWORD: SCOPE }, unscoped: [] });
    const error = await rejected(() => browser.unlock('any passphrase'));
    expect(error.code).toBe('unsupported');
    expect(error.message).toMatch(/desktop keyring \(safeStorage\), which is not available here/);
    expect(thrown(() => browser.get('DB_PASSWORD', HERE)).code).toBe('locked');
  });

  it('a passphrase vault stays one when a keyring appears later', async () => {
    const { dir } = await filledVault();
    const vault = keyringVault(dir, new TestKeyring('gnome_libsecret'));
    expect(vault.status().kind).toBe('passphrase');
    await vault.unlock(PASSPHRASE);
    expect(vault.get('API_TOKEN', HERE)).toBe(CANARIES.API_TOKEN);
  });

  it('refuses swapped entries like the passphrase vault', async () => {
    const dir = tempDir();
    const vault = keyringVault(dir, new TestKeyring());
    vault.put('DB_PASSWORD', CANARIES.DB_PASSWORD!, SCOPE);
    vault.put('API_TOKEN', CANARIES.API_TOKEN!, SCOPE);
    const shape = readShape(dir);
    [shape.secrets.DB_PASSWORD, shape.secrets.API_TOKEN] = [shape.secrets.API_TOKEN!, shape.secrets.DB_PASSWORD!];
    writeShape(dir, shape);
    const reopened = keyringVault(dir, new TestKeyring());
    expect(thrown(() => reopened.get('DB_PASSWORD', HERE)).code).toBe('conflict');
    expect(thrown(() => reopened.get('API_TOKEN', HERE)).code).toBe('conflict');
  });
});
