/**
 * Verifies a completion report the way an auditor needs it, from whichever
 * file they were given: the PDF, its evidence bundle, or the session
 * directory. Each finds the others where Flightdeck puts them (the bundle
 * beside the PDF, both in `<session>/reports/`), and every check that has
 * its inputs runs:
 *
 * - PDF: the embedded signature covers the whole file and verifies (pdf-verify.ts).
 * - Bundle: the DSSE signatures verify; the statement's subject is this PDF's
 *   sha256; the report key is the one the signed PDF names; the certificate
 *   it pins is the one that signed the PDF; each sign-off's own signature verifies.
 * - Session: the journal's hash chain holds, and it still holds the entries
 *   the report covers (count and head). The signed PDF names those itself,
 *   so this holds without the bundle: a journal edited and re-chained after
 *   the report no longer ends in the head the PDF's signature covers.
 * - Team: a team session's report names the team chain it covers (count and
 *   head, in the signed PDF and the bundle); the session folder's replica must
 *   hold it, every row up to it checked by its author's key (team-check.ts).
 * - Evidence: a session directory that lost its journal is "evidence
 *   missing", never valid.
 * - Trust: the signer is trusted when the PDF's chain leads to a certificate
 *   given with --trust (and the bundle carries a signature by each kind of
 *   key given), or, with no --trust, to one in this machine's trust store
 *   (its own local CA, trusted-signers.ts). Otherwise a report whose checks
 *   all hold is "signature valid, signer not trusted", with the fingerprint
 *   of the certificate to pin: the PDF and the bundle vouch for each other,
 *   which catches any change to either but not a forger who replaced both.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { FlightdeckError } from '../../../shared/errors';
import {
  BUNDLE_SUFFIX,
  bundlePathFor,
  DSSE_PAYLOAD_TYPE,
  PDF_SUFFIX,
  pdfPathFor,
  REPORTS_DIR,
  type DsseEnvelope,
  type InTotoStatement,
  type VerifyReportResult,
  type VerifyVerdict,
} from '../../../shared/report-bundle';
import { JOURNAL_FILE, SNAPSHOT_FILE } from '../journal/journal';
import { LOCK_FILE } from '../journal/lock';
import { RUNBOOK_COPY } from '../session/session';
import { METRICS_FILE } from '../telemetry/metrics-recorder';
import { envelopeBody, parseEnvelope, verifyEnvelopeSignature } from './dsse';
import { keyIdOf } from './ed25519';
import { parseStatement } from './in-toto';
import { checkCoverage, checkJournal, short } from './journal-check';
import { checkPdfSignature, type PdfSignatureCheck } from './pdf-verify';
import { checkTeamCoverage } from './team-check';
import { addCertificatePems, readTrust, trustedAnchorOf, type TrustAnchors } from './trust';

export interface VerifyReportOptions {
  /** --trust values: certificate or Ed25519 key files, or key text. When any is given, only these are trusted. */
  trust?: readonly string[];
  /** This machine's trusted signers (PEM certificates, from its trust store): trusted when no --trust is given. */
  knownCertificates?: readonly string[];
  /** The session directory, when the report is not inside it. */
  session?: string | null;
}

type Details = VerifyReportResult['details'];

interface Located {
  kind: Details['kind'];
  pdf: string | null;
  bundle: string | null;
  session: string | null;
  /** A session directory the report belongs to that has no journal: the evidence is missing. */
  journalless: string | null;
}

/** Files only a session directory holds; beside a missing journal they say the session was there. */
const SESSION_MARKERS = [SNAPSHOT_FILE, RUNBOOK_COPY, LOCK_FILE, METRICS_FILE];

/** Throws FlightdeckError only for a path that is not a report at all or an unreadable --trust; every failed check is a problem in the result. */
export async function verifyReport(target: string, options: VerifyReportOptions = {}): Promise<VerifyReportResult> {
  const given = options.trust ?? [];
  const trust = await readTrust(given);
  const pinnedCertificates = trust.certificates.length > 0;
  const pinnedKeys = trust.keys.size > 0;
  if (given.length === 0) addCertificatePems(trust, options.knownCertificates ?? []);
  const located = locate(resolve(target), options.session ?? null);
  const problems: string[] = [];
  const missing: string[] = [];
  const notes: string[] = [];
  const details: Details = {
    kind: located.kind,
    pdf: located.pdf,
    bundle: located.bundle,
    session: located.session ?? located.journalless,
    title: null,
    entries: null,
    head: null,
    signer: null,
    pin: null,
    signoffs: [],
  };

  const pdfBytes = located.pdf ? readFileSync(located.pdf) : null;
  const pdf = pdfBytes ? checkPdfSignature(pdfBytes) : null;
  const pdfHolds = pdf !== null && pdf.problems.length === 0;
  if (pdf) {
    problems.push(...pdf.problems);
    details.signer = pdf.signer;
    details.pin = pdf.pin;
  }

  let statement: InTotoStatement | null = null;
  let bundleKeyTrusted = false;
  if (located.bundle) {
    const checked = checkBundle(located.bundle, pdfBytes, located.pdf, pdf, trust);
    problems.push(...checked.problems);
    notes.push(...checked.notes);
    statement = checked.statement;
    bundleKeyTrusted = checked.keyTrusted;
    if (statement) {
      const predicate = statement.predicate;
      details.title = predicate.runbook.title;
      details.signoffs = predicate.signoffs.map((signoff) => ({ ...signoff, signatureVerified: checked.signedOff.has(signoff.publicKey ?? '') }));
    }
  } else if (located.pdf) {
    notes.push(`no evidence bundle beside the PDF (${basename(bundlePathFor(located.pdf))}): sign-offs and the report key were not checked`);
  }

  // Which journal the report covers: the signed PDF names it, and so does the bundle; the two must agree.
  const pdfJournal = pdfHolds ? pdf.journal : null;
  const bundleJournal = statement?.predicate.journal ?? null;
  if (pdfJournal && bundleJournal && (pdfJournal.entries !== bundleJournal.entries || pdfJournal.head !== bundleJournal.head)) {
    problems.push(`the evidence bundle covers ${bundleJournal.entries} journal entries up to ${short(bundleJournal.head)}, the signed PDF ${pdfJournal.entries} up to ${short(pdfJournal.head)}`);
  }
  const covered = pdfJournal ?? bundleJournal;
  // A team report: the team chain it covers, named by the signed PDF and by the bundle; the two must agree.
  const pdfTeam = pdfHolds ? pdf.team : null;
  const bundleTeam = statement?.predicate.team ?? null;
  if (pdfTeam && bundleTeam && (pdfTeam.session !== bundleTeam.session || pdfTeam.entries !== bundleTeam.entries || pdfTeam.head !== bundleTeam.head)) {
    problems.push(`the evidence bundle covers team session ${bundleTeam.session} to entry ${bundleTeam.entries} (${short(bundleTeam.head)}), the signed PDF ${pdfTeam.session} to ${pdfTeam.entries} (${short(pdfTeam.head)})`);
  } else if (statement && pdfTeam && !bundleTeam) {
    problems.push('the signed PDF covers a team chain the evidence bundle does not name');
  }
  const teamCovered = pdfTeam ?? bundleTeam;
  if (covered) {
    details.entries = covered.entries;
    details.head = covered.head;
  }

  // Whom the signature is by: trusted only through --trust or this machine's trust store.
  // Each kind of --trust given must hold: a certificate pins the PDF's signer, a key the bundle's.
  let trusted = false;
  if (pdf && pdfHolds) {
    const anchor = trustedAnchorOf(pdf.chain, trust.certificates);
    const certificateHolds = anchor !== null || (given.length > 0 && !pinnedCertificates);
    const keyHolds = !pinnedKeys || bundleKeyTrusted;
    trusted = certificateHolds && keyHolds;
    if (anchor) notes.push(`the signing certificate leads to ${anchor}, a certificate trusted ${given.length > 0 ? 'with --trust' : 'on this machine'}`);
    else if (given.length === 0) notes.push(`signer not trusted: ${pdf.signer} does not lead to a certificate this machine trusts (its own report CA) and no --trust was given`);
    else if (pinnedCertificates) notes.push(`signer not trusted: ${pdf.signer} does not lead to a certificate given with --trust`);
    if (!keyHolds) {
      const why = statement ? `none of the bundle's signatures is by a key given with --trust (its report key is ${short(statement.predicate.reportKey.keyid)})` : 'there is no evidence bundle to check the --trust key against';
      notes.push(`signer not trusted: ${why}`);
    }
  }

  if (located.journalless) {
    missing.push(`the session directory ${located.journalless} has no journal (${JOURNAL_FILE}): the report cannot be checked against what happened`);
  } else if (located.session) {
    const journal = checkJournal(located.session);
    notes.push(...journal.notes);
    // A team report's bundle names the team chain it covers; the folder's replica must still hold it.
    const team = teamCovered ? checkTeamCoverage(located.session, teamCovered) : null;
    if (team) {
      problems.push(...team.problems);
      missing.push(...team.missing);
      // A sign-off made on the signer's own laptop is signed by their key in the team chain, not in this bundle.
      details.signoffs = details.signoffs.map((signoff) => {
        if (signoff.signatureVerified || !signoff.publicKey || !team.signedOff.has(signoff.publicKey)) return signoff;
        const at = notes.indexOf(notInBundle(signoff));
        if (at >= 0) notes.splice(at, 1);
        notes.push(`${signoff.name} (${signoff.role}) signed off on their own laptop: their own key signed that entry of the team chain`);
        return { ...signoff, signatureVerified: true };
      });
    }
    if (journal.problem) problems.push(journal.problem);
    else if (covered) {
      const coverage = checkCoverage(journal.entries, covered, statement?.predicate ?? null, team?.entries ?? []);
      problems.push(...coverage.problems);
      notes.push(...coverage.notes);
    } else if (located.pdf) {
      missing.push('the signed PDF does not name the journal it covers (a report from an older Flightdeck) and no evidence bundle is beside it: the journal cannot be checked against the report');
    } else {
      details.entries = journal.entries.length;
      details.head = journal.entries.at(-1)?.hash ?? null;
      if (located.kind === 'session') notes.push('no report has been exported from this session yet: only the journal was checked');
    }
    if (!details.title && journal.entries[0]?.type === 'session.started') {
      const runbook = (journal.entries[0].data as { runbook?: { title?: unknown } }).runbook;
      if (typeof runbook?.title === 'string') details.title = runbook.title;
    }
  } else if (covered) {
    notes.push('no session directory found beside the report: the journal itself was not checked (give --session DIR)');
  }

  const isReport = located.pdf !== null || located.bundle !== null;
  const verdict: VerifyVerdict = problems.length > 0 ? 'invalid' : missing.length > 0 ? 'evidence-missing' : isReport && !trusted ? 'untrusted' : 'valid';
  const all = [...problems, ...missing.map((reason) => `evidence missing: ${reason}`)];
  const summary =
    verdict === 'invalid' ? `invalid: ${problems[0]}` : verdict === 'evidence-missing' ? (all[0] as string) : verdict === 'untrusted' ? untrustedSummary(details) : validSummary(details);
  return { ok: verdict === 'valid', verdict, summary, problems: all, notes, details };
}

function validSummary(details: Details): string {
  const parts = [`valid: ${details.title ?? 'report'}`];
  if (details.entries !== null) parts.push(`${details.entries} ${details.entries === 1 ? 'entry' : 'entries'}`);
  if (details.head) parts.push(`head ${short(details.head)}`);
  if (details.signer) parts.push(`signed by ${details.signer}`);
  if (details.bundle) parts.push(`${details.signoffs.length} sign-off${details.signoffs.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

/** What to pin and how, on one line: the auditor compares the fingerprint with the one the signer's owner gives them. */
function untrustedSummary(details: Details): string {
  const pin = details.pin;
  if (!pin) return `signature valid, signer not trusted: ${details.signer ?? 'unknown signer'}`;
  const issued = pin.subject === details.signer ? '' : `, issued by ${pin.subject}`;
  return `signature valid, signer not trusted: ${details.signer}${issued}; SHA-256 fingerprint ${pin.fingerprint}; to trust it, get that certificate from its owner, check the fingerprint, and pass it with --trust FILE`;
}

interface BundleCheck {
  problems: string[];
  notes: string[];
  statement: InTotoStatement | null;
  /** A signature in the bundle is by a key given with --trust. */
  keyTrusted: boolean;
  /** Public keys (SPKI base64) of sign-offs whose own signature verified. */
  signedOff: Set<string>;
}

function checkBundle(file: string, pdfBytes: Buffer | null, pdfFile: string | null, pdf: PdfSignatureCheck | null, trust: TrustAnchors): BundleCheck {
  const result: BundleCheck = { problems: [], notes: [], statement: null, keyTrusted: false, signedOff: new Set() };
  let envelope: DsseEnvelope;
  try {
    envelope = parseEnvelope(readFileSync(file, 'utf8'), file);
  } catch (err) {
    result.problems.push(`evidence bundle unreadable: ${(err as Error).message}`);
    return result;
  }
  if (envelope.payloadType !== DSSE_PAYLOAD_TYPE) {
    result.problems.push(`evidence bundle has payload type ${envelope.payloadType}, not ${DSSE_PAYLOAD_TYPE}`);
    return result;
  }
  const statement = parseStatement(envelopeBody(envelope));
  if (typeof statement === 'string') {
    result.problems.push(`evidence bundle: ${statement}`);
    return result;
  }
  const predicate = statement.predicate;
  const reportKey = publicKeyFrom(predicate.reportKey.publicKey);
  if (!reportKey || keyIdOf(Buffer.from(predicate.reportKey.publicKey, 'base64')) !== predicate.reportKey.keyid) {
    result.problems.push('evidence bundle: its report key is not a valid Ed25519 key with the keyid it states');
    return result;
  }
  // Believe nothing in the statement until the report key's signature over it holds.
  const reportSigned = envelope.signatures.some((signature) => verifyEnvelopeSignature(envelope, signature.sig, reportKey));
  if (!reportSigned) {
    result.problems.push(`evidence bundle changed or signed by an unknown key: no signature verifies with its report key ${short(predicate.reportKey.keyid)}`);
    return result;
  }
  result.statement = statement;

  if (pdf && pdf.problems.length === 0) {
    if (pdf.reportKeyId === null) result.problems.push('the signed PDF names no report key, so the bundle cannot be bound to it');
    else if (pdf.reportKeyId !== predicate.reportKey.keyid) {
      result.problems.push(`bundle signed by an unknown key: the signed PDF names report key ${short(pdf.reportKeyId)}, the bundle's is ${short(predicate.reportKey.keyid)}`);
    }
    if (pdf.certificateSha256 !== predicate.certificate.sha256) {
      result.problems.push(`certificate not trusted: the PDF was signed by ${pdf.signer}, not by the certificate the bundle names (${predicate.certificate.subject})`);
    }
  }
  const subject = statement.subject[0];
  if (!pdfBytes) result.problems.push(`the PDF the bundle describes (${subject?.name ?? 'unnamed'}) is not beside it`);
  else if (subject && subject.digest.sha256 !== createHash('sha256').update(pdfBytes).digest('hex')) {
    result.problems.push(`PDF changed after signing: its sha256 is not the one the bundle's statement records for ${subject.name}`);
  } else if (subject && pdfFile && subject.name !== basename(pdfFile)) {
    result.notes.push(`the PDF was renamed: the bundle calls it ${subject.name}`);
  }

  const byKeyid = new Map(envelope.signatures.map((signature) => [signature.keyid, signature.sig] as const));
  for (const [keyid, key] of trust.keys) {
    const sig = byKeyid.get(keyid);
    if (sig && verifyEnvelopeSignature(envelope, sig, key)) result.keyTrusted = true;
  }
  const known = new Set([predicate.reportKey.keyid]);
  for (const signoff of predicate.signoffs) {
    if (!signoff.publicKey) continue;
    const key = publicKeyFrom(signoff.publicKey);
    const keyid = key ? keyIdOf(Buffer.from(signoff.publicKey, 'base64')) : null;
    if (!key || !keyid) {
      result.problems.push(`the sign-off of ${signoff.name} (${signoff.role}) names a public key that is not Ed25519`);
      continue;
    }
    known.add(keyid);
    const sig = byKeyid.get(keyid);
    if (sig === undefined) result.notes.push(notInBundle(signoff));
    else if (verifyEnvelopeSignature(envelope, sig, key)) result.signedOff.add(signoff.publicKey);
    else result.problems.push(`the sign-off signature of ${signoff.name} (${signoff.role}) does not verify`);
  }
  const strangers = envelope.signatures.filter((signature) => !known.has(signature.keyid)).length;
  if (strangers > 0) result.notes.push(`the bundle carries ${strangers} signature${strangers === 1 ? '' : 's'} by keys it does not name; they were ignored`);
  return result;
}

function notInBundle(signoff: { name: string; role: string }): string {
  return `${signoff.name} (${signoff.role}) signed off without their own signature in the bundle`;
}

function publicKeyFrom(spkiBase64: string): KeyObject | null {
  try {
    const key = createPublicKey({ key: Buffer.from(spkiBase64, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ed25519' ? key : null;
  } catch {
    return null;
  }
}

/** Which files and session a path stands for. */
function locate(target: string, session: string | null): Located {
  if (!existsSync(target)) throw new FlightdeckError('not-found', 'no such file or directory.', { file: target });
  let given: { session: string | null; journalless: string | null } | null = null;
  if (session) {
    const dir = resolve(session);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new FlightdeckError('not-found', 'no such session directory.', { file: dir });
    // The person said this is the report's session: without its journal, the evidence is missing.
    given = existsSync(join(dir, JOURNAL_FILE)) ? { session: dir, journalless: null } : { session: null, journalless: dir };
  }
  if (statSync(target).isDirectory()) {
    const report = latestReport(target);
    const hasJournal = existsSync(join(target, JOURNAL_FILE));
    if (!hasJournal && !report) throw new FlightdeckError('not-found', 'is not a Flightdeck session (no journal.jsonl) nor a report.', { file: target });
    return { kind: 'session', bundle: report?.bundle ?? null, pdf: report?.pdf ?? null, session: hasJournal ? target : null, journalless: hasJournal ? null : target };
  }
  const owner = given ?? sessionOf(target);
  if (target.endsWith(BUNDLE_SUFFIX) || target.toLowerCase().endsWith('.json')) {
    return { kind: 'bundle', bundle: target, pdf: pdfBesideBundle(target), ...owner };
  }
  const head = readFileSync(target).subarray(0, 5).toString('latin1');
  if (head !== '%PDF-') throw new FlightdeckError('bad-input', 'is neither a PDF, an evidence bundle (.bundle.json) nor a session directory.', { file: target });
  return { kind: 'pdf', pdf: target, bundle: existingOrNull(bundlePathFor(target)), ...owner };
}

function existingOrNull(file: string): string | null {
  return existsSync(file) ? file : null;
}

/** The PDF a bundle describes: its subject's file name in the same folder, else `<name>.pdf`. */
function pdfBesideBundle(bundle: string): string | null {
  try {
    const statement = parseStatement(envelopeBody(parseEnvelope(readFileSync(bundle, 'utf8'))));
    const name = typeof statement === 'string' ? null : statement.subject[0]?.name;
    // Only a plain file name: a subject like "../x.pdf" must not send the verifier elsewhere.
    if (name && name === basename(name)) {
      const candidate = join(dirname(bundle), name);
      if (existsSync(candidate)) return candidate;
    }
  } catch {
    // the bundle check reports what is wrong with it
  }
  return existingOrNull(pdfPathFor(bundle));
}

/**
 * `<session>/reports/<file>` → `<session>` when that folder holds a journal;
 * a folder that holds other session files but no journal is a session that
 * lost it. A report anywhere else was sent on its own.
 */
function sessionOf(file: string): { session: string | null; journalless: string | null } {
  const folder = dirname(file);
  if (basename(folder) !== REPORTS_DIR) return { session: null, journalless: null };
  const candidate = dirname(folder);
  if (existsSync(join(candidate, JOURNAL_FILE))) return { session: candidate, journalless: null };
  return { session: null, journalless: SESSION_MARKERS.some((name) => existsSync(join(candidate, name))) ? candidate : null };
}

/** The session's newest report (by modification time of its PDF or bundle, whichever it still has), or null. */
function latestReport(sessionDir: string): { pdf: string | null; bundle: string | null } | null {
  const dir = join(sessionDir, REPORTS_DIR);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return null;
  const newest = readdirSync(dir)
    .filter((name) => name.endsWith(BUNDLE_SUFFIX) || name.toLowerCase().endsWith(PDF_SUFFIX))
    .map((name) => ({ file: join(dir, name), mtime: statSync(join(dir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime)[0];
  if (!newest) return null;
  // A bundle and its PDF share a name: whichever one was found, look for the other.
  const pdf = newest.file.endsWith(BUNDLE_SUFFIX) ? pdfBesideBundle(newest.file) : newest.file;
  const bundle = newest.file.endsWith(BUNDLE_SUFFIX) ? newest.file : existingOrNull(bundlePathFor(newest.file));
  return { pdf, bundle };
}
