/**
 * Runs an allowlisted program as an action: argv array, never a shell, a
 * deadline (SIGTERM, then SIGKILL to its process group), the watchdog of
 * guarded-spawn.ts (it dies with Flightdeck, SIGKILL included), and a small
 * environment: PATH, HOME and LANG, plus the profile's `commands.env` with
 * `{secret}` values resolved at spawn time, each released only when its
 * vault scope names this program (`program:NAME`): a secret meant for
 * another program stops the command before it is journaled or started.
 * Secrets travel only through the
 * environment, never argv, and the output is redacted before it is shown or
 * journaled. Exit 0 is ok, another status failed, a deadline unknown (the
 * program may have done part of its work).
 */
import type { ActionRecord } from '../../../shared/control-model';
import { FlightdeckError } from '../../../shared/errors';
import { spawnCodeOf, spawnGuarded } from '../children/guarded-spawn';
import type { ActionContext, ActionKind, ActionResult, ActionRunner, ActionSpec } from '../actions/action-runner';
import { formatSeconds } from '../actions/action-runner';
import type { MaybeSecret } from '../profile/secret-ref';
import { programDestination } from '../vault/destination';
import { resolveMaybeSecret, type SecretResolver } from '../vault/secrets';
import type { CommandPolicy } from './command-policy';

export interface CommandRunnerDeps {
  policy: CommandPolicy;
  /** The profile's commands.env. */
  env: Record<string, MaybeSecret>;
  secrets: SecretResolver;
  runner: ActionRunner;
  /** Where PATH, HOME and LANG come from (process.env by default). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Time between SIGTERM and SIGKILL at the deadline. */
  killGraceMs?: number;
  cwd?: string;
}

export interface CommandRequest {
  argv: readonly string[];
  timeoutMs: number;
  by: string | null;
  title?: string;
  kind?: ActionKind;
  runId?: string;
  step?: number;
}

const BASE_ENV_NAMES = ['PATH', 'HOME', 'LANG'] as const;
const DEFAULT_KILL_GRACE_MS = 3000;
/** How much of stderr's last line a failure message quotes. */
const QUOTE_CHARS = 300;

export class CommandRunner {
  constructor(private readonly deps: CommandRunnerDeps) {}

  /** Runs a command through the action runner; refuses a program outside the allowlist before journaling anything. */
  async run(request: CommandRequest): Promise<ActionRecord> {
    return this.deps.runner.run(this.action(request));
  }

  /**
   * The command as an action spec (a rollback step wraps it). Throws
   * FlightdeckError('forbidden') for a program outside the allowlist.
   */
  action(request: CommandRequest): ActionSpec {
    const [program, ...args] = request.argv;
    if (program === undefined) throw new FlightdeckError('bad-input', 'A command needs at least the program to run.', { field: 'argv' });
    const path = this.deps.policy.resolve(program);
    this.refuseUnscopedSecrets(program);
    const killGraceMs = this.deps.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    return {
      kind: request.kind ?? 'command',
      title: request.title ?? request.argv.join(' '),
      inputs: { argv: JSON.stringify(request.argv), program: path },
      by: request.by,
      timeoutMs: request.timeoutMs,
      stopGraceMs: killGraceMs + 2000,
      ...(request.runId !== undefined ? { runId: request.runId } : {}),
      ...(request.step !== undefined ? { step: request.step } : {}),
      run: (context) => this.spawnProgram(path, program, args, killGraceMs, context),
    };
  }

  /**
   * Every secret of the environment must be scoped to this program: a
   * refusal is a security rule, like the allowlist, so it comes before
   * anything is journaled or started. A locked vault or a missing secret is
   * left to the action, which records it as failed at spawn time.
   */
  private refuseUnscopedSecrets(program: string): void {
    try {
      this.environment(program);
    } catch (error) {
      if ((error as { code?: unknown }).code === 'forbidden') throw error;
    }
  }

  /** The child's environment: the minimal base plus the profile's, secrets resolved now for this program. */
  private environment(program: string): Record<string, string> {
    const destination = programDestination(program);
    const base = this.deps.baseEnv ?? process.env;
    const env: Record<string, string> = {};
    for (const name of BASE_ENV_NAMES) {
      const value = base[name];
      if (value !== undefined) env[name] = value;
    }
    for (const [name, value] of Object.entries(this.deps.env)) {
      env[name] = resolveMaybeSecret(value, this.deps.secrets, destination).value;
    }
    return env;
  }

  private spawnProgram(path: string, program: string, args: string[], killGraceMs: number, context: ActionContext): Promise<ActionResult> {
    const env = this.environment(program);
    return new Promise<ActionResult>((resolve) => {
      // Its own process group (the watchdog's), so the deadline and Flightdeck's end stop whatever it started too.
      const child = spawnGuarded(path, args, { argv0: program, env, ...(this.deps.cwd !== undefined ? { cwd: this.deps.cwd } : {}), stdout: 'pipe', stderr: 'pipe' });
      let stderrTail = '';
      let stopping: 'SIGTERM' | 'SIGKILL' | null = null;
      let killTimer: NodeJS.Timeout | undefined;
      const signalGroup = (signal: NodeJS.Signals) => child.killGroup(signal);
      const onAbort = () => {
        stopping = 'SIGTERM';
        signalGroup('SIGTERM');
        killTimer = setTimeout(() => {
          stopping = 'SIGKILL';
          signalGroup('SIGKILL');
        }, killGraceMs);
      };
      context.signal.addEventListener('abort', onAbort, { once: true });
      child.stdout!.setEncoding('utf8');
      child.stderr!.setEncoding('utf8');
      child.stdout!.on('data', (text: string) => context.output('stdout', text));
      child.stderr!.on('data', (text: string) => {
        context.output('stderr', text);
        stderrTail = `${stderrTail}${text}`;
        if (stderrTail.length > 8 * QUOTE_CHARS) {
          // Keep whole lines only: a line cut at its start could begin in the middle of a secret the redactor would then miss.
          const cut = stderrTail.indexOf('\n', stderrTail.length - 4 * QUOTE_CHARS);
          stderrTail = cut >= 0 ? stderrTail.slice(cut + 1) : '';
        }
      });
      const failedToStart = (error: unknown) => {
        context.signal.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
        resolve({ outcome: 'failed', message: `could not start ${program}: ${spawnCodeOf(error) ?? (error as Error).message}` });
      };
      child.exited.then(({ code, signal }) => {
        context.signal.removeEventListener('abort', onAbort);
        clearTimeout(killTimer);
        if (stopping) {
          // Make sure nothing it started outlives the deadline.
          signalGroup('SIGKILL');
          resolve({
            outcome: 'unknown',
            message:
              stopping === 'SIGTERM'
                ? `stopped with SIGTERM at the deadline`
                : `killed with SIGKILL: it ignored SIGTERM for ${formatSeconds(killGraceMs)}`,
          });
        } else if (code === 0) {
          resolve({ outcome: 'ok', message: 'exited with status 0' });
        } else {
          const why = code !== null ? `exited with status ${code}` : `was killed by ${signal ?? 'a signal'}`;
          const whole = stderrTail.split('\n').filter((line) => line.trim() !== '').at(-1)?.trim();
          // Redacted before it is shortened, so no part of a secret survives the cut.
          const lastLine = whole === undefined ? undefined : this.deps.runner.redactor.redact(whole).slice(-QUOTE_CHARS);
          resolve({ outcome: 'failed', message: lastLine ? `${why}: ${lastLine}` : why });
        }
      }, failedToStart);
    });
  }
}
