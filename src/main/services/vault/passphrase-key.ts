/**
 * The passphrase side of the passphrase vault: scrypt turns the passphrase
 * into a key that seals the vault's random data key. The cost is the point:
 * every guess, right or wrong, pays the same derivation, so a wrong
 * passphrase is answered only after it (and a stolen file is slow to attack).
 */
import { randomBytes, scrypt } from 'node:crypto';
import { KEY_BYTES, open, seal, type Sealed } from './sealed-box';
import { dataKeyAssociatedData, type ScryptParams } from './vault-file';

/** OWASP's recommendation for scrypt (2^17, 8, 1): about 128 MiB and a few hundred ms per derivation. */
export const DEFAULT_SCRYPT_N = 2 ** 17;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
const SALT_BYTES = 16;

/** Macs and other systems may type the same accented passphrase in different Unicode forms. */
function passphraseBytes(passphrase: string): Buffer {
  return Buffer.from(passphrase.normalize('NFC'), 'utf8');
}

export function deriveKey(passphrase: string, params: ScryptParams): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below that for N ≥ 2^15.
  const maxmem = 128 * params.N * params.r + 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphraseBytes(passphrase), Buffer.from(params.salt, 'base64'), KEY_BYTES, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export function newScryptParams(N: number = DEFAULT_SCRYPT_N): ScryptParams {
  return { name: 'scrypt', N, r: SCRYPT_R, p: SCRYPT_P, salt: randomBytes(SALT_BYTES).toString('base64') };
}

/** Seals `dataKey` under the passphrase; the derived key is wiped before returning. */
export async function sealDataKey(passphrase: string, params: ScryptParams, vaultId: string, dataKey: Buffer): Promise<Sealed> {
  const key = await deriveKey(passphrase, params);
  try {
    return seal(key, dataKey, dataKeyAssociatedData(vaultId));
  } finally {
    key.fill(0);
  }
}

/** The data key, or null when the passphrase is wrong (or the sealed key was altered: GCM cannot tell). */
export async function openDataKey(passphrase: string, params: ScryptParams, vaultId: string, sealed: Sealed): Promise<Buffer | null> {
  const key = await deriveKey(passphrase, params);
  try {
    const dataKey = open(key, sealed, dataKeyAssociatedData(vaultId));
    return dataKey && dataKey.length === KEY_BYTES ? dataKey : null;
  } finally {
    key.fill(0);
  }
}
