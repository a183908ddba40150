/**
 * Whether running a command only looks (and so needs no confirmation).
 * Deliberately conservative: a program or verb not listed here is treated
 * as a change and asks first. A wrong "read-only" would let a production
 * change run on one click; a wrong "change" only costs a second click.
 */
import type { CommandView } from '../../../../shared/control-model';

/** Options that take a value as the next argument, per program, so the value is not read as the verb. */
const VALUED_OPTIONS: Record<string, readonly string[]> = {
  kubectl: ['-n', '--namespace', '--context', '--cluster', '--kubeconfig', '-l', '--selector', '-o', '--output', '-c', '--container'],
  heroku: ['-a', '--app', '-r', '--remote'],
  railway: ['-s', '--service', '-e', '--environment'],
  git: ['-C', '-c'],
  'redis-cli': ['-h', '-p', '-a', '-n', '-u', '-s', '--user', '--pass'],
};

const READ_VERBS: Record<string, readonly string[]> = {
  kubectl: ['get', 'describe', 'logs', 'top', 'version', 'explain', 'api-resources', 'cluster-info', 'rollout status', 'rollout history', 'auth can-i', 'config view', 'config current-context'],
  heroku: ['config', 'config:get', 'ps', 'releases', 'logs', 'apps:info', 'status', 'info'],
  railway: ['status', 'logs', 'whoami', 'variables'],
  git: ['status', 'log', 'diff', 'show', 'rev-parse', 'describe'],
  'redis-cli': ['ping', 'info', 'get', 'hget', 'hgetall', 'ttl', 'pttl', 'exists', 'type', 'dbsize', 'strlen'],
};

/** Options that make an otherwise read-only program write. */
const WRITE_OPTIONS: Record<string, RegExp> = {
  railway: /^--set(=|$)/,
};

function programName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1).replace(/\.exe$/i, '');
}

/** The first two positional arguments (the verb and its sub-verb), options and their values skipped. */
function verbs(program: string, args: readonly string[]): string[] {
  const valued = VALUED_OPTIONS[program] ?? [];
  const found: string[] = [];
  for (let i = 0; i < args.length && found.length < 2; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      if (valued.includes(arg)) i++;
      continue;
    }
    found.push(arg.toLowerCase());
  }
  return found;
}

function curlOnlyReads(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (/^(-d|--data|--data-\w+|--json|-F|--form|-T|--upload-file)(=|$)/.test(arg) || /^-[dFT]./.test(arg)) return false;
    const method = arg === '-X' || arg === '--request' ? args[i + 1] : /^(?:-X|--request=)(.+)$/.exec(arg)?.[1];
    if (method !== undefined && !/^(GET|HEAD)$/i.test(method)) return false;
  }
  return true;
}

export function isReadOnly(command: Pick<CommandView, 'argv' | 'native'>): boolean {
  if (command.native === 'probe') return true;
  const [path, ...args] = command.argv;
  if (!path) return false;
  const program = programName(path);
  if (program === 'curl') return curlOnlyReads(args);
  const write = WRITE_OPTIONS[program];
  if (write && args.some((a) => write.test(a))) return false;
  const readVerbs = READ_VERBS[program];
  if (!readVerbs) return false;
  const [verb, sub] = verbs(program, args);
  if (!verb) return false;
  return readVerbs.includes(verb) || (sub !== undefined && readVerbs.includes(`${verb} ${sub}`));
}
