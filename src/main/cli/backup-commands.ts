/**
 * `flightdeck backup`: a profile's backup from a terminal, with the same
 * journal entries as the app (action.started, action.finished and
 * backup.verified) and exit 0 only for a verified backup; and
 * `flightdeck backup verify DIR`, which checks a backup directory offline
 * (manifest checksums and the database's own format rules) without
 * Flightdeck's journal or profile, so anyone holding the files can.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BackupProgress } from '../services/backups/backup-engine';
import { verifyBackupDir } from '../services/backups/backup-pipeline';
import { formatBytes } from '../../shared/format';
import { checkPersonName } from '../../shared/person-name';
import { OFFLINE_VERIFIERS } from '../services/backups/create-engine';
import { defaultDataDir } from '../app/paths';
import { createSessionScope } from '../services/scope/session-scope';
import { approvedSecretPairs, trustedProfileFile } from './trusted-profile';
import { SecretRedactor } from '../services/vault/redactor';
import { EnvSecretResolver, redactingIo } from './env-secrets';
import { openActionJournal } from './action-journal-option';
import { EXIT, UsageError, describeError, exitCodeFor, json, type Io } from './io';

export const BACKUP_USAGE = `Usage:
  flightdeck backup --profile FILE NAME [--session DIR | --log DIR] [--restore-test] [--by NAME] [--json]
  flightdeck backup verify DIR [--json]

  NAME             the backup target (backups[].name in the profile)
  --session DIR    journal into this session (as the app does)
  --log DIR        journal into this action log directory (created if missing)
                   default: a new log under <data dir>/actions/, printed
  --restore-test   also load the backup into a scratch database or server
                   and compare counts (default: the target's restoreTest)
  --by NAME        who acts (default: $USER)

  verify DIR       checks a backup directory offline: every file against the
                   SHA256SUMS manifest, and the dump with the database's own
                   rules (pg_restore reads all the data, the RDB checksum,
                   every BSON document)

Progress goes to stderr. Secrets: a profile's { secret: NAME } is read from
FLIGHTDECK_SECRET_<NAME> (upper case, "." and "-" as "_") and sent only where
FLIGHTDECK_SECRET_<NAME>_SCOPE lists (host:port; commas or spaces).

Exit status: 0 the backup is complete and verified (or the directory holds),
1 it is not (the reason is printed), 2 bad input.`;

const OPTIONS = {
  profile: { type: 'string' },
  session: { type: 'string' },
  log: { type: 'string' },
  'restore-test': { type: 'boolean' },
  by: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Progress lines at most this often (and at every phase change). */
const PROGRESS_EVERY_MS = 1000;

export interface BackupCommandOptions {
  /** Where FLIGHTDECK_SECRET_*, FLIGHTDECK_HOME and USER are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export async function backupCommand(args: string[], io: Io, options: BackupCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    io.err(`flightdeck backup: ${describeError(error)}\n\n${BACKUP_USAGE}`);
    return EXIT.badInput;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(BACKUP_USAGE);
    return EXIT.ok;
  }
  const secrets = new EnvSecretResolver(env);
  const safeIo = redactingIo(io, secrets);
  try {
    if (positionals[0] === 'verify') {
      if (positionals.length !== 2) throw new UsageError('give the backup directory: flightdeck backup verify DIR');
      return await verify(positionals[1]!, values.json === true, safeIo);
    }
    if (!values.profile) throw new UsageError('missing --profile FILE');
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'name the backup target (backups[].name)' : `unexpected argument "${positionals[1]}"`);
    if (values.session && values.log) throw new UsageError('give --session or --log, not both');
    return await backUp({ name: positionals[0]!, values, env, secrets, io: safeIo });
  } catch (error) {
    safeIo.err(`flightdeck backup: ${describeError(error)}${error instanceof UsageError ? `\n\n${BACKUP_USAGE}` : ''}`);
    return exitCodeFor(error);
  }
}

function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
}

async function verify(dir: string, asJson: boolean, io: Io): Promise<number> {
  try {
    const { checks, meta } = await verifyBackupDir(dir, OFFLINE_VERIFIERS, AbortSignal.timeout(3600_000));
    if (asJson) io.out(json({ ok: true, dir, engine: meta.engine, name: meta.name, createdAt: meta.createdAt, checks }));
    else io.out(`${dir}: verified ${meta.engine} backup of ${meta.name} taken ${meta.createdAt}\n${checks.map((c) => `  ✓ ${c}`).join('\n')}`);
    return EXIT.ok;
  } catch (error) {
    if (asJson) io.out(json({ ok: false, dir, reason: describeError(error) }));
    io.err(`${dir}: does not hold: ${describeError(error)}`);
    return EXIT.failure;
  }
}

interface BackUpContext {
  name: string;
  values: ReturnType<typeof parse>['values'];
  env: NodeJS.ProcessEnv;
  secrets: EnvSecretResolver;
  io: Io;
}

async function backUp({ name, values, env, secrets, io }: BackUpContext): Promise<number> {
  // Before anything else: an untrusted profile exits 2 with no connection made.
  const trusted = await trustedProfileFile(values.profile!, env);
  const redactor = new SecretRedactor();
  for (const [secret, value] of secrets.entries()) redactor.add(secret, value);
  const by = checkPersonName(values.by ?? env.USER ?? env.USERNAME ?? null, '--by');
  const { journal, where, close } = openActionJournal(values, env, 'backup-');
  const printer = progressPrinter(name, values.json === true, io);
  const scope = createSessionScope(trusted, {
    journal,
    // An environment secret without its own _SCOPE goes only where the approval says it may.
    secrets: new EnvSecretResolver(env, { approved: approvedSecretPairs(trusted) }),
    redactor,
    defaultBackupRoot: join(defaultDataDir(env), 'backups'),
    fallbackDir: process.cwd(),
    baseEnv: env,
    on: { backupProgress: (event) => printer(event.progress) },
  });
  const service = scope.backups;
  try {
    const removed = await service.ready;
    if (removed.length > 0) io.err(`Removed ${removed.length} partial backup director${removed.length === 1 ? 'y' : 'ies'} a crash left behind.`);
    const restoreTest = values['restore-test'];
    const record = await service.run({ backup: name, ...(restoreTest !== undefined ? { restoreTest } : {}) }, by);
    const evidence = record.outcome === 'ok' ? (service.views().find((v) => v.name === name)?.verified ?? null) : null;
    if (values.json) {
      io.out(json({ outcome: record.outcome, message: record.message, actionId: record.id, evidence, journal: where }));
    } else if (evidence) {
      io.out(`Backup ${name}: verified — ${formatBytes(evidence.bytes)} in ${evidence.files} files\n  location  ${evidence.location}\n  manifest  sha256 ${evidence.manifestSha256}\n${evidence.checks.map((c) => `  ✓ ${c}`).join('\n')}`);
      io.err(`journaled in ${where}`);
    } else {
      io.out(`Backup ${name}: ${record.outcome} — ${record.message}`);
      io.err(`journaled in ${where}`);
    }
    return record.outcome === 'ok' ? EXIT.ok : EXIT.failure;
  } finally {
    await scope.dispose();
    close();
  }
}

function progressPrinter(name: string, quiet: boolean, io: Io): (progress: BackupProgress) => void {
  let lastAt = 0;
  let lastPhase = '';
  return (progress) => {
    if (quiet) return;
    const now = Date.now();
    if (progress.phase === lastPhase && now - lastAt < PROGRESS_EVERY_MS) return;
    lastAt = now;
    lastPhase = progress.phase;
    io.err(`${name}: ${describeProgress(progress)}`);
  };
}

/** "dumping 12.3 MB, 40000/120000 rows, about 8 s left". */
export function describeProgress(progress: BackupProgress): string {
  const parts = [`${progress.phase} ${formatBytes(progress.bytes)}`];
  if (progress.unit && progress.done !== null) parts.push(`${progress.done}${progress.total !== null ? `/${progress.total}` : ''} ${progress.unit}`);
  if (progress.secondsLeft !== null) parts.push(`about ${Math.ceil(progress.secondsLeft)} s left`);
  return parts.join(', ');
}
