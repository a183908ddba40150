/**
 * Reads the command line and runs one command. Kept apart from the entry
 * so tests can run commands in-process with their own Io and loader.
 */
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { VERSION } from '../app/version';
import { EXIT, UsageError, type Io } from './io';
import type { RunbookLoader } from '../services/runbook/runbook-loader';

const USAGE = `Usage:
  flightdeck parse FILE [--json]                      what Flightdeck reads in a runbook
  flightdeck session new RUNBOOK --dir DIR [--by NAME]  start a session in DIR
  flightdeck session tick DIR ITEM_ID --by NAME         tick an item (untick: session untick)
  flightdeck session note DIR ITEM_ID TEXT --by NAME    attach a note to an item
  flightdeck session status DIR [--json]                progress, who ticked what, and when (and the team, when joined)
  flightdeck session join --store postgres://USER@HOST/DB --session ID --dir DIR [--runbook FILE] [--by NAME] [--follow]
                                                      fly the session with the team through its PostgreSQL
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
 * in its own module and returns its exit status. Each module is imported only
 * when its command runs, so `--version` and `parse` never load the database
 * drivers, the PDF signer or the HTTP client (the CLI must answer at once).
 */
const OWN_OPTION_COMMANDS: Record<string, () => Promise<(args: string[], io: Io) => Promise<number>>> = {
  probe: async () => (await import('./probe-commands')).probeCommand,
  scrape: async () => (await import('./probe-commands')).scrapeCommand,
  flag: async () => (await import('./flag-commands')).flagCommand,
  rollback: async () => (await import('./rollback-commands')).rollbackCommand,
  verify: async () => (await import('./verify-command')).verifyCommand,
  signoff: async () => (await import('./report-commands')).signoffCommand,
  report: async () => (await import('./report-commands')).reportCommand,
  backup: async () => (await import('./backup-commands')).backupCommand,
};

/** The runbook loader, or how to make it: the entry makes it only for commands that read a runbook. */
export type LoaderSource = RunbookLoader | (() => Promise<RunbookLoader>);

export async function run(argv: string[], io: Io, loaderSource: LoaderSource): Promise<number> {
  const loader = (): Promise<RunbookLoader> => (typeof loaderSource === 'function' ? loaderSource() : Promise.resolve(loaderSource));
  const own = argv[0] !== undefined && Object.hasOwn(OWN_OPTION_COMMANDS, argv[0]) ? OWN_OPTION_COMMANDS[argv[0]] : undefined;
  if (own) return (await own())(argv.slice(1), io);
  if (argv[0] === 'session' && argv[1] === 'join') return (await import('./team-commands')).sessionJoinCommand(argv.slice(2), io, loader);
  // The runbook is parsed in the worker, which has a deadline.
  if (argv[0] === 'replay') return (await import('./replay-command')).replayCommand(argv.slice(1), io, await loader());
  if (argv[0] === 'trust') return (await import('./trust-command')).trustCommand(argv.slice(1), io, await loader());
  if (argv[0] === 'profile') return (await import('./profile-command')).profileCommand(argv.slice(1), io, await loader());
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
    case 'parse': {
      const file = need(sub, 'FILE');
      const [{ parseCommand }, runbooks] = await Promise.all([import('./runbook-commands'), loader()]);
      await parseCommand(runbooks, file, values.json, io);
      return EXIT.ok;
    }
    case 'session': {
      const [{ sessionNew, sessionNote, sessionStatus, sessionTick }, { checkPersonName }] = await Promise.all([import('./session-commands'), import('../../shared/person-name')]);
      const runbooks = await loader();
      switch (sub) {
        case 'new':
          await sessionNew(runbooks, need(rest[0], 'RUNBOOK'), need(values.dir, '--dir DIR'), checkPersonName(values.by ?? userInfo().username, '--by'), io);
          return EXIT.ok;
        case 'tick':
        case 'untick':
          await sessionTick(runbooks, need(rest[0], 'DIR'), need(rest[1], 'ITEM_ID'), sub === 'tick', checkPersonName(need(values.by, '--by NAME'), '--by'), io);
          return EXIT.ok;
        case 'note':
          await sessionNote(runbooks, need(rest[0], 'DIR'), need(rest[1], 'ITEM_ID'), need(rest[2], 'TEXT'), checkPersonName(need(values.by, '--by NAME'), '--by'), io);
          return EXIT.ok;
        case 'status':
          return await sessionStatus(runbooks, need(rest[0], 'DIR'), values.json, io);
        default:
          throw new UsageError(`unknown session command "${sub ?? ''}"\n\n${USAGE}`);
      }
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

