/**
 * Secret scopes in the vault, on real files with real scrypt and AES-GCM:
 * a secret goes only where its own entry says, the scope survives a
 * restart, a vault written before scopes existed (version 1) opens with
 * its secrets unscoped and sent nowhere, a scope edited in the file
 * without the key fails the entry's integrity check, and the signing keys
 * Flightdeck makes for itself can never be sent anywhere.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SigningIdentities, SIGNING_SECRETS } from '../../src/main/services/signing/signing-identity';
import { newScryptParams, sealDataKey } from '../../src/main/services/vault/passphrase-key';
import { KEY_BYTES, seal } from '../../src/main/services/vault/sealed-box';
import { LOCAL_SIGNING } from '../../src/main/services/vault/secret-scope';
import { Vault, type VaultOptions } from '../../src/main/services/vault/vault';
import { entryAssociatedData, VAULT_FILE_NAME, VAULT_FORMAT, writeVaultFile } from '../../src/main/services/vault/vault-file';
import { thrown } from '../support/thrown';

const PASSPHRASE = 'correct horse battery staple';
const API = 'https://api.example.com';
const ATTACKER = 'http://127.0.0.1:4999';
const TOKEN = 'canary-scoped-token-7f3a';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flightdeck-vault-scope-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function vaultIn(dir: string, options: Partial<VaultOptions> = {}): Vault {
  return new Vault({ file: join(dir, VAULT_FILE_NAME), safeStorage: null, platform: 'linux', scryptN: 2 ** 15, ...options });
}


interface FileShape {
  version: number;
  secrets: Record<string, { iv: string; data: string; tag: string; scope?: string[] }>;
}
const file = (dir: string) => join(dir, VAULT_FILE_NAME);
const readShape = (dir: string): FileShape => JSON.parse(readFileSync(file(dir), 'utf8')) as FileShape;
const editShape = (dir: string, edit: (shape: FileShape) => void) => {
  const shape = readShape(dir);
  edit(shape);
  writeFileSync(file(dir), JSON.stringify(shape));
};

/** A vault file exactly as Flightdeck wrote it before scopes existed: version 1, entries sealed for (vault, name) only. */
async function versionOneVault(dir: string, secrets: Record<string, string>): Promise<void> {
  const id = randomBytes(16).toString('hex');
  const kdf = newScryptParams(2 ** 15);
  const dataKey = randomBytes(KEY_BYTES);
  const entries = Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, seal(dataKey, Buffer.from(value), `${VAULT_FORMAT}/1\0${id}\0secret\0${name}`)]));
  writeVaultFile(file(dir), { format: VAULT_FORMAT, version: 1, id, kind: 'passphrase', kdf, dataKey: await sealDataKey(PASSPHRASE, kdf, id, dataKey), secrets: entries });
}

describe('a scoped secret', () => {
  it('goes only to a destination on its own scope; the refusal names the secret, the destination and the scope', async () => {
    const dir = tempDir();
    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    vault.put('api-token', TOKEN, ['HTTPS://API.Example.com:443', 'redis.internal:6379']);
    expect(vault.scopeOf('api-token')).toEqual([API, 'redis.internal:6379']);
    expect(vault.get('api-token', API)).toBe(TOKEN);
    expect(vault.get('api-token', 'redis.internal:6379')).toBe(TOKEN);

    const refused = thrown(() => vault.get('api-token', ATTACKER));
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toContain('"api-token"');
    expect(refused.message).toContain(ATTACKER);
    expect(refused.message).toContain(`may be sent only to ${API}, redis.internal:6379`);
    expect(refused.message).not.toContain(TOKEN);
    // Same host, other port or scheme: another destination.
    expect(thrown(() => vault.get('api-token', 'http://api.example.com')).code).toBe('forbidden');
    expect(thrown(() => vault.get('api-token', 'redis.internal:6380')).code).toBe('forbidden');
  });

  it('keeps its scope across a restart, readable while locked, and lists it in the status', async () => {
    const dir = tempDir();
    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    vault.put('db-password', TOKEN, ['db.internal:5432']);
    const restarted = vaultIn(dir);
    expect(restarted.status()).toMatchObject({ state: 'locked', names: ['db-password'], scopes: { 'db-password': ['db.internal:5432'] }, unscoped: [] });
    await restarted.unlock(PASSPHRASE);
    expect(restarted.get('db-password', 'db.internal:5432')).toBe(TOKEN);
    expect(readShape(dir)).toMatchObject({ version: 2, secrets: { 'db-password': { scope: ['db.internal:5432'] } } });
  });

  it('cannot be stored without a scope or with something that is not a destination, and the error names the entry', async () => {
    const vault = vaultIn(tempDir());
    await vault.unlock(PASSPHRASE);
    expect(thrown(() => vault.put('api-token', TOKEN, [])).field).toBe('scope');
    const bad = thrown(() => vault.put('api-token', TOKEN, [API, 'https://api.example.com/v1/flags']));
    expect(bad.code).toBe('bad-input');
    expect(bad.message).toContain('https://api.example.com/v1/flags');
    expect(thrown(() => vault.put('api-token', TOKEN, ['*.example.com'])).field).toBe('scope');
    // Only Flightdeck's own code scopes to a local destination, and never mixed with ones that leave the laptop.
    expect(thrown(() => vault.put('api-token', TOKEN, [LOCAL_SIGNING, API])).field).toBe('scope');
    expect(vault.names()).toEqual([]);
  });

  it('can be rescoped by the operator, sealed again for the new scope, and the change is reported with the scope', async () => {
    const changes: string[] = [];
    const dir = tempDir();
    const vault = vaultIn(dir, { onChange: (op, name, scope) => changes.push(`${op} ${name} ${scope?.join(' ') ?? ''}`) });
    await vault.unlock(PASSPHRASE);
    vault.put('api-token', TOKEN, [API]);
    vault.setScope('api-token', ['https://flags.example.com']);
    expect(changes).toEqual([`put api-token ${API}`, 'scope api-token https://flags.example.com']);
    expect(thrown(() => vault.get('api-token', API)).code).toBe('forbidden');
    const restarted = vaultIn(dir);
    await restarted.unlock(PASSPHRASE);
    expect(restarted.get('api-token', 'https://flags.example.com')).toBe(TOKEN);
    expect(restarted.damaged()).toEqual([]);
  });
});

describe('a scope edited in the file without the key', () => {
  async function scopedVault(): Promise<string> {
    const dir = tempDir();
    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    vault.put('api-token', TOKEN, [API]);
    vault.put('other-token', 'canary-other-token-1', [API]);
    return dir;
  }

  it('fails the entry integrity check when a destination is added', async () => {
    const dir = await scopedVault();
    editShape(dir, (shape) => shape.secrets['api-token']!.scope!.push(ATTACKER));
    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    const error = thrown(() => vault.get('api-token', ATTACKER));
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/^The vault entry "api-token" failed its integrity check/);
    expect(thrown(() => vault.get('api-token', API)).code).toBe('conflict');
    expect(vault.get('other-token', API)).toBe('canary-other-token-1');
  });

  it('fails when the scope is removed (it does not fall back to "unscoped") or moved from another entry', async () => {
    const dir = await scopedVault();
    editShape(dir, (shape) => {
      delete shape.secrets['api-token']!.scope;
      shape.secrets['other-token']!.scope = [ATTACKER];
    });
    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    expect(thrown(() => vault.get('api-token', API)).code).toBe('conflict');
    expect(thrown(() => vault.get('other-token', ATTACKER)).code).toBe('conflict');
    expect(vault.damaged()).toEqual(['api-token', 'other-token']);
  });
});

describe('a vault written before scopes existed (version 1)', () => {
  it('opens with every secret unscoped: readable, sent nowhere, and the refusal says how to give it a scope', async () => {
    const dir = tempDir();
    await versionOneVault(dir, { 'api-token': TOKEN, 'db-password': 'canary-db-password-2' });
    const vault = vaultIn(dir);
    expect(vault.status()).toMatchObject({ state: 'locked', names: ['api-token', 'db-password'], scopes: {}, unscoped: ['api-token', 'db-password'] });
    await vault.unlock(PASSPHRASE);
    expect(vault.damaged()).toEqual([]);
    expect(vault.has('api-token')).toBe(true);

    const refused = thrown(() => vault.get('api-token', API));
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toContain('Secret "api-token" has no scope yet, so Flightdeck sends it nowhere');
    expect(refused.message).toContain(API);
    expect(refused.message).toContain('Credentials');
    expect(refused.message).toContain('FLIGHTDECK_SECRET_<NAME>_SCOPE');

    vault.setScope('api-token', [API]);
    expect(vault.get('api-token', API)).toBe(TOKEN);
    // The other entry is untouched: still sealed as version 1 sealed it, still unscoped.
    const restarted = vaultIn(dir);
    await restarted.unlock(PASSPHRASE);
    expect(restarted.status()).toMatchObject({ scopes: { 'api-token': [API] }, unscoped: ['db-password'] });
    expect(restarted.damaged()).toEqual([]);
    expect(thrown(() => restarted.get('db-password', 'db.internal:5432')).message).toMatch(/has no scope yet/);
    expect(readShape(dir).version).toBe(2);
  });

  it('catches a scope written into a version 1 entry by hand', async () => {
    const dir = tempDir();
    await versionOneVault(dir, { 'api-token': TOKEN });
    editShape(dir, (shape) => (shape.secrets['api-token']!.scope = [ATTACKER]));
    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    expect(thrown(() => vault.get('api-token', ATTACKER)).code).toBe('conflict');
  });
});

describe("Flightdeck's own signing keys", () => {
  it('are scoped to a local destination: no profile target gets them, and the operator cannot widen them', async () => {
    const dir = tempDir();
    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    const identities = new SigningIdentities(vault);
    const key = identities.reportKey();
    expect(vault.scopeOf(SIGNING_SECRETS.reportKey)).toEqual([LOCAL_SIGNING]);

    const refused = thrown(() => vault.get(SIGNING_SECRETS.reportKey, ATTACKER));
    expect(refused.code).toBe('forbidden');
    expect(refused.message).toContain(ATTACKER);
    expect(refused.message).toContain('never sent anywhere');
    expect(thrown(() => vault.setScope(SIGNING_SECRETS.reportKey, [ATTACKER])).code).toBe('forbidden');
    expect(thrown(() => vault.put(SIGNING_SECRETS.reportKey, 'canary-replacement-key', [ATTACKER])).code).toBe('forbidden');
    // Still the same key for signing.
    const reopened = vaultIn(dir);
    await reopened.unlock(PASSPHRASE);
    expect(new SigningIdentities(reopened).reportKey().keyid).toBe(key.keyid);
  });

  it('made before scopes existed are claimed as local at their first use, and stay refused elsewhere', async () => {
    const dir = tempDir();
    const made = vaultIn(dir);
    await made.unlock(PASSPHRASE);
    const keyid = new SigningIdentities(made).reportKey().keyid;
    const text = made.get(SIGNING_SECRETS.reportKey, LOCAL_SIGNING);
    rmSync(file(dir));
    await versionOneVault(dir, { [SIGNING_SECRETS.reportKey]: text });

    const vault = vaultIn(dir);
    await vault.unlock(PASSPHRASE);
    expect(vault.status().unscoped).toEqual([SIGNING_SECRETS.reportKey]);
    expect(new SigningIdentities(vault).reportKey().keyid).toBe(keyid);
    expect(vault.scopeOf(SIGNING_SECRETS.reportKey)).toEqual([LOCAL_SIGNING]);
    expect(thrown(() => vault.get(SIGNING_SECRETS.reportKey, API)).code).toBe('forbidden');
  });
});

it('binds the scope into the associated data: the version 1 form is kept for unscoped entries only', () => {
  expect(entryAssociatedData('a'.repeat(32), 'x')).toBe(`${VAULT_FORMAT}/1\0${'a'.repeat(32)}\0secret\0x`);
  expect(entryAssociatedData('a'.repeat(32), 'x', [API])).not.toBe(entryAssociatedData('a'.repeat(32), 'x', [ATTACKER]));
});
