/**
 * Turns the commands a runbook already names into things the cockpit can
 * run. Each line of a shell code block is split without a shell; well-known
 * commands (mongodump, pg_dump, curl .../health, redis-cli, kubectl rollout
 * undo|status|restart, heroku config:set|config:unset|restart, railway
 * variables --set / env set|unset / restart) are offered as the matching
 * native action when the profile names what they act on (a dump is the
 * profile's backup of that engine, never the line itself; a platform
 * variable is the flag kept in it, and an unset on Heroku removes it);
 * anything else runs only when its
 * program is on the profile's allowlist, with exactly the words written.
 * Lines that need a shell, and lines that cannot run here, stay copy-only
 * and say why. A block that only lists environment variables is not a
 * command at all (shared/env-listing.ts).
 *
 * Where Flightdeck rebuilds a command's argv (kubectl rollout), the
 * resources go after "--" and an option value that starts with "-" is
 * refused, so nothing written as a value can become an option.
 */
import type { CommandView } from '../../../shared/control-model';
import type { CodeBlock, RunbookDoc } from '../../../shared/runbook-model';
import type { FlagValue } from '../flags/flag-backend';
import type { Profile } from '../profile/profile-schema';
import type { BackupEngineName } from '../backups/backup-engine';
import { isEnvListing } from '../../../shared/env-listing';
import { commandLines, tokenize } from './tokenize';

/** What a runnable native view does when run. */
export type NativeAction =
  | { kind: 'probe'; probe: string }
  | { kind: 'flag'; flag: string; value: FlagValue }
  /** The profile's backup target of the engine the line dumps (pg_dump, mongodump, redis-cli --rdb). */
  | { kind: 'backup'; backup: string }
  | { kind: 'process'; argv: string[] };

/** A CommandView plus what main needs to run it (not sent to the renderer). */
export interface RecognisedCommand extends CommandView {
  action: NativeAction | null;
}

/** What the profile offers natively, and what it allowlists. */
export interface RecogniseContext {
  isAllowed(program: string): boolean;
  /** Probe of the profile that reads this URL, if any. */
  probeFor(url: string): string | null;
  /** Flag of the profile stored in this platform variable or Redis key, if any (`app`: a Heroku line's --app). */
  flagFor(where: 'heroku' | 'railway' | 'redis', name: string, app?: string): string | null;
  /** Whether any flag of the profile is kept on this platform. */
  hasBackend(platform: 'heroku' | 'railway'): boolean;
  /** The profile's backup target of this engine, if any. */
  backupFor(engine: BackupEngineName): string | null;
}

const SHELL_LANGS = new Set(['bash', 'sh', 'shell', 'zsh', 'console', 'shell-session', 'shellsession', 'terminal', 'cmd', 'ksh']);
const NOT_ALLOWED = "not on the profile's allowlist";

export function recogniseContext(profile: Profile, isAllowed: (program: string) => boolean): RecogniseContext {
  return {
    isAllowed,
    probeFor: (url) => profile.probes.find((p) => 'url' in p && sameUrl(String((p as { url: unknown }).url), url))?.name ?? null,
    flagFor: (where, name, app) =>
      profile.flags.find((f) => {
        const b = f.backend;
        if (where === 'heroku') return b.type === 'heroku' && b.var === name && (app === undefined || b.app === app);
        if (where === 'railway') return b.type === 'railway' && b.var === name;
        return b.type === 'redis' && b.key === name && b.field === undefined;
      })?.name ?? null,
    backupFor: (engine) => (profile.backups ?? []).find((b) => b.engine === engine)?.name ?? null,
    hasBackend: (platform) => profile.flags.some((f) => f.backend.type === platform),
  };
}

/** Every code block of the runbook, in document order. */
export function codeBlocks(doc: RunbookDoc): CodeBlock[] {
  const blocks = doc.phases.flatMap((phase) => [...phase.code, ...phase.sections.flatMap((section) => section.code)]);
  for (const item of doc.items) blocks.push(...item.code);
  const seen = new Set<number>();
  return blocks.filter((b) => (seen.has(b.line) ? false : (seen.add(b.line), true))).sort((a, b) => a.line - b.line);
}

/** Commands of the runbook's shell code blocks (blocks in other languages are not commands). */
export function recogniseRunbook(doc: RunbookDoc, context: RecogniseContext): RecognisedCommand[] {
  const commands: RecognisedCommand[] = [];
  for (const block of codeBlocks(doc)) {
    if (block.lang !== null && !SHELL_LANGS.has(block.lang.toLowerCase())) continue;
    // NAME=value lines are settings to verify (the code block shows them so), never commands.
    if (isEnvListing(block.value)) continue;
    for (const command of commandLines(block.value, block.line + 1)) {
      commands.push(recogniseLine(command.text, { id: `runbook:${command.line}`, source: 'runbook', line: command.line, itemId: block.itemId }, context));
    }
  }
  return commands;
}

/** The profile's named commands: argv arrays as written, runnable when their program is allowlisted. */
export function profileCommands(named: Profile['commands']['named'], context: RecogniseContext): RecognisedCommand[] {
  return Object.entries(named).map(([name, command]) => {
    const allowed = context.isAllowed(command.argv[0]!);
    return {
      id: `profile:${name}`,
      source: 'profile',
      title: name,
      argv: [...command.argv],
      line: null,
      itemId: null,
      runnable: allowed,
      reason: allowed ? null : NOT_ALLOWED,
      native: null,
      action: allowed ? { kind: 'process', argv: [...command.argv] } : null,
    };
  });
}

interface Where {
  id: string;
  source: 'runbook' | 'profile';
  line: number | null;
  itemId: string | null;
}

/** One command line: what it is, and whether and how it may run. */
export function recogniseLine(text: string, where: Where, context: RecogniseContext): RecognisedCommand {
  const base = { ...where, title: text };
  const split = tokenize(text);
  // A dump is the profile's backup, run natively, whatever the line's shell syntax ($(date), quotes).
  const dump = dumpEngineOf(split.ok ? split.argv : split.words);
  if (dump) {
    const argv = split.ok ? split.argv : split.words;
    const backup = context.backupFor(dump);
    if (backup) return { ...base, argv, runnable: true, reason: null, native: 'backup', action: { kind: 'backup', backup } };
    const why = `the profile's backups: section has no ${dump} target, and Flightdeck takes backups natively (verified, with a checksum manifest), never as this command line`;
    return { ...base, argv, runnable: false, reason: split.ok ? why : `${split.reason}; ${why}`, native: 'backup', action: null };
  }
  if (!split.ok) {
    return { ...base, argv: split.words, runnable: false, reason: split.reason, native: nativeKindOf(split.words), action: null };
  }
  const argv = split.argv;
  const program = argv[0] ?? '';
  const allowed = context.isAllowed(program);
  const asProcess = (kind: CommandView['native'], run: string[] = argv): RecognisedCommand =>
    allowed
      ? { ...base, argv: run, runnable: true, reason: null, native: kind, action: { kind: 'process', argv: run } }
      : { ...base, argv: run, runnable: false, reason: NOT_ALLOWED, native: kind, action: null };

  switch (program) {
    case 'redis-cli':
      return asProcess('redis');
    case 'curl': {
      const url = argv.slice(1).find((word) => /^https?:\/\//.test(word));
      if (!url || !isHealthUrl(url)) return asProcess(null);
      const probe = context.probeFor(url);
      if (probe) return { ...base, argv, runnable: true, reason: null, native: 'probe', action: { kind: 'probe', probe } };
      return asProcess('probe');
    }
    case 'kubectl': {
      if (argv[1] !== 'rollout' || !KUBECTL_ROLLOUT.has(argv[2] ?? '')) return asProcess(null);
      const kind = argv[2] === 'undo' ? 'rollback' : 'command';
      const rebuilt = rebuildKubectlRollout(argv);
      if ('refused' in rebuilt) return { ...base, argv, runnable: false, reason: rebuilt.refused, native: kind, action: null };
      if (!allowed) return { ...base, argv: rebuilt.argv, runnable: false, reason: `no kubectl in the profile: "kubectl" is not in commands.allow`, native: kind, action: null };
      return asProcess(kind, rebuilt.argv);
    }
    case 'heroku':
    case 'railway': {
      const line = platformLine(argv);
      if (!line) return asProcess(null);
      const flag = line.op === 'restart' ? null : context.flagFor(program, line.name, line.app);
      // Heroku removes a config var on a null write; the Railway backend writes strings only, so its unset stays a command.
      if (flag && (line.op === 'set' || program === 'heroku')) {
        return { ...base, argv, runnable: true, reason: null, native: 'flag', action: { kind: 'flag', flag, value: line.op === 'set' ? flagValue(line.value) : null } };
      }
      if (allowed) return asProcess(line.op === 'restart' ? 'command' : 'flag');
      const why = flag ? `the railway backend of flag ${flag} sets values, it does not remove the variable, and "railway" is not in commands.allow` : platformCopyReason(program, line, context);
      return { ...base, argv, runnable: false, reason: why, native: line.op === 'restart' ? 'command' : 'flag', action: null };
    }
    default:
      return asProcess(null);
  }
}

/** The engine a dump command line backs up: pg_dump, mongodump, redis-cli --rdb. */
function dumpEngineOf(words: readonly string[]): BackupEngineName | null {
  const program = (words[0] ?? '').split('/').pop();
  if (program === 'pg_dump') return 'postgres';
  if (program === 'mongodump') return 'mongodb';
  if (program === 'redis-cli' && words.some((w) => w === '--rdb' || w.startsWith('--rdb='))) return 'redis';
  return null;
}

/** The native kind a copy-only line would have had, so the cockpit can point at the native action. */
function nativeKindOf(words: string[]): CommandView['native'] {
  switch (words[0]) {
    case 'mongodump':
    case 'pg_dump':
      return 'backup';
    case 'redis-cli':
      return 'redis';
    case 'curl':
      return words.some((w) => /^https?:\/\//.test(w) && isHealthUrl(w)) ? 'probe' : null;
    case 'kubectl':
      return words[1] !== 'rollout' || !KUBECTL_ROLLOUT.has(words[2] ?? '') ? null : words[2] === 'undo' ? 'rollback' : 'command';
    case 'heroku':
    case 'railway': {
      const line = platformLine(words);
      return line === null ? null : line.op === 'restart' ? 'command' : 'flag';
    }
    default:
      return null;
  }
}

function isHealthUrl(url: string): boolean {
  try {
    return /\/(health|healthz|healthcheck|ready|readyz|livez)\/?$/i.test(new URL(url).pathname);
  } catch {
    return false;
  }
}

function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href.replace(/\/$/, '') === new URL(b).href.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/** What a heroku or railway line does: set or unset one variable, or restart the service. */
type PlatformLine = { op: 'set'; name: string; value: string; app?: string } | { op: 'unset'; name: string; app?: string } | { op: 'restart'; app?: string };

const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The value of `--app X`, `--app=X`, `-a X` (Heroku), if given. */
function appOption(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === '--app' || word === '-a') return argv[i + 1];
    if (word.startsWith('--app=')) return word.slice('--app='.length);
  }
  return undefined;
}

/** The words after the subcommand that are not options (nor an option's value). */
function operands(argv: readonly string[], from: number): string[] {
  const out: string[] = [];
  for (let i = from; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (word === '--app' || word === '-a' || word === '--remote' || word === '-r' || word === '--service' || word === '-s' || word === '--environment' || word === '-e') i += 1;
    else if (!word.startsWith('-')) out.push(word);
  }
  return out;
}

/**
 * `heroku config:set NAME=VALUE`, `heroku config:unset NAME`, `heroku restart`;
 * `railway variables --set NAME=VALUE`, `railway env set NAME=VALUE`,
 * `railway env unset NAME`, `railway restart`. A line naming several
 * variables is not one flag write (null: a plain command).
 */
export function platformLine(argv: readonly string[]): PlatformLine | null {
  const app = argv[0] === 'heroku' ? appOption(argv) : undefined;
  const withApp = <T extends object>(line: T): T & { app?: string } => (app === undefined ? line : { ...line, app });
  const assignment = (word: string | undefined): PlatformLine | null => {
    const match = word === undefined ? null : /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(word);
    return match ? withApp({ op: 'set' as const, name: match[1]!, value: match[2]! }) : null;
  };
  if (argv[0] === 'heroku') {
    if (argv[1] === 'restart') return withApp({ op: 'restart' as const });
    const words = operands(argv, 2);
    if (argv[1] === 'config:set' && words.length === 1) return assignment(words[0]);
    if (argv[1] === 'config:unset' && words.length === 1 && VAR_NAME.test(words[0]!)) return withApp({ op: 'unset' as const, name: words[0]! });
    return null;
  }
  if (argv[0] !== 'railway') return null;
  if (argv[1] === 'restart') return { op: 'restart' };
  if (argv[1] === 'variables') {
    const sets = argv.flatMap((w, i) => (w === '--set' ? [argv[i + 1]] : w.startsWith('--set=') ? [w.slice('--set='.length)] : []));
    return sets.length === 1 ? assignment(sets[0]) : null;
  }
  if (argv[1] === 'env' && (argv[2] === 'set' || argv[2] === 'unset')) {
    const words = operands(argv, 3);
    if (words.length !== 1) return null;
    if (argv[2] === 'set') return assignment(words[0]);
    return VAR_NAME.test(words[0]!) ? { op: 'unset', name: words[0]! } : null;
  }
  return null;
}

/** Why a platform line stays copy-only: what the profile would need to name. */
function platformCopyReason(program: 'heroku' | 'railway', line: PlatformLine, context: RecogniseContext): string {
  const allow = `"${program}" is not in commands.allow`;
  if (line.op === 'restart') return `no ${program} restart in the profile: ${allow}`;
  if (!context.hasBackend(program)) return `no ${program} backend in the profile: no flag is kept in ${program} variables, and ${allow}`;
  return `no flag of the profile is kept in the ${program} variable ${line.name}${line.app ? ` of ${line.app}` : ''}, and ${allow}`;
}

function flagValue(text: string): FlagValue {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === 'true' || text === 'false') return text === 'true';
  return text;
}

/** The `kubectl rollout` subcommands Flightdeck recognises. */
const KUBECTL_ROLLOUT = new Set(['undo', 'status', 'restart']);

/** kubectl options Flightdeck understands in `rollout undo|status|restart`, and whether they take a value. */
const KUBECTL_OPTIONS: Record<string, 'value' | 'flag'> = {
  '-n': 'value',
  '--namespace': 'value',
  '--context': 'value',
  '--kubeconfig': 'value',
  '--to-revision': 'value',
  '--timeout': 'value',
  '--revision': 'value',
  '-w': 'flag',
  '--watch': 'flag',
  '--dry-run': 'flag',
};

const LONG_NAMES: Record<string, string> = { '-n': '--namespace', '-w': '--watch' };

/**
 * `kubectl rollout undo|status|restart [options] RESOURCE...` rebuilt as
 * `kubectl rollout SUB OPTION VALUE... -- RESOURCE...`: every resource after
 * "--", every option value checked, unknown options refused.
 */
export function rebuildKubectlRollout(argv: readonly string[]): { argv: string[] } | { refused: string } {
  const options: string[] = [];
  const operands: string[] = [];
  let afterDashes = false;
  for (let i = 3; i < argv.length; i += 1) {
    const word = argv[i]!;
    if (afterDashes || !word.startsWith('-') || word === '-') {
      operands.push(word);
      continue;
    }
    if (word === '--') {
      afterDashes = true;
      continue;
    }
    const eq = word.indexOf('=');
    const name = eq > 0 ? word.slice(0, eq) : word;
    const kind = KUBECTL_OPTIONS[name];
    if (!kind) return { refused: `option "${name}" of kubectl rollout is not one Flightdeck checks; run it by hand` };
    const long = LONG_NAMES[name] ?? name;
    if (kind === 'flag') {
      options.push(eq > 0 ? `${long}${word.slice(eq)}` : long);
      continue;
    }
    const value = eq > 0 ? word.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '') return { refused: `option ${name} needs a value` };
    if (value.startsWith('-')) return { refused: `option ${name} has the value "${value}", which kubectl would read as an option` };
    // One word, "--name=value": the value is bound to its option and cannot be read as another.
    options.push(`${long}=${value}`);
  }
  if (operands.length === 0) return { refused: 'names no resource (for example deployment/web)' };
  return { argv: [argv[0]!, argv[1]!, argv[2]!, ...options, '--', ...operands] };
}
