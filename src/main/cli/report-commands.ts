/**
 * `flightdeck signoff` and `flightdeck report`: a session flown from the
 * terminal ends in the same signed report as one flown in the app.
 *
 * Both need the signing identities the app keeps in its vault (the local
 * CA and signing certificate, the report key, each person's own key), so
 * they open the same vault file in the data directory (FLIGHTDECK_HOME or
 * the platform's default) as a passphrase vault: the passphrase comes from
 * FLIGHTDECK_VAULT_PASSPHRASE or, on a terminal, a prompt that does not
 * echo. A vault the desktop app keeps in the OS keyring cannot be opened
 * here; the message says so.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FlightdeckError } from '../../shared/errors';
import { PAPER_SIZES, type PaperSize } from '../../shared/report-model';
import type { RunbookDoc } from '../../shared/runbook-model';
import { checkPersonName } from '../../shared/person-name';
import { defaultDataDir } from '../app/paths';
import { findProfile } from '../services/profile/profile-loader';
import { exportReport } from '../services/report/export-report';
import { ChromiumReportRenderer, type ReportPdfRenderer } from '../services/report/render-pdf';
import { recordSignoff } from '../services/report/signoff';
import { parseRunbook } from '../services/runbook/parse';
import { countLineBreaks, decodeSource } from '../services/runbook/source-text';
import { Session } from '../services/session/session';
import { SigningIdentities } from '../services/signing/signing-identity';
import { TrustedSigners } from '../services/signing/trusted-signers';
import { SecretRedactor } from '../services/vault/redactor';
import type { Vault } from '../services/vault/vault';
import { openVault } from './vault-open';
import { EXIT, UsageError, describeError, exitCodeFor, type Io } from './io';

export const SIGNOFF_USAGE = `Usage: flightdeck signoff DIR --role ROLE --name NAME [--own-key] [--by NAME]
  Records NAME's sign-off for ROLE (a role the runbook's sign-off lines or table ask for).
  --own-key   also sign with NAME's own Ed25519 key on this machine (made on first use, kept in the vault)
  --by NAME   who records it (default: $USER)`;

export const REPORT_USAGE = `Usage: flightdeck report DIR --out FILE.pdf [--paper a4|letter] [--by NAME]
  Exports the session's signed completion report to FILE.pdf and FILE.bundle.json.
  --by NAME   the release manager: the name in the signing certificate (default: $USER)
Both read the vault in the data directory; set FLIGHTDECK_VAULT_PASSPHRASE or type the passphrase when asked.`;

export interface ReportCommandOptions {
  /** FLIGHTDECK_HOME, FLIGHTDECK_VAULT_PASSPHRASE, USER; process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** Asks for the vault passphrase without echo; a terminal prompt by default. */
  askPassphrase?: (prompt: string) => Promise<string>;
  /** The built renderer holding report.html; beside the CLI bundle by default. */
  rendererDir?: string;
  renderer?: ReportPdfRenderer;
  /** scrypt cost of a vault this command creates (tests lower it). */
  scryptN?: number;
}

export async function signoffCommand(args: string[], io: Io, options: ReportCommandOptions = {}): Promise<number> {
  return guarded(io, SIGNOFF_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { role: { type: 'string' }, name: { type: 'string' }, 'own-key': { type: 'boolean', default: false }, by: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help) return void io.out(SIGNOFF_USAGE);
    const dir = need(positionals[0], 'DIR', SIGNOFF_USAGE);
    const role = need(values.role, '--role ROLE', SIGNOFF_USAGE);
    const name = checkPersonName(need(values.name, '--name NAME', SIGNOFF_USAGE), '--name');
    const env = options.env ?? process.env;
    const vault = values['own-key'] ? await openVault(env, options) : null;
    const session = Session.open(dir);
    try {
      const doc = sessionDoc(session);
      const identities = vault ? signingIdentities(vault, env) : null;
      const entry = recordSignoff(session, doc, { role, name, ownKey: values['own-key'] }, checkPersonName(values.by ?? env.USER ?? env.USERNAME ?? null, '--by'), identities);
      const data = entry.data as { role: string; publicKey: string | null };
      io.out(`Signed off: ${name} as ${data.role}${data.publicKey ? ', with their own key' : ''} (journal entry ${entry.seq}).`);
    } finally {
      session.close();
      vault?.lock();
    }
  });
}

export async function reportCommand(args: string[], io: Io, options: ReportCommandOptions = {}): Promise<number> {
  return guarded(io, REPORT_USAGE, async () => {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { out: { type: 'string' }, paper: { type: 'string', default: 'a4' }, by: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help) return void io.out(REPORT_USAGE);
    const dir = need(positionals[0], 'DIR', REPORT_USAGE);
    const out = need(values.out, '--out FILE.pdf', REPORT_USAGE);
    const paper = values.paper.toLowerCase();
    if (!(PAPER_SIZES as readonly string[]).includes(paper)) throw new FlightdeckError('bad-input', `--paper must be a4 or letter, not "${values.paper}".`, { field: 'paper' });
    if (!out.toLowerCase().endsWith('.pdf')) throw new FlightdeckError('bad-input', 'must end in .pdf.', { file: out });
    mkdirSync(dirname(resolve(out)), { recursive: true });
    const env = options.env ?? process.env;
    const by = checkPersonName(values.by ?? env.USER ?? env.USERNAME ?? '', '--by');
    const redactor = new SecretRedactor();
    const vault = await openVault(env, options, redactor);
    const session = Session.open(dir);
    try {
      const doc = sessionDoc(session);
      const exported = await exportReport({
        sessionDir: dir,
        doc,
        journal: session,
        identities: signingIdentities(vault, env),
        renderer: options.renderer ?? new ChromiumReportRenderer({ rendererDir: options.rendererDir ?? env.FLIGHTDECK_RENDERER_DIR ?? builtRendererDir() }),
        redactor,
        environment: await environmentOf(session, doc),
        paper: paper as PaperSize,
        by,
        out,
      });
      io.out(
        [
          `Report: ${exported.pdf}`,
          `Bundle: ${exported.bundle}`,
          `PDF sha256 ${exported.pdfSha256}, ${exported.pdfBytes} bytes; covers ${exported.entries} journal entries, head ${exported.head}.`,
          ...(exported.team
            ? [
                `Team session ${exported.team.session}: ${exported.team.entries} chain entries, head ${exported.team.head}, by ${exported.team.members.map((m) => `${m.name} (${m.entries})`).join(', ')}${exported.team.unshared > 0 ? `; ${exported.team.unshared} entries of this laptop not yet shared, marked so in the report` : ''}.`,
              ]
            : []),
          `Signed by ${exported.signer}${exported.signedBy.length > 0 ? `; sign-offs signed with their own keys: ${exported.signedBy.join(', ')}` : ''}.`,
          ...(exported.journaled ? [] : ['The session is finished, so the export is not journaled.']),
        ].join('\n'),
      );
    } finally {
      session.close();
      vault.lock();
    }
  });
}

async function guarded(io: Io, usage: string, work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return EXIT.ok;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return EXIT.badInput;
    }
    if (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`${error.message}\n\n${usage}`);
      return EXIT.badInput;
    }
    io.err(`flightdeck: ${describeError(error)}`);
    return exitCodeFor(error);
  }
}

function need(value: string | undefined, what: string, usage: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`missing ${what}\n\n${usage}`);
  return value;
}

/**
 * out/renderer, from wherever the bundler put this module: out/main/cli.js
 * or a shared chunk in out/main/chunks/ (where `flightdeck report` run from
 * bin/ found out/main/renderer, which does not exist).
 */
function builtRendererDir(): string {
  const candidates = [join(__dirname, '..', 'renderer'), join(__dirname, '..', '..', 'renderer')];
  return candidates.find((dir) => existsSync(join(dir, 'report.html'))) ?? candidates[0]!;
}

/** The runbook as the session last recorded it (its copy), so the report matches the journal. */
function sessionDoc(session: Session): RunbookDoc {
  const name = session.state.runbook.name || 'runbook.md';
  const source = decodeSource(Buffer.from(session.readRunbookCopy(), 'utf8'), name);
  return parseRunbook(source.text, { name, path: session.state.runbook.path, origin: 'import', sha256: source.sha256, bytes: source.bytes, lines: countLineBreaks(source.text) + 1, writable: false });
}

/** The profile's environment name, when the runbook (front matter) or a file beside it has a profile. */
async function environmentOf(session: Session, doc: RunbookDoc): Promise<string | null> {
  const path = session.state.runbook.path;
  try {
    return (await findProfile(path && existsSync(path) ? path : null, doc.frontMatter))?.profile.environment ?? null;
  } catch {
    // A profile that no longer loads does not stop the report; the report says the environment is not named.
    return null;
  }
}

/** The vault's signing identities, recording the local CA in this data directory's trust store (so `flightdeck verify` trusts what this machine signed). */
function signingIdentities(vault: Vault, env: NodeJS.ProcessEnv): SigningIdentities {
  return new SigningIdentities(vault, { trustedSigners: TrustedSigners.inDataDir(defaultDataDir(env)) });
}

