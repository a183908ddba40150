/**
 * What a verifier is told to trust (`--trust CERT_OR_KEY`, repeatable): a
 * certificate (a CA's or the signer's own; PEM or DER, a file may hold
 * several) pins who may have signed the PDF, and an Ed25519 public key
 * (PEM or SPKI base64) pins who may have signed the evidence bundle.
 * Each value is a file path or, failing that, the key text itself.
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { FILE_LIMITS, readRegularFile } from '../storage/read-regular-file';
import { FlightdeckError } from '../../../shared/errors';
import { keyIdOfPublicKey, parseEd25519PublicKey } from './ed25519';
import { subjectLine } from './signing-identity';

export interface TrustAnchors {
  certificates: X509Certificate[];
  /** Ed25519 keys by keyid. */
  keys: Map<string, KeyObject>;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function emptyTrust(): TrustAnchors {
  return { certificates: [], keys: new Map() };
}

export async function readTrust(values: readonly string[]): Promise<TrustAnchors> {
  const trust = emptyTrust();
  for (const value of values) await addTrust(trust, value);
  return trust;
}

/** Adds certificates given as PEM text (e.g. the local CA from this laptop's vault). */
export function addCertificatePems(trust: TrustAnchors, pems: readonly string[]): void {
  for (const pem of pems) trust.certificates.push(...(pem.match(PEM_CERTIFICATE) ?? []).map((block) => new X509Certificate(block)));
}

async function addTrust(trust: TrustAnchors, value: string): Promise<void> {
  // A path that exists is read as a file, and refused naming it when it is a FIFO, device or directory, or too large for a key.
  const isFile = value.length < 4096 && existsSync(value);
  const bytes = isFile ? await readRegularFile(value, { maxBytes: FILE_LIMITS.trustBytes, what: 'a --trust certificate or key' }) : Buffer.from(value, 'utf8');
  const where = isFile ? { file: value } : { field: 'trust' };
  const label = isFile ? value : 'the --trust value';
  const text = bytes.toString('latin1');
  const pems = text.match(PEM_CERTIFICATE);
  if (pems) {
    try {
      for (const pem of pems) trust.certificates.push(new X509Certificate(pem));
      return;
    } catch {
      throw new FlightdeckError('bad-input', `${label}: a certificate in it cannot be read.`, where);
    }
  }
  const key = parseEd25519PublicKey(isFile ? bytes.toString('utf8') : value);
  if (key) {
    trust.keys.set(keyIdOfPublicKey(key), key);
    return;
  }
  if (isFile) {
    try {
      trust.certificates.push(new X509Certificate(bytes));
      return;
    } catch {
      // not DER either: reported below
    }
  }
  throw new FlightdeckError('bad-input', `${label} is neither a certificate (PEM or DER) nor an Ed25519 public key (PEM or SPKI base64)${isFile ? '' : ', and no such file exists'}.`, where);
}

export function certificateSha256(cert: X509Certificate): string {
  return createHash('sha256').update(cert.raw).digest('hex');
}

/**
 * Whether a chain (signer first, each next one a CA that issued the one
 * before) leads to a trusted certificate: one of its certificates is
 * trusted, or its last one was issued by a trusted CA.
 * Returns the trusted certificate's subject, or null.
 */
export function trustedAnchorOf(chain: readonly X509Certificate[], trusted: readonly X509Certificate[]): string | null {
  const pinned = new Set(trusted.map(certificateSha256));
  for (const cert of chain) if (pinned.has(certificateSha256(cert))) return subjectLine(cert);
  const last = chain.at(-1);
  if (!last) return null;
  const issuer = trusted.find((anchor) => anchor.ca && last.checkIssued(anchor) && last.verify(anchor.publicKey));
  return issuer ? subjectLine(issuer) : null;
}
