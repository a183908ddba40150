/**
 * The cockpit's end of a deployment window: the sign-off table, the signed
 * completion report, the local CA certificate an organisation can trust,
 * and verification of a report someone sends back. The work is done by
 * services/report and services/signing; this binds them to whatever
 * session is open, the vault (which holds the signing keys) and the shell's
 * way of making a PDF.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { FlightdeckError, noRunbookOpen } from '../../shared/errors';
import { BUNDLE_SUFFIX, PDF_SUFFIX, type VerifyReportResult } from '../../shared/report-bundle';
import type { ExportResult, FinishState, PaperSize } from '../../shared/report-model';
import type { EntryDataOf, JournalEntry } from '../../shared/session-model';
import { signoffRows } from '../services/report/build-report';
import { exportReport } from '../services/report/export-report';
import type { ReportPdfRenderer } from '../services/report/render-pdf';
import { recordSignoff } from '../services/report/signoff';
import { SIGNING_SECRETS, SigningIdentities } from '../services/signing/signing-identity';
import type { TrustedSigners } from '../services/signing/trusted-signers';
import { verifyReport } from '../services/signing/verify-report';
import { reportEntries } from '../services/team/team-report-source';
import type { SecretRedactor } from '../services/vault/redactor';
import type { Vault } from '../services/vault/vault';
import type { Activation, Cockpit } from './cockpit';
import type { LiveTelemetry } from './live-telemetry';

export interface LiveReportDeps {
  cockpit: Cockpit;
  vault: Vault;
  redactor: SecretRedactor;
  telemetry: LiveTelemetry;
  /** Chromium through playwright in browser mode, printToPDF in Electron. */
  renderer: ReportPdfRenderer;
  /** This machine's own signers (the local CA), trusted when verifying and recorded when signing. */
  trustedSigners: TrustedSigners;
  clock?: () => Date;
}

export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

export class LiveReport {
  private exporting = false;

  constructor(private readonly deps: LiveReportDeps) {}

  finish(): FinishState {
    const activation = this.deps.cockpit.activation();
    if (!activation) return { open: false, roles: [], signoffs: [], exports: [] };
    const entries = activation.journal.entries();
    // In a team session the sign-off table is the report's: everyone's, from the merged chain (one rule, team-report-source.ts).
    const source = reportEntries(activation.sessionDir, entries);
    return {
      open: !entries.some((e) => e.type === 'session.closed'),
      roles: activation.runbook.signoffs.map((s) => ({ signoffId: s.id, role: s.role, line: s.line })),
      signoffs: signoffRows(activation.runbook, source.entries, source.authorKeyOf),
      exports: exportsOf(entries),
    };
  }

  recordSignoff(role: string, name: string, ownKey: boolean): FinishState {
    const activation = this.open();
    const identities = ownKey ? this.identities() : null;
    recordSignoff(activation.journal, activation.runbook, { role, name, ownKey }, this.deps.cockpit.operator(), identities);
    return this.finish();
  }

  async exportReport(paper: PaperSize): Promise<ExportResult> {
    const activation = this.open();
    if (this.exporting) throw new FlightdeckError('conflict', 'A report is being exported already; wait for it to finish.');
    this.exporting = true;
    try {
      // The metrics still being averaged belong to the window too.
      this.deps.telemetry.flushRecordedMetrics();
      return await exportReport({
        sessionDir: activation.sessionDir,
        doc: activation.runbook,
        journal: activation.journal,
        identities: this.identities(),
        renderer: this.deps.renderer,
        redactor: this.deps.redactor,
        environment: activation.profile?.profile.environment ?? null,
        paper,
        by: this.deps.cockpit.operator(),
        ...(this.deps.clock ? { clock: this.deps.clock } : {}),
      });
    } finally {
      this.exporting = false;
    }
  }

  /** The local CA certificate (PEM), made on first use: what an organisation installs to trust these reports. */
  async trustCertificate(): Promise<{ pem: string; fileName: string }> {
    const pem = await this.identities().localCaCertificatePem();
    return { pem, fileName: 'flightdeck-local-ca.pem' };
  }

  /**
   * Checks a report someone sent back: a PDF, its bundle, or both. The
   * files go to a private temporary folder for the verifier and are
   * removed afterwards. This machine's trust store (its local CA) says
   * whose signature counts as trusted; a valid report from elsewhere is
   * "signature valid, signer not trusted", with the fingerprint to pin.
   */
  async verifyUpload(files: readonly UploadedFile[]): Promise<VerifyReportResult> {
    const dir = mkdtempSync(join(tmpdir(), 'flightdeck-verify-'));
    try {
      let target: string | null = null;
      for (const file of files) {
        const name = basename(file.name).replace(/[^A-Za-z0-9._-]/g, '_');
        const kind = name.toLowerCase().endsWith(BUNDLE_SUFFIX) ? 'bundle' : name.toLowerCase().endsWith(PDF_SUFFIX) ? 'pdf' : null;
        if (!kind) throw new FlightdeckError('bad-input', `"${file.name}" is neither a report PDF (.pdf) nor an evidence bundle (${BUNDLE_SUFFIX}).`, { field: 'files' });
        const path = join(dir, name);
        writeFileSync(path, file.bytes, { mode: 0o600 });
        if (kind === 'pdf' || target === null) target = path;
      }
      if (!target) throw new FlightdeckError('bad-input', 'Choose a report PDF or its evidence bundle to verify.', { field: 'files' });
      return await verifyReport(target, { knownCertificates: await this.knownCertificates(), session: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  private async knownCertificates(): Promise<string[]> {
    const vault = this.deps.vault;
    // A CA made before the trust store existed is recorded now, while the vault is open.
    if (vault.status().state === 'unlocked' && vault.has(SIGNING_SECRETS.ca)) await this.identities().localCaCertificatePem();
    return this.deps.trustedSigners.certificatePems();
  }

  private identities(): SigningIdentities {
    return new SigningIdentities(this.deps.vault, { trustedSigners: this.deps.trustedSigners, ...(this.deps.clock ? { clock: this.deps.clock } : {}) });
  }

  private open(): Activation {
    const activation = this.deps.cockpit.activation();
    if (!activation) throw noRunbookOpen('sign-offs and reports belong to a session');
    return activation;
  }
}

function exportsOf(entries: readonly JournalEntry[]): FinishState['exports'] {
  return entries
    .filter((e) => e.type === 'report.exported')
    .map((e) => {
      const d = e.data as EntryDataOf<'report.exported'>;
      return { at: e.ts, by: e.by, pdf: d.pdf, bundle: d.bundle, pdfSha256: d.pdfSha256 };
    });
}
