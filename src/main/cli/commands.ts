/**
 * Reads the command line and runs one command. Kept apart from the entry
 * so tests can run commands in-process with their own Io and loader.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { VERSION } from '../app/version';
import { EXIT, UsageError, type Io } from './io';
import { parseCommand } from './runbook-commands';
import { sessionNew, sessionNote, sessionStatus, sessionTick } from './session-commands';
import type { RunbookLoader } from '../services/runbook/runbook-loader';
import { flagCommand } from './flag-commands';
import { probeCommand, scrapeCommand } from './probe-commands';
import { rollbackCommand } from './rollback-commands';
import { replayCommand } from './replay-command';
import { verifyCommand } from './verify-command';
import { reportCommand, signoffCommand } from './report-commands';
import { backupCommand } from './backup-commands';
import { trustCommand } from './trust-command';
import { checkPersonName } from '../../shared/person-name';

const USAGE = `Usage:
  flightdeck parse FILE [--json]                      what Flightdeck reads in a runbook
  flightdeck session new RUNBOOK --dir DIR [--by NAME]  start a session in DIR
  flightdeck session tick DIR ITEM_ID --by NAME         tick an item (untick: session untick)
  flightdeck session note DIR ITEM_ID TEXT --by NAME    attach a note to an item
  flightdeck session status DIR [--json]                progress, who ticked what, and when
  flightdeck probe URL [--json] [--timeout MS]        status, latency, TLS days left
  flightdeck scrape URL [--json] [--by LABEL] [--window SECONDS]
                                                      error rate, request rate, p50/p95/p99 from /metrics
  flightdeck flag get|set|settle ...                   read or move a feature flag (flightdeck flag --help)
  flightdeck profile draft RUNBOOK [--json]           draft a deployment profile from what the runbook names
  flightdeck trust RUNBOOK_OR_PROFILE [--yes] [--json]  review what it would do and approve it (--list, --revoke FILE)
  flightdeck rollback --profile FILE [--plan NAME] [--session DIR | --log DIR] [--yes] [--by NAME] [--json]
                                                      run a rollback plan from the terminal
  flightdeck backup --profile FILE NAME [--session DIR | --log DIR] [--restore-test] [--json]
                                                      take a verified backup of a profile's target
  flightdeck backup verify DIR [--json]               check a backup directory offline
  flightdeck replay RUNBOOK --metrics FILE [--profile FILE] [--json]
                                                      rehearse: when each threshold, gate criterion and trigger would fire
  flightdeck signoff DIR --role ROLE --name NAME [--own-key] [--by NAME]
                                                      sign off a runbook role (--own-key: also with NAME's own key)
  flightdeck report DIR --out FILE.pdf [--paper a4|letter] [--by NAME]
                                                      export the signed completion report and its evidence bundle
  flightdeck verify FILE [--trust CERT_OR_KEY]... [--session DIR] [--json]
                                                      check a signed report: its PDF, bundle or session directory
                                                      (exit 0 valid and trusted, 1 invalid or evidence missing,
                                                      3 signature valid but signer not trusted)
  flightdeck --version

Exit status: 0 done, 2 bad input (the message names the file and line), 1 other failures.`;

function need(value: string | undefined, what: string): string {
  if (value === undefined || value === '') throw new UsageError(`missing ${what}\n\n${USAGE}`);
  return value;
}

/**
 * Commands that read their own options (probes, flags, rollback): each lives
 * in its own module and returns its exit status.
 */
const OWN_OPTION_COMMANDS: Record<string, (args: string[], io: Io) => Promise<number>> = {
  probe: probeCommand,
  scrape: scrapeCommand,
  flag: flagCommand,
  rollback: rollbackCommand,
  verify: verifyCommand,
  signoff: signoffCommand,
  report: reportCommand,
  backup: backupCommand,
};

export async function run(argv: string[], io: Io, loader: RunbookLoader): Promise<number> {
  const own = argv[0] !== undefined ? OWN_OPTION_COMMANDS[argv[0]] : undefined;
  if (own) return own(argv.slice(1), io);
  // The runbook is parsed in the worker, which has a deadline.
  if (argv[0] === 'replay') return replayCommand(argv.slice(1), io, loader);
  if (argv[0] === 'trust') return trustCommand(argv.slice(1), io, loader);
  // Loaded only for this command, so the others do not pay for it.
  if (argv[0] === 'profile') return (await import('./profile-command')).profileCommand(argv.slice(1), io, loader);
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      json: { type: 'boolean', default: false },
      dir: { type: 'string' },
      by: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  if (values.version) {
    io.out(VERSION);
    return EXIT.ok;
  }
  const [command, sub, ...rest] = positionals;
  if (values.help || !command) {
    io.out(USAGE);
    return values.help ? EXIT.ok : EXIT.badInput;
  }
  switch (command) {
    case 'parse':
      await parseCommand(loader, need(sub, 'FILE'), values.json, io);
      return EXIT.ok;
    case 'session': {
      switch (sub) {
        case 'new':
          await sessionNew(loader, need(rest[0], 'RUNBOOK'), need(values.dir, '--dir DIR'), checkPersonName(values.by ?? userInfo().username, '--by'), io);
          return EXIT.ok;
        case 'tick':
        case 'untick':
          await sessionTick(loader, need(rest[0], 'DIR'), need(rest[1], 'ITEM_ID'), sub === 'tick', checkPersonName(need(values.by, '--by NAME'), '--by'), io);
          return EXIT.ok;
        case 'note':
          await sessionNote(loader, need(rest[0], 'DIR'), need(rest[1], 'ITEM_ID'), need(rest[2], 'TEXT'), checkPersonName(need(values.by, '--by NAME'), '--by'), io);
          return EXIT.ok;
        case 'status':
          return await sessionStatus(loader, need(rest[0], 'DIR'), values.json, io);
        default:
          throw new UsageError(`unknown session command "${sub ?? ''}"\n\n${USAGE}`);
      }
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

