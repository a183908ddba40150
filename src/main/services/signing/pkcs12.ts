/**
 * Reads a PKCS#12 file (.p12/.pfx) that an organisation issued to its
 * release manager: the private key and the certificate chain, checked here
 * so a wrong passphrase, a file without a key, or a key the PDF signer
 * cannot use is refused at import with a message that says which, not at
 * the first export.
 */
import forge from 'node-forge';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import type { KeyAndCertificate } from './certificates';

/** The key and the chain (signer certificate first, then its issuers as the file lists them). */
export interface ImportedIdentity extends KeyAndCertificate {
  chainPem: string[];
}

const MAX_P12_BYTES = 1024 * 1024;

export function readPkcs12(bytes: Uint8Array, passphrase: string, file = 'PKCS#12 file'): ImportedIdentity {
  if (bytes.length === 0) throw new FlightdeckError('bad-input', `${file} is empty.`, { file });
  if (bytes.length > MAX_P12_BYTES) throw new FlightdeckError('too-large', `${file} is larger than 1 MB: not a PKCS#12 certificate file.`, { file });
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(bytes).toString('binary')));
  } catch {
    throw new FlightdeckError('bad-input', `${file} is not a PKCS#12 file (not DER).`, { file });
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
  } catch (err) {
    const message = messageOf(err);
    // forge reports a failed MAC check as "PKCS#12 MAC could not be verified. Invalid password?"
    if (/password|MAC/i.test(message)) throw new FlightdeckError('bad-input', `The passphrase does not open ${file}.`, { file, field: 'passphrase' });
    if (/OID is not RSA|Cannot read public key/i.test(message)) {
      throw new FlightdeckError('unsupported', `${file} holds a key that is not RSA; Flightdeck signs PDFs with RSA keys only.`, { file });
    }
    throw new FlightdeckError('bad-input', `${file} could not be read as PKCS#12: ${message.slice(0, 200)}`, { file });
  }
  const bags = (type: string | undefined): forge.pkcs12.Bag[] => (type ? (p12.getBags({ bagType: type })[type] ?? []) : []);
  const keyBags = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag), ...bags(forge.pki.oids.keyBag)];
  const keys = keyBags.flatMap((bag) => (bag.key ? [bag.key as forge.pki.rsa.PrivateKey] : []));
  // forge leaves `key` empty (and keeps the raw asn1) for key types it cannot read, which are all but RSA.
  if (keys.length === 0 && keyBags.some((bag) => bag.asn1)) {
    throw new FlightdeckError('unsupported', `${file} holds a key that is not RSA (EC, for instance); Flightdeck signs PDFs with RSA keys only.`, { file });
  }
  const certs = bags(forge.pki.oids.certBag).flatMap((bag) => (bag.cert ? [bag.cert] : []));
  const key = keys[0];
  if (!key) throw new FlightdeckError('bad-input', `${file} holds no private key: export it again with the private key included.`, { file });
  if (certs.length === 0) throw new FlightdeckError('bad-input', `${file} holds no certificate.`, { file });
  const own = certs.find((cert) => {
    const pub = cert.publicKey as forge.pki.rsa.PublicKey;
    return pub.n?.compareTo(key.n) === 0 && pub.e?.compareTo(key.e) === 0;
  });
  if (!own) throw new FlightdeckError('bad-input', `${file} holds a private key without its certificate.`, { file });
  const chain = [own, ...certs.filter((cert) => cert !== own)];
  const chainPem = chain.map((cert) => forge.pki.certificateToPem(cert));
  return {
    keyPem: forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))),
    certPem: chainPem[0] as string,
    chainPem,
  };
}
