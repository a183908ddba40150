/**
 * Makes the X.509 certificates of Flightdeck's local certificate authority
 * and of the release manager's signing certificate, for a laptop that has no
 * certificate from its organisation. node-forge writes the certificates;
 * node:crypto makes the RSA keys (forge's pure-JS prime search takes many
 * seconds for 3072 bits). RSA, not ECDSA: the PKCS#7 writer (forge) signs
 * with RSA only, and every PDF reader accepts it.
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';

const generateKeyPairAsync = promisify(generateKeyPair);

export const RSA_BITS = 3072;
const CA_YEARS = 10;
const SIGNER_YEARS = 3;

/** A private key and its certificate, both PEM. */
export interface KeyAndCertificate {
  keyPem: string;
  certPem: string;
}

export async function newRsaKeyPem(): Promise<string> {
  const { privateKey } = await generateKeyPairAsync('rsa', {
    modulusLength: RSA_BITS,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return privateKey;
}

/**
 * Subject attributes as UTF8String (forge encodes the value): by default forge
 * writes a PrintableString from the string's low bytes, garbling any name beyond ASCII.
 */
function distinguishedName(commonName: string): forge.pki.CertificateField[] {
  const utf8 = (value: string): forge.pki.CertificateField => ({ value, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class });
  return [{ name: 'commonName', ...utf8(commonName) }, { name: 'organizationName', ...utf8('Flightdeck') }];
}

/** A positive serial of 16 random bytes, as RFC 5280 asks (no leading 1 bit, so not negative). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, now: Date, years: number): void {
  // A minute of slack for clocks a little behind the signer's.
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  const notAfter = new Date(now.getTime());
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + years);
  cert.validity.notAfter = notAfter;
}

export async function createLocalCa(commonName: string, now: Date): Promise<KeyAndCertificate> {
  const keyPem = await newRsaKeyPem();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerial();
  validity(cert, now, CA_YEARS);
  const subject = distinguishedName(commonName);
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(key, forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert) };
}

/** A certificate for signing documents, issued by `ca`, naming the person in its CN. */
export async function issueSigningCertificate(ca: KeyAndCertificate, commonName: string, now: Date): Promise<KeyAndCertificate> {
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const keyPem = await newRsaKeyPem();
  const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = randomSerial();
  validity(cert, now, SIGNER_YEARS);
  cert.setSubject(distinguishedName(commonName));
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    // emailProtection is what NSS (pdfsig) and Acrobat accept for document signing; 1.3.6.1.5.5.7.3.36 is documentSigning (RFC 9336).
    { name: 'extKeyUsage', emailProtection: true, '1.3.6.1.5.5.7.3.36': true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { keyPem, certPem: forge.pki.certificateToPem(cert) };
}
