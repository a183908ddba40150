/**
 * Checks the signature embedded in a report PDF without a PDF reader: the
 * byte range covers the whole file except the signature itself (so nothing
 * was appended or changed around it), the PKCS#7 message digest equals the
 * sha256 of those bytes, and the signature over the signed attributes
 * verifies with the signer certificate the message carries. Whether that
 * certificate is one to trust is decided by the caller (trust.ts), from the
 * chain found here.
 *
 * node-forge parses the PKCS#7 structure (it cannot verify one); node:crypto
 * checks the digest, the signature and the certificates.
 */
import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import {
  JOURNAL_ENTRIES_INFO_KEY,
  JOURNAL_HEAD_INFO_KEY,
  REPORT_KEY_INFO_KEY,
  TEAM_ENTRIES_INFO_KEY,
  TEAM_HEAD_INFO_KEY,
  TEAM_SESSION_INFO_KEY,
  type CoveredJournal,
  type CoveredTeamChain,
} from './pdf-signature';
import { subjectLine } from './signing-identity';

export interface PdfSignatureCheck {
  /** Every failed check; empty when the signature holds. */
  problems: string[];
  /** Signer certificate first, then the certificates the message carries that issue it, in order. */
  chain: X509Certificate[];
  signer: string | null;
  certificateSha256: string | null;
  signedAt: Date | null;
  /** The report key id the signed PDF names (/FlightdeckReportKey), if any. */
  reportKeyId: string | null;
  /** The journal the signed PDF says it covers (/FlightdeckJournalEntries and /FlightdeckJournalHead), if it names one. */
  journal: CoveredJournal | null;
  /** The team chain the signed PDF says it covers (/FlightdeckTeam*), for a team session's report. */
  team: CoveredTeamChain | null;
  /** The certificate to pin with --trust: the top of the chain (the CA that issued the signer, else the signer's own). */
  pin: { subject: string; fingerprint: string } | null;
}

const OID = {
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};
const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export function checkPdfSignature(pdf: Buffer): PdfSignatureCheck {
  const result: PdfSignatureCheck = { problems: [], chain: [], signer: null, certificateSha256: null, signedAt: null, reportKeyId: null, journal: null, team: null, pin: null };
  const fail = (problem: string): PdfSignatureCheck => {
    result.problems.push(problem);
    return result;
  };
  const ranges = byteRanges(pdf);
  if (ranges.length === 0) return fail('the PDF is not signed (no signature dictionary)');
  if (ranges.length > 1) return fail(`the PDF holds ${ranges.length} signatures; a Flightdeck report has one, so it was signed again after export`);
  const range = ranges[0] as number[];
  if (range.length !== 4 || range.some((n) => !Number.isSafeInteger(n) || n < 0)) return fail('the PDF signature\'s byte range is malformed');
  const [start, firstLength, second, secondLength] = range as [number, number, number, number];
  const holeStart = start + firstLength;
  if (start !== 0 || holeStart >= second) return fail('the PDF signature\'s byte range does not start at the beginning of the file');
  if (second + secondLength !== pdf.length) {
    const extra = pdf.length - (second + secondLength);
    return fail(extra > 0 ? `PDF changed after signing: ${extra} bytes were added after the signed part` : 'PDF changed after signing: the file is shorter than its signature covers');
  }
  const hole = pdf.subarray(holeStart, second).toString('latin1');
  if (!/^<[0-9a-fA-F]*>$/.test(hole)) return fail('PDF changed after signing: the byte range leaves out more than the signature');
  // The hex is padded with zeros to the placeholder's size; DER says how long the message really is.
  const der = Buffer.from(hole.slice(1, -1), 'hex');

  let message: forge.pkcs7.PkcsSignedData;
  try {
    const asn1 = (forge.asn1.fromDer as unknown as (bytes: forge.util.ByteBuffer, options: { parseAllBytes: boolean }) => forge.asn1.Asn1)(forge.util.createBuffer(der.toString('binary')), { parseAllBytes: false });
    message = forge.pkcs7.messageFromAsn1(asn1) as forge.pkcs7.PkcsSignedData;
  } catch {
    return fail('the PDF signature is not a PKCS#7 signature');
  }
  const signerInfos = (message as unknown as { rawCapture?: { signerInfos?: forge.asn1.Asn1[] } }).rawCapture?.signerInfos ?? [];
  if (signerInfos.length !== 1) return fail(`the PDF signature has ${signerInfos.length} signers; expected one`);
  const info = readSignerInfo(signerInfos[0] as forge.asn1.Asn1);
  if (!info) return fail('the PDF signature\'s signer information is malformed');
  const certificates = message.certificates.map((cert) => new X509Certificate(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary')));
  const serial = forge.util.createBuffer(info.serial).toHex().replace(/^0+/, '').toUpperCase();
  const signerCert = certificates.find((cert) => cert.serialNumber.replace(/^0+/, '').toUpperCase() === serial);
  if (!signerCert) return fail('the PDF signature does not carry its signer\'s certificate');
  result.signer = subjectLine(signerCert);
  result.certificateSha256 = createHash('sha256').update(signerCert.raw).digest('hex');
  result.chain = chainFrom(signerCert, certificates);
  const top = result.chain.at(-1) as X509Certificate;
  // fingerprint256 is "AB:CD:…", the form `openssl x509 -noout -fingerprint -sha256` prints, so it can be compared by eye.
  result.pin = { subject: subjectLine(top), fingerprint: top.fingerprint256 };

  const digestName = DIGESTS[info.digestOid];
  if (!digestName) return fail('the PDF signature uses a digest algorithm Flightdeck does not check');
  const attributes = info.attributes;
  const messageDigest = attributeValue(attributes, OID.messageDigest);
  if (messageDigest === null) return fail('the PDF signature has no signed message digest');
  const signingTime = attributeValue(attributes, OID.signingTime);
  if (signingTime !== null) result.signedAt = forge.asn1.utcTimeToDate(signingTime);
  const actual = createHash(digestName).update(pdf.subarray(0, holeStart)).update(pdf.subarray(second)).digest();
  if (!actual.equals(Buffer.from(messageDigest, 'binary'))) return fail('PDF changed after signing (digest mismatch)');

  // The signature covers the DER of the attributes as a SET, not as the [0] they are tagged with inside SignerInfo.
  const signedAttributes = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SET, true, attributes);
  const signedBytes = Buffer.from(forge.asn1.toDer(signedAttributes).getBytes(), 'binary');
  const signature = Buffer.from(info.signature, 'binary');
  let valid: boolean;
  try {
    valid = cryptoVerify(digestName, signedBytes, signerCert.publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) return fail(`the PDF signature does not verify with the certificate of ${result.signer}`);
  // The signing time is the signer's own claim, not a timestamp authority's, but a time outside the certificate's life is still a red flag.
  if (result.signedAt && (result.signedAt < new Date(signerCert.validFrom) || result.signedAt > new Date(signerCert.validTo))) {
    return fail(`certificate not valid when the PDF was signed: ${result.signer} is valid from ${signerCert.validFrom} to ${signerCert.validTo}`);
  }
  const text = pdf.toString('latin1');
  result.reportKeyId = infoValue(text, REPORT_KEY_INFO_KEY, 'report key', result);
  result.journal = journalIn(text, result);
  result.team = teamIn(text, result);
  return result;
}

interface SignerInfo {
  serial: string;
  digestOid: string;
  attributes: forge.asn1.Asn1[];
  signature: string;
}

/**
 * SignerInfo ::= SEQUENCE { version, issuerAndSerialNumber, digestAlgorithm,
 * [0] authenticatedAttributes OPTIONAL, digestEncryptionAlgorithm,
 * encryptedDigest, [1] unauthenticatedAttributes OPTIONAL } (RFC 2315 9.2).
 * Read by position: forge does not export its SignerInfo validator.
 */
function readSignerInfo(node: forge.asn1.Asn1): SignerInfo | null {
  const parts = Array.isArray(node.value) ? node.value : [];
  const issuerAndSerial = parts[1]?.value;
  const digestAlgorithm = parts[2]?.value;
  if (!Array.isArray(issuerAndSerial) || !Array.isArray(digestAlgorithm)) return null;
  const serial = issuerAndSerial[1]?.value;
  const digestOid = digestAlgorithm[0]?.value;
  let next = 3;
  let attributes: forge.asn1.Asn1[] = [];
  const maybeAttributes = parts[3];
  if (maybeAttributes && maybeAttributes.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && maybeAttributes.type === 0) {
    attributes = Array.isArray(maybeAttributes.value) ? maybeAttributes.value : [];
    next = 4;
  }
  const signature = parts[next + 1]?.value;
  if (typeof serial !== 'string' || typeof digestOid !== 'string' || typeof signature !== 'string') return null;
  return { serial, digestOid: forge.asn1.derToOid(digestOid), attributes, signature };
}

/** Every /ByteRange array in the file (a Flightdeck report has one). */
function byteRanges(pdf: Buffer): number[][] {
  const text = pdf.toString('latin1');
  const found: number[][] = [];
  for (const match of text.matchAll(/\/ByteRange\s*\[([^\]]*)\]/g)) {
    found.push((match[1] ?? '').trim().split(/\s+/).map(Number));
  }
  return found;
}

function attributeValue(attributes: forge.asn1.Asn1[], oid: string): string | null {
  for (const attribute of attributes) {
    const [type, values] = attribute.value as forge.asn1.Asn1[];
    if (!type || !values || forge.asn1.derToOid(type.value as string) !== oid) continue;
    const first = (values.value as forge.asn1.Asn1[])[0];
    return first ? (first.value as string) : null;
  }
  return null;
}

/** The signer certificate and, from those the message carries, each next issuer whose signature on it verifies. */
function chainFrom(signer: X509Certificate, carried: X509Certificate[]): X509Certificate[] {
  const chain = [signer];
  for (let current = signer; chain.length <= carried.length; ) {
    // Only a CA certificate can vouch for another: a leaf that "issued" one proves nothing.
    const issuer = carried.find((cert) => cert.ca && !chain.includes(cert) && current.checkIssued(cert) && current.verify(cert.publicKey));
    if (!issuer) break;
    chain.push(issuer);
    current = issuer;
  }
  return chain;
}

/**
 * A value written into the Info dictionary before signing (pdf-lib writes
 * it as a UTF-16BE hex string). It must occur exactly once: two differing
 * occurrences would make what the signed PDF says ambiguous.
 */
function infoValue(text: string, key: string, what: string, result: PdfSignatureCheck): string | null {
  const values = new Set<string>();
  for (const match of text.matchAll(new RegExp(`/${key}\\s*<([0-9A-Fa-f]+)>`, 'g'))) {
    const bytes = Buffer.from(match[1] ?? '', 'hex');
    const decoded = bytes[0] === 0xfe && bytes[1] === 0xff ? Buffer.from(bytes.subarray(2)).swap16().toString('utf16le') : bytes.toString('latin1');
    values.add(decoded);
  }
  if (values.size > 1) {
    result.problems.push(`the PDF names more than one ${what}`);
    return null;
  }
  return [...values][0] ?? null;
}

/** The covered journal the signed PDF names; null for a PDF made before it named one. Both values or neither. */
function journalIn(text: string, result: PdfSignatureCheck): CoveredJournal | null {
  const entries = infoValue(text, JOURNAL_ENTRIES_INFO_KEY, 'journal entry count', result);
  const head = infoValue(text, JOURNAL_HEAD_INFO_KEY, 'journal head', result);
  if (entries === null && head === null) return null;
  if (entries === null || head === null || !/^(0|[1-9][0-9]{0,15})$/.test(entries) || !/^[0-9a-f]{64}$/.test(head)) {
    result.problems.push('the signed PDF names its journal malformed (an entry count and a 64-hex-digit head are expected)');
    return null;
  }
  return { entries: Number(entries), head };
}

/** The team chain the signed PDF names; null for a report of a session not joined to a team. All three values or none. */
function teamIn(text: string, result: PdfSignatureCheck): CoveredTeamChain | null {
  const session = infoValue(text, TEAM_SESSION_INFO_KEY, 'team session', result);
  const entries = infoValue(text, TEAM_ENTRIES_INFO_KEY, 'team chain entry count', result);
  const head = infoValue(text, TEAM_HEAD_INFO_KEY, 'team chain head', result);
  if (session === null && entries === null && head === null) return null;
  if (session === null || entries === null || head === null || !/^(0|[1-9][0-9]{0,15})$/.test(entries) || !/^[0-9a-f]{64}$/.test(head)) {
    result.problems.push('the signed PDF names its team chain malformed (a session, an entry count and a 64-hex-digit head are expected)');
    return null;
  }
  return { session, entries: Number(entries), head };
}
