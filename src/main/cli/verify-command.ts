/**
 * `flightdeck verify FILE`: checks a completion report without the app, so
 * an auditor's script can rely on the exit status. FILE is the PDF, its
 * evidence bundle, or the session directory; the others are found beside
 * it (see verify-report.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { JOURNAL_FILE, readJournalFile } from '../services/journal/journal';
import { formatFingerprint } from '../services/signing/ed25519';
import { isJoined } from '../services/team/team-config';
import { teamStatus } from '../services/team/team-status';
import { defaultDataDir } from '../app/paths';
import { TRUSTED_SIGNERS_FILE, TrustedSigners } from '../services/signing/trusted-signers';
import { verifyReport } from '../services/signing/verify-report';
import type { VerifyVerdict } from '../../shared/report-bundle';
import { describeError, EXIT, exitCodeFor, json, type Io } from './io';

export const VERIFY_USAGE = `Usage: flightdeck verify FILE [--trust CERT_OR_KEY]... [--session DIR] [--json]

Checks a Flightdeck completion report. FILE is the report PDF, its evidence
bundle (NAME.bundle.json), or the session directory; the other files are
found beside it (DIR/reports/NAME.pdf and NAME.bundle.json).

Checked: the PDF's embedded signature covers the whole file and verifies;
the bundle's signatures verify and its statement names this PDF's sha256
and the key and certificate that signed them; the session journal's hash
chain holds and still contains every entry the report covers (the signed
PDF names the count and head, so this holds without the bundle too).

The signer is trusted when it leads to a certificate given with --trust or,
without --trust, to one in this machine's trust store (${TRUSTED_SIGNERS_FILE}
in the data directory: the local CA of reports signed here).

  --trust CERT_OR_KEY  trust only this signer: a PEM/DER certificate (the
                       organisation's or a Flightdeck local CA, or the
                       signer's own) or an Ed25519 public key (PEM or SPKI
                       base64), as a file or inline; repeatable
  --session DIR        the session directory, when the report is elsewhere
  --json               the full result as one JSON object on stdout

For a session joined to a team (flightdeck session join), the team chain
this folder holds is checked too, offline: every entry's Ed25519 signature
by its author's key, each author's name, and every link; a session folder
without a report is checked for that alone. A team report's bundle names
the team chain it covers (count and head): the folder's team/chain.jsonl
must still hold it, or the report is invalid (evidence missing without it).

Exit status: 0 valid and the signer trusted; 1 invalid (a check failed) or
evidence missing (the session has no journal); 3 signature valid but the
signer not trusted (the fingerprint to pin is printed); 2 bad usage.`;

/** The exit status of each verdict; one place, so the usage text and the code cannot drift apart. */
export const VERIFY_EXIT: Record<VerifyVerdict, number> = { valid: EXIT.ok, invalid: EXIT.failure, 'evidence-missing': EXIT.failure, untrusted: EXIT.untrusted };

export interface VerifyCommandOptions {
  /** FLIGHTDECK_HOME and the platform's variables, which locate the trust store; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export async function verifyCommand(args: string[], io: Io, options: VerifyCommandOptions = {}): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        trust: { type: 'string', multiple: true },
        session: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`${(error as Error).message}\n\n${VERIFY_USAGE}`);
    return EXIT.badInput;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(VERIFY_USAGE);
    return EXIT.ok;
  }
  if (positionals.length !== 1) {
    io.err(`${positionals.length === 0 ? 'missing FILE' : `one FILE only, got ${positionals.length}`}\n\n${VERIFY_USAGE}`);
    return EXIT.badInput;
  }
  const target = positionals[0] as string;
  const teamDir = [target, values.session].find((dir) => dir !== undefined && isDirectory(dir) && isJoined(dir)) ?? null;
  const team = teamDir ? teamChainCheck(teamDir) : null;
  if (team) {
    // With --json the answer is one JSON object: the team check goes into the report's result below.
    if (values.json) {
      if (!hasReport(target)) io.out(json({ team }));
    } else if (team.refused.length === 0) io.out(team.summary);
    else for (const refusal of team.refused) io.err(`team chain: ${refusal.message}`);
    if (!hasReport(target)) return team.refused.length === 0 ? EXIT.ok : EXIT.failure;
  }
  let result;
  try {
    const trust = values.trust ?? [];
    // With --trust the person has said whom to trust; the machine's own store is not consulted.
    const knownCertificates = trust.length > 0 ? [] : TrustedSigners.inDataDir(defaultDataDir(options.env ?? process.env)).certificatePems();
    result = await verifyReport(positionals[0] as string, { trust, knownCertificates, session: values.session ?? null });
  } catch (error) {
    // Not a report at all, an unreadable --trust or trust store: the command was used wrongly (2); anything else is a bug (1).
    io.err(describeError(error));
    return exitCodeFor(error);
  }
  if (values.json) io.out(json(team ? { ...result, team } : result));
  else {
    io.out(result.summary);
    for (const problem of result.problems.slice(1)) io.err(`also: ${problem}`);
    for (const note of result.notes) io.err(`note: ${note}`);
  }
  if (team && team.refused.length > 0) return EXIT.failure;
  return VERIFY_EXIT[result.verdict];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A session folder with no exported report: only its team chain can be checked. */
function hasReport(target: string): boolean {
  if (!isDirectory(target)) return true;
  const reports = join(target, 'reports');
  return existsSync(reports) && readdirSync(reports).some((name) => name.endsWith('.bundle.json') || name.endsWith('.pdf'));
}

/** Every entry of the team chain this folder holds: its signature, its author's key and its link, offline. */
function teamChainCheck(dir: string): { summary: string; entries: number; members: { name: string; key: string }[]; head: string; refused: { seq: number; message: string }[] } {
  const local = readJournalFile(join(dir, JOURNAL_FILE)).entries;
  const status = teamStatus(dir, local);
  const members = status.members.map((m) => ({ name: m.name, key: m.key }));
  const who = members.map((m) => `${m.name} (key ${formatFingerprint(m.key.slice(0, 16))}…)`).join(', ');
  const summary = `Team chain of session ${status.session}: ${status.entries} entries by ${members.length} members (${who}); every signature and link checked${status.refused.length === 0 ? ' and valid' : `, ${status.refused.length} refused`}; head ${status.head.slice(0, 16)}…`;
  return { summary, entries: status.entries, members, head: status.head, refused: status.refused };
}
