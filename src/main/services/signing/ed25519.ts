/**
 * Ed25519 keys for the evidence bundle (node:crypto): the report's own key
 * and each person's sign-off key. A key is named by its keyid, the sha256
 * of its public key (SPKI DER), which is also the fingerprint printed in
 * the PDF, so a reader can match the two by eye.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { FlightdeckError } from '../../../shared/errors';

export interface Ed25519Key {
  /** sha256 of the SPKI DER public key, hex. */
  keyid: string;
  /** SPKI DER, base64. */
  publicKey: string;
  privateKey: KeyObject;
}

export function newEd25519PrivatePem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function ed25519FromPrivatePem(pem: string): Ed25519Key {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new FlightdeckError('bad-input', 'The stored signing key is not an Ed25519 key.');
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { keyid: keyIdOf(spki), publicKey: spki.toString('base64'), privateKey };
}

export function keyIdOf(spkiDer: Uint8Array): string {
  return createHash('sha256').update(spkiDer).digest('hex');
}

/**
 * An Ed25519 public key from SPKI DER in base64 or a PEM "PUBLIC KEY"
 * block; null when the text is neither (so callers can try other forms).
 */
export function parseEd25519PublicKey(text: string): KeyObject | null {
  const trimmed = text.trim();
  try {
    const key = trimmed.startsWith('-----BEGIN')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

/** The keyid of a public key given as SPKI base64. */
export function keyIdOfPublicKey(key: KeyObject): string {
  return keyIdOf(key.export({ type: 'spki', format: 'der' }));
}

/** "1a2b 3c4d … " grouping of a keyid for people to compare: the full hash, in groups of four. */
export function formatFingerprint(keyid: string): string {
  return keyid.match(/.{1,4}/g)?.join(' ') ?? keyid;
}
