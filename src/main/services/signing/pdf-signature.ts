/**
 * Embeds the release manager's signature in the report PDF: a detached
 * PKCS#7 (adbe.pkcs7.detached) over every byte of the file but the
 * signature itself, so any reader (Acrobat, poppler's pdfsig) shows the
 * file as signed and unaltered, and any later change as a digest mismatch.
 *
 * Before the placeholder goes in, the report key's id is written into the
 * document information dictionary (/FlightdeckReportKey, also listed in
 * /Keywords). The PDF signature covers it, so the evidence bundle is bound
 * to this PDF: a bundle re-signed with another key no longer matches the
 * key the signed PDF names, even when the verifier pins nothing.
 *
 * The journal the report covers goes there too (/FlightdeckJournalEntries,
 * /FlightdeckJournalHead, and in /Keywords for `pdfinfo`): the PDF alone
 * then says which hash chain it vouches for, so a verifier catches a
 * journal that was edited and re-chained even when the bundle is gone.
 * A team session's report also names the team chain it covers
 * (/FlightdeckTeamSession, /FlightdeckTeamEntries, /FlightdeckTeamHead).
 *
 * pdf-lib reads Chromium's object streams and writes the file back without
 * them; @signpdf's placeholder then keeps the signature dictionary out of
 * any stream, where a byte range could not point at it.
 */
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import signpdf from '@signpdf/signpdf';
import { PDFDict, PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { IdentitySigner } from './pkcs7-signer';
import type { PdfSigningIdentity } from './signing-identity';

/** Info dictionary key holding the report key's id (sha256 of its SPKI, hex). */
export const REPORT_KEY_INFO_KEY = 'FlightdeckReportKey';
/** Info dictionary keys holding the journal the report covers: its entry count (decimal) and the last entry's hash (hex). */
export const JOURNAL_ENTRIES_INFO_KEY = 'FlightdeckJournalEntries';
export const JOURNAL_HEAD_INFO_KEY = 'FlightdeckJournalHead';

export const TEAM_SESSION_INFO_KEY = 'FlightdeckTeamSession';
export const TEAM_ENTRIES_INFO_KEY = 'FlightdeckTeamEntries';
export const TEAM_HEAD_INFO_KEY = 'FlightdeckTeamHead';

export interface CoveredJournal {
  entries: number;
  head: string;
}

/** A team session's merged chain as a report covers it: rows 0 .. entries-1 of the replica, the last one's hash. */
export interface CoveredTeamChain extends CoveredJournal {
  session: string;
}

export interface PdfSignatureOptions {
  reason: string;
  /** Who signs: shown by readers next to the signature. */
  name: string;
  location: string;
  signedAt: Date;
  /** The report key's id, bound into the signed PDF (see above); null when the PDF goes without a bundle. */
  reportKeyId: string | null;
  /** The journal the report covers (see above); null for a PDF that is not a session's report. */
  journal: CoveredJournal | null;
  /** The team chain the report covers (see above); absent or null for a session not joined to a team. */
  team?: CoveredTeamChain | null;
}

/** Room for RSA-4096 signatures and a chain of a few certificates; grows with longer imported chains. */
function placeholderBytes(identity: PdfSigningIdentity): number {
  const chainBytes = identity.chainPem.reduce((sum, pem) => sum + Buffer.byteLength(pem), 0);
  return Math.max(8192, chainBytes + 4096);
}

export async function signPdf(pdf: Uint8Array, identity: PdfSigningIdentity, options: PdfSignatureOptions): Promise<Uint8Array> {
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf, { updateMetadata: false });
  } catch (err) {
    throw new FlightdeckError('bad-input', `The report is not a readable PDF: ${messageOf(err)}`);
  }
  const keywords: string[] = [];
  const info: Array<[string, string]> = [];
  if (options.reportKeyId !== null) {
    if (!/^[0-9a-f]{64}$/.test(options.reportKeyId)) throw new FlightdeckError('bad-input', 'The report key id must be 64 hex digits.', { field: 'reportKeyId' });
    keywords.push(`flightdeck-report-key:${options.reportKeyId}`);
    info.push([REPORT_KEY_INFO_KEY, options.reportKeyId]);
  }
  if (options.journal !== null) {
    const { entries, head } = options.journal;
    if (!Number.isSafeInteger(entries) || entries < 0 || !/^[0-9a-f]{64}$/.test(head)) throw new FlightdeckError('bad-input', 'The covered journal needs a whole entry count and a 64-hex-digit head.', { field: 'journal' });
    keywords.push(`flightdeck-journal-entries:${entries}`, `flightdeck-journal-head:${head}`);
    info.push([JOURNAL_ENTRIES_INFO_KEY, String(entries)], [JOURNAL_HEAD_INFO_KEY, head]);
  }
  if (options.team) {
    const { session, entries, head } = options.team;
    if (!/^[A-Za-z0-9._-]{1,80}$/.test(session) || !Number.isSafeInteger(entries) || entries < 0 || !/^[0-9a-f]{64}$/.test(head)) {
      throw new FlightdeckError('bad-input', 'The covered team chain needs a session id, a whole entry count and a 64-hex-digit head.', { field: 'team' });
    }
    keywords.push(`flightdeck-team-session:${session}`, `flightdeck-team-entries:${entries}`, `flightdeck-team-head:${head}`);
    info.push([TEAM_SESSION_INFO_KEY, session], [TEAM_ENTRIES_INFO_KEY, String(entries)], [TEAM_HEAD_INFO_KEY, head]);
  }
  if (keywords.length > 0) {
    doc.setKeywords(keywords);
    const dict = infoDict(doc);
    for (const [key, value] of info) dict.set(PDFName.of(key), PDFHexString.fromText(value));
  }
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: pdfLiteral(options.reason),
    contactInfo: '',
    name: pdfLiteral(options.name),
    location: pdfLiteral(options.location),
    signingTime: options.signedAt,
    signatureLength: placeholderBytes(identity),
    appName: 'Flightdeck',
  });
  const prepared = Buffer.from(await doc.save({ useObjectStreams: false }));
  const signed = await signpdf.sign(prepared, new IdentitySigner(identity), options.signedAt);
  return new Uint8Array(signed.buffer, signed.byteOffset, signed.byteLength);
}

/** The trailer's /Info dictionary (pdf-lib's getInfoDict is private; setKeywords has just made sure it exists). */
function infoDict(doc: PDFDocument): PDFDict {
  const info = doc.context.lookup(doc.context.trailerInfo.Info, PDFDict);
  return info;
}

/**
 * The body of a PDF literal string for `text`: pdf-lib's PDFString.of writes
 * its argument as bytes without escaping, so parentheses and backslashes
 * are escaped here and anything beyond ASCII is written as UTF-16BE with a
 * byte-order mark, which is how PDF text strings carry Unicode.
 */
export function pdfLiteral(text: string): string {
  const ascii = /^[\x20-\x7e]*$/.test(text);
  const bytes = ascii ? Buffer.from(text, 'latin1') : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);
  let out = '';
  for (const byte of bytes) {
    if (byte === 0x28 || byte === 0x29 || byte === 0x5c) out += `\\${String.fromCharCode(byte)}`;
    else if (byte < 0x20 || byte > 0x7e) out += `\\${byte.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(byte);
  }
  return out;
}
