/**
 * One completion report, end to end: build the content from the session,
 * render it to PDF (Chromium, whichever way the shell provides), sign the
 * PDF and make the evidence bundle (services/signing), write both files
 * atomically, and journal `report.exported` with the PDF's sha256. The
 * report covers the journal as it was when the export began; the export's
 * own entry comes after, which verification accepts ("the session
 * continued").
 */
import { join } from 'node:path';
import { FlightdeckError } from '../../../shared/errors';
import { checkPersonName } from '../../../shared/person-name';
import type { PaperSize, ReportData } from '../../../shared/report-model';
import type { ReportPredicate } from '../../../shared/report-bundle';
import type { RunbookDoc } from '../../../shared/runbook-model';
import type { EntryDataOf } from '../../../shared/session-model';
import type { ActionJournal } from '../actions/action-journal';
import { formatFingerprint } from '../signing/ed25519';
import { signReport, writeReport, writeReportTo } from '../signing/report-signer';
import type { SigningIdentities } from '../signing/signing-identity';
import { reportEntries } from '../team/team-report-source';
import { METRICS_FILE, readRecordedMetrics } from '../telemetry/metrics-recorder';
import { buildReport } from './build-report';
import type { ReportPdfRenderer } from './render-pdf';

export interface ExportReportInput {
  sessionDir: string;
  doc: RunbookDoc;
  journal: ActionJournal;
  identities: SigningIdentities;
  renderer: ReportPdfRenderer;
  redactor: { redactDeep<T>(value: T): T };
  environment: string | null;
  paper: PaperSize;
  /** Who exports: the release manager, the CN of a local signing certificate. */
  by: string;
  clock?: () => Date;
  /** A path ending in .pdf (the CLI's --out); else `<session>/reports/<name>.pdf`. */
  out?: string;
}

export interface ExportedReport {
  pdf: string;
  bundle: string;
  pdfSha256: string;
  pdfBytes: number;
  /** Journal entries the report covers, and the head of the chain. */
  entries: number;
  head: string;
  signer: string;
  /** Sign-offs whose own key signed the bundle. */
  signedBy: string[];
  /** The team chain covered (a joined session): rows, head, authors, entries not yet shared. */
  team: ReportData['team'];
  /** False for a finished session, whose journal takes no more entries. */
  journaled: boolean;
}

export async function exportReport(input: ExportReportInput): Promise<ExportedReport> {
  const clock = input.clock ?? (() => new Date());
  const by = checkPersonName(input.by.trim(), "The exporter's name (--by, or the operator)", 'by');
  if (!by) throw new FlightdeckError('bad-input', 'Set who exports the report (the operator name): it goes into the signing certificate.', { field: 'by' });
  const entries = [...input.journal.entries()];
  if (entries.length === 0) throw new FlightdeckError('not-found', 'The session has no journal entries to report.');
  input.renderer.warmUp?.();
  const now = clock();
  const reportKey = input.identities.reportKey();
  // A joined session reports the team's merged chain; the rule is team-report-source.ts's.
  const source = reportEntries(input.sessionDir, entries);
  const data = buildReport({
    doc: input.doc,
    entries: source.entries,
    local: source.local,
    team: source.team,
    authorKeyOf: source.authorKeyOf,
    metrics: readRecordedMetrics(join(input.sessionDir, METRICS_FILE)),
    environment: input.environment,
    reportKey: { keyid: reportKey.keyid, fingerprint: formatFingerprint(reportKey.keyid) },
    paper: input.paper,
    generatedAt: now.toISOString(),
    generatedBy: by,
    redactor: input.redactor,
  });
  const rendered = await input.renderer.render(data);
  const name = `report-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-')}`;
  const signed = await signReport({
    identities: input.identities,
    pdf: rendered,
    pdfName: input.out ? input.out.split(/[\\/]/).pop()! : `${name}.pdf`,
    predicate: input.redactor.redactDeep(predicateOf(data, source.entries)),
    signerName: by,
    signedAt: now,
  });
  const files = input.out ? writeReportTo(input.out, signed) : writeReport(input.sessionDir, name, signed);
  // A finished session takes no more entries; its report is still the report of that window.
  const journaled = !entries.some((e) => e.type === 'session.closed');
  if (journaled) input.journal.record('report.exported', by, { pdfSha256: signed.pdfSha256, pdf: files.pdf, bundle: files.bundle });
  return {
    ...files,
    pdfSha256: signed.pdfSha256,
    pdfBytes: signed.pdf.length,
    entries: data.chain.entries,
    head: data.chain.head,
    signer: signed.predicate.certificate.subject,
    signedBy: signed.signedBy,
    team: data.team ?? null,
    journaled,
  };
}

/** The bundle's summary of the session: the same numbers the PDF prints. */
function predicateOf(data: ReportData, entries: ReadonlyArray<{ type: string; ts: string; data: Record<string, unknown> }>): Omit<ReportPredicate, 'reportKey' | 'certificate'> {
  const signoffs = entries
    .filter((e) => e.type === 'signoff.recorded')
    .map((e) => {
      const d = e.data as EntryDataOf<'signoff.recorded'>;
      return { role: d.role, name: d.name, at: e.ts, publicKey: d.publicKey };
    });
  return {
    runbook: { title: data.title, sha256: data.runbook.sha256, environment: data.environment },
    session: { id: data.session.id, startedAt: data.session.startedAt, endedAt: data.session.endedAt, durationSeconds: data.session.durationSeconds },
    journal: data.chain,
    items: data.items,
    signoffs,
    ...(data.team ? { team: { session: data.team.session, entries: data.team.entries, head: data.team.head } } : {}),
  };
}
