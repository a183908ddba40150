/**
 * Turns a rendered report into the two files an auditor receives: the PDF
 * with the release manager's signature embedded, and the evidence bundle
 * (DSSE envelope of an in-toto statement about that exact PDF) signed by
 * the report key and by every sign-off whose signer's own key is on this
 * laptop. The report key's id goes into the signed PDF first, which binds
 * the bundle to it (see pdf-signature.ts).
 */
import { join } from 'node:path';
import { bundlePathFor, DSSE_PAYLOAD_TYPE, REPORTS_DIR, reportFiles, type DsseEnvelope, type ReportPredicate } from '../../../shared/report-bundle';
import { FlightdeckError } from '../../../shared/errors';
import { writeFileAtomic } from '../storage/durable-fs';
import { makePrivateDir } from '../storage/private-fs';
import { signEnvelope, type DsseSigner } from './dsse';
import { reportStatement, sha256Hex, statementBytes } from './in-toto';
import { signPdf } from './pdf-signature';
import type { SigningIdentities } from './signing-identity';

export interface SignReportInput {
  identities: SigningIdentities;
  /** The PDF as Chromium rendered it. */
  pdf: Uint8Array;
  /** File name the PDF will have, e.g. "report-20261122-0810.pdf": the statement's subject name. */
  pdfName: string;
  /** Everything but the keys, which this fills in. */
  predicate: Omit<ReportPredicate, 'reportKey' | 'certificate'>;
  /** The release manager: the CN of a local signing certificate and the name readers show. */
  signerName: string;
  signedAt: Date;
  reason?: string;
  location?: string;
}

export interface SignedReport {
  pdf: Uint8Array;
  pdfSha256: string;
  bundle: DsseEnvelope;
  /** The bundle file's text (pretty JSON, newline at the end). */
  bundleText: string;
  predicate: ReportPredicate;
  /** Names of sign-offs whose own signature is in the bundle. */
  signedBy: string[];
}

export async function signReport(input: SignReportInput): Promise<SignedReport> {
  const reportKey = input.identities.reportKey();
  const identity = await input.identities.pdfIdentity(input.signerName);
  const predicate: ReportPredicate = {
    ...input.predicate,
    reportKey: { keyid: reportKey.keyid, publicKey: reportKey.publicKey },
    certificate: { subject: identity.subject, sha256: identity.certificateSha256 },
  };
  const pdf = await signPdf(input.pdf, identity, {
    reason: input.reason ?? `Completion report: ${predicate.runbook.title}`,
    name: input.signerName,
    location: input.location ?? 'Flightdeck',
    signedAt: input.signedAt,
    reportKeyId: reportKey.keyid,
    journal: predicate.journal,
    team: predicate.team ?? null,
  });
  const signers: DsseSigner[] = [reportKey];
  const signedBy: string[] = [];
  for (const signoff of predicate.signoffs) {
    if (!signoff.publicKey) continue;
    const key = input.identities.signerKey(signoff.name, { create: false });
    // Only the key the sign-off names may sign for it; another key of the same name is not that person's signature.
    if (!key || key.publicKey !== signoff.publicKey || signers.some((s) => s.keyid === key.keyid)) continue;
    signers.push(key);
    signedBy.push(signoff.name);
  }
  const bundle = signEnvelope(DSSE_PAYLOAD_TYPE, statementBytes(reportStatement(input.pdfName, pdf, predicate)), signers);
  return { pdf, pdfSha256: sha256Hex(pdf), bundle, bundleText: `${JSON.stringify(bundle, null, 2)}\n`, predicate, signedBy };
}

/**
 * Writes the report into `<sessionDir>/reports/<name>.pdf` and
 * `<name>.bundle.json`, each atomically: the bundle last, so a bundle on
 * disk always has its PDF beside it.
 */
export function writeReport(sessionDir: string, name: string, report: SignedReport): { pdf: string; bundle: string } {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$/.test(name) || name.endsWith('.pdf')) {
    throw new FlightdeckError('bad-input', `"${name}" is not a report name: use letters, digits, ".", "_" or "-", without an extension.`, { field: 'name' });
  }
  const dir = join(sessionDir, REPORTS_DIR);
  makePrivateDir(dir);
  const files = reportFiles(name);
  const pdf = join(dir, files.pdf);
  const bundle = join(dir, files.bundle);
  writeFileAtomic(pdf, Buffer.from(report.pdf));
  writeFileAtomic(bundle, Buffer.from(report.bundleText, 'utf8'));
  return { pdf, bundle };
}

/** Writes a report to any path (the CLI's --out): the bundle goes beside it as `<name>.bundle.json`. */
export function writeReportTo(pdfPath: string, report: SignedReport): { pdf: string; bundle: string } {
  if (!pdfPath.toLowerCase().endsWith('.pdf')) throw new FlightdeckError('bad-input', `${pdfPath}: the report file must end in .pdf.`, { file: pdfPath });
  const bundle = bundlePathFor(pdfPath);
  writeFileAtomic(pdfPath, Buffer.from(report.pdf));
  writeFileAtomic(bundle, Buffer.from(report.bundleText, 'utf8'));
  return { pdf: pdfPath, bundle };
}
