/**
 * AES-256-GCM with associated data: the one cipher every vault entry uses.
 * The associated data ties a ciphertext to the place it belongs (the vault's
 * id and the entry's name), so a ciphertext copied to another name or from
 * another vault fails authentication instead of decrypting to the wrong
 * secret.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value as stored: base64 fields. */
export interface Sealed {
  iv: string;
  data: string;
  tag: string;
}

export function seal(key: Buffer, plaintext: Buffer, associatedData: string): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/**
 * The plaintext, or null when the ciphertext, its IV, its tag or its
 * associated data is not what was sealed (or the key is wrong): GCM cannot
 * tell these apart, and callers turn null into an error naming the entry.
 */
export function open(key: Buffer, sealed: Sealed, associatedData: string): Buffer | null {
  const iv = Buffer.from(sealed.iv, 'base64');
  const tag = Buffer.from(sealed.tag, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
}
