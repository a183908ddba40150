/**
 * Opening the data directory's vault from a terminal: a passphrase vault,
 * the passphrase from FLIGHTDECK_VAULT_PASSPHRASE or typed without echo.
 * One place for every command that needs a key or a secret kept there
 * (sign-offs, the report, the team window).
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Writable } from 'node:stream';
import { FlightdeckError } from '../../shared/errors';
import { defaultDataDir } from '../app/paths';
import { SecretRedactor } from '../services/vault/redactor';
import { Vault } from '../services/vault/vault';
import { VAULT_FILE_NAME } from '../services/vault/vault-file';

export interface VaultOpenOptions {
  /** Asks for the vault passphrase without echo; a terminal prompt by default. */
  askPassphrase?: (prompt: string) => Promise<string>;
  /** scrypt cost of a vault this command creates (tests lower it). */
  scryptN?: number;
}

export async function openVault(env: NodeJS.ProcessEnv, options: VaultOpenOptions, redactor = new SecretRedactor()): Promise<Vault> {
  const file = join(defaultDataDir(env), VAULT_FILE_NAME);
  const vault = new Vault({ file, safeStorage: null, platform: process.platform, redactor, ...(options.scryptN ? { scryptN: options.scryptN } : {}) });
  const status = vault.status();
  if (status.kind === 'safe-storage') {
    throw new FlightdeckError('unsupported', 'The vault is kept by the desktop app in the OS keyring, which the terminal cannot open: use the app, or a passphrase vault.', { file });
  }
  let passphrase = env.FLIGHTDECK_VAULT_PASSPHRASE ?? '';
  if (!passphrase) {
    const ask = options.askPassphrase ?? (process.stdin.isTTY ? askHidden : null);
    if (!ask) throw new FlightdeckError('locked', 'The keys are in the vault: set FLIGHTDECK_VAULT_PASSPHRASE, or run on a terminal to type the passphrase.', { field: 'FLIGHTDECK_VAULT_PASSPHRASE' });
    passphrase = await ask(`Vault passphrase (${file}): `);
  }
  await vault.unlock(passphrase);
  return vault;
}

/** A terminal prompt that does not echo what is typed. */
async function askHidden(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = createInterface({ input: process.stdin, output: muted, terminal: true });
  try {
    return await rl.question('');
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}
