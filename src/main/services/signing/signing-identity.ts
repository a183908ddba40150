/**
 * Who signs a report, kept in the vault: the release manager's PDF signing
 * identity (an imported PKCS#12 file, or else a local certificate authority
 * and a signing certificate Flightdeck makes on first use), the report's
 * Ed25519 key for the evidence bundle, and the Ed25519 keys of people who
 * sign off on this laptop.
 *
 * Each identity is one vault value (JSON of PEMs), so the redactor learns
 * the whole value, never a certificate alone: certificates are public and
 * must stay readable in exports. Creation happens only when the vault says
 * the name is not there (not when it is locked or damaged), so a locked
 * vault can never cause a key to be replaced.
 *
 * Every one of these entries is scoped to LOCAL_SIGNING, a destination no
 * profile target can equal: a profile header `{ secret: signing.… }` is
 * refused by the vault, so a signing key can never be sent anywhere.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { FlightdeckError } from '../../../shared/errors';
import { createLocalCa, issueSigningCertificate, type KeyAndCertificate } from './certificates';
import { ed25519FromPrivatePem, newEd25519PrivatePem, type Ed25519Key } from './ed25519';
import { readPkcs12 } from './pkcs12';
import type { TrustedSigners } from './trusted-signers';
import { LOCAL_SIGNING } from '../vault/secret-scope';

/** The vault, as far as signing needs it (Vault implements it). */
export interface SecretStore {
  get(name: string, destination: string): string;
  has(name: string): boolean;
  put(name: string, value: string, scope: readonly string[]): void;
}

/** Where signing keys may go: nowhere outside Flightdeck. */
const SIGNING_SCOPE = [LOCAL_SIGNING] as const;

export const SIGNING_SECRETS = {
  ca: 'signing.local-ca',
  localSigner: 'signing.local-signer',
  imported: 'signing.imported',
  reportKey: 'signing.report-key',
  personPrefix: 'signing.person.',
} as const;

export const LOCAL_CA_NAME = 'Flightdeck Local Signing CA';

/** A private key with its certificate chain: what signs the PDF. */
export interface PdfSigningIdentity {
  source: 'local' | 'imported';
  keyPem: string;
  /** Signer certificate first, then its issuers. */
  chainPem: string[];
  /** The signer certificate's subject, e.g. "CN=Ada Lovelace, O=Flightdeck". */
  subject: string;
  /** sha256 of the signer certificate (DER), hex. */
  certificateSha256: string;
}

interface StoredIdentity {
  keyPem: string;
  chainPem: string[];
}

export interface SigningIdentitiesOptions {
  clock?: () => Date;
  /** This machine's trust store: the local CA (or an imported signer) is recorded there when made and on every signing. */
  trustedSigners?: Pick<TrustedSigners, 'add'>;
}

export class SigningIdentities {
  private readonly clock: () => Date;
  private readonly trustedSigners: Pick<TrustedSigners, 'add'> | null;

  constructor(
    private readonly secrets: SecretStore,
    options: SigningIdentitiesOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date());
    this.trustedSigners = options.trustedSigners ?? null;
  }

  /**
   * The identity that signs PDFs: the imported one if there is one, else the
   * local signing certificate for `commonName`, made (with the local CA) on
   * first use and again when the release manager's name changes.
   */
  async pdfIdentity(commonName: string): Promise<PdfSigningIdentity> {
    const imported = this.read<StoredIdentity>(SIGNING_SECRETS.imported);
    if (imported) {
      const identity = describe('imported', imported);
      // The signer's own certificate, not its issuer: trusting an organisation's CA is the organisation's call, not this machine's.
      this.trustedSigners?.add(identity.chainPem[0] as string, 'imported-signer');
      return identity;
    }
    const name = commonName.trim();
    if (!name) throw new FlightdeckError('bad-input', 'The release manager\'s name is empty: it goes into the signing certificate.', { field: 'name' });
    const ca = await this.localCa();
    const existing = this.read<KeyAndCertificate & { commonName: string }>(SIGNING_SECRETS.localSigner);
    if (existing && existing.commonName === name && stillValid(existing.certPem, this.clock())) {
      return describe('local', { keyPem: existing.keyPem, chainPem: [existing.certPem, ca.certPem] });
    }
    const issued = await issueSigningCertificate(ca, name, this.clock());
    this.secrets.put(SIGNING_SECRETS.localSigner, JSON.stringify({ commonName: name, ...issued }), SIGNING_SCOPE);
    return describe('local', { keyPem: issued.keyPem, chainPem: [issued.certPem, ca.certPem] });
  }

  /** The local CA's certificate (PEM), made on first use, for an organisation to trust. */
  async localCaCertificatePem(): Promise<string> {
    return (await this.localCa()).certPem;
  }

  /** The local CA's certificate if one was made, without making one: what the verification panel trusts on this laptop. */
  existingLocalCaPem(): string | null {
    return this.read<KeyAndCertificate>(SIGNING_SECRETS.ca)?.certPem ?? null;
  }

  /**
   * Keeps an organisation's PKCS#12 identity; from now on it signs PDFs.
   * Throws, naming the problem, for a wrong passphrase or a file without a key.
   */
  importPkcs12(bytes: Uint8Array, passphrase: string, file?: string): PdfSigningIdentity {
    const identity = readPkcs12(bytes, passphrase, file);
    const cert = new X509Certificate(identity.certPem);
    const now = this.clock();
    if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
      throw new FlightdeckError('bad-input', `The certificate in ${file ?? 'the PKCS#12 file'} is valid from ${cert.validFrom} to ${cert.validTo}, not now: readers would reject what it signs.`, file ? { file } : {});
    }
    const stored: StoredIdentity = { keyPem: identity.keyPem, chainPem: identity.chainPem };
    const described = describe('imported', stored);
    this.secrets.put(SIGNING_SECRETS.imported, JSON.stringify(stored), SIGNING_SCOPE);
    return described;
  }

  /** The report's Ed25519 key, made on first use. */
  reportKey(): Ed25519Key {
    return this.ed25519(SIGNING_SECRETS.reportKey, true) as Ed25519Key;
  }

  /** The hex keyid of the report key: printed in the PDF and written into its metadata. */
  keyFingerprint(): string {
    return this.reportKey().keyid;
  }

  /** A person's own Ed25519 sign-off key on this laptop; null when they have none and `create` is false. */
  signerKey(personName: string, options: { create: boolean }): Ed25519Key | null {
    return this.ed25519(personSecretName(personName), options.create);
  }

  private ed25519(name: string, create: boolean): Ed25519Key | null {
    const stored = this.read<{ privateKeyPem: string }>(name);
    if (stored) return ed25519FromPrivatePem(stored.privateKeyPem);
    if (!create) return null;
    const privateKeyPem = newEd25519PrivatePem();
    this.secrets.put(name, JSON.stringify({ privateKeyPem }), SIGNING_SCOPE);
    return ed25519FromPrivatePem(privateKeyPem);
  }

  /** The local CA, made on first use; either way recorded in this machine's trust store (a CA made before the store existed gets in on its next use). */
  private async localCa(): Promise<KeyAndCertificate> {
    const ca = await this.storedOrNewLocalCa();
    this.trustedSigners?.add(ca.certPem, 'local-ca');
    return ca;
  }

  private async storedOrNewLocalCa(): Promise<KeyAndCertificate> {
    const stored = this.read<KeyAndCertificate>(SIGNING_SECRETS.ca);
    if (stored) return stored;
    const ca = await createLocalCa(LOCAL_CA_NAME, this.clock());
    // Another call may have made one while the key was generated: keep the first, so certificates already issued stay valid.
    const raced = this.read<KeyAndCertificate>(SIGNING_SECRETS.ca);
    if (raced) return raced;
    this.secrets.put(SIGNING_SECRETS.ca, JSON.stringify(ca), SIGNING_SCOPE);
    return ca;
  }

  /** The stored JSON value, or null when the vault says it has no such name; other vault errors propagate. */
  private read<T>(name: string): T | null {
    let text: string;
    try {
      text = this.secrets.get(name, LOCAL_SIGNING);
    } catch (err) {
      // By code, not class: the vault may come from another copy of the module (bundles, workers).
      if ((err as { code?: unknown } | null)?.code === 'not-found') return null;
      throw err;
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new FlightdeckError('conflict', `The vault entry "${name}" is not a Flightdeck signing identity.`, { field: `secrets.${name}` });
    }
  }
}

/** Vault name of a person's key: a hash of the name, since names hold spaces and letters the vault's names do not allow. */
export function personSecretName(personName: string): string {
  const normalised = personName.normalize('NFC').trim().toLowerCase();
  if (!normalised) throw new FlightdeckError('bad-input', 'A sign-off needs the signer\'s name.', { field: 'name' });
  return `${SIGNING_SECRETS.personPrefix}${createHash('sha256').update(normalised).digest('hex').slice(0, 32)}`;
}

function describe(source: PdfSigningIdentity['source'], stored: StoredIdentity): PdfSigningIdentity {
  const first = stored.chainPem[0];
  if (!first) throw new FlightdeckError('conflict', 'The stored signing identity has no certificate.');
  const cert = new X509Certificate(first);
  return {
    source,
    keyPem: stored.keyPem,
    chainPem: stored.chainPem,
    subject: subjectLine(cert),
    certificateSha256: createHash('sha256').update(cert.raw).digest('hex'),
  };
}

/** "CN=Ada Lovelace, O=Flightdeck": node prints the subject one attribute a line, most specific last. */
export function subjectLine(cert: X509Certificate): string {
  const parts = cert.subject.split('\n').filter(Boolean);
  const cn = parts.filter((part) => part.startsWith('CN='));
  return [...cn, ...parts.filter((part) => !part.startsWith('CN='))].join(', ');
}

function stillValid(certPem: string, now: Date): boolean {
  const cert = new X509Certificate(certPem);
  // Renew a month ahead, so a report is never signed with a certificate about to lapse.
  return new Date(cert.validTo).getTime() - now.getTime() > 30 * 24 * 3600 * 1000;
}
