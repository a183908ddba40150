/**
 * `flightdeck rollback`: the rollback button from a terminal. The same
 * plans, the same journal entries and the same honest outcomes as the app;
 * exit 0 only when the plan ended ok. The deliberate act is `--yes`, or the
 * environment's name typed at the prompt when stdin is a terminal. A run
 * that a crash interrupted in the same journal is resumed first.
 */
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { RollbackRun } from '../../shared/control-model';
import { FlightdeckError } from '../../shared/errors';
import { checkPersonName } from '../../shared/person-name';
import { defaultDataDir } from '../app/paths';
import type { ActionJournal } from '../services/actions/action-journal';
import type { RollbackConfirmation } from '../services/rollback/confirmation';
import type { StartedRollback } from '../services/rollback/rollback-service';
import { createSessionScope } from '../services/scope/session-scope';
import type { TrustedProfile } from '../services/trust/trust-store';
import { approvedSecretPairs, trustedProfileFile } from './trusted-profile';
import { SecretRedactor } from '../services/vault/redactor';
import { EnvSecretResolver } from './env-secrets';
import { openActionJournal } from './action-journal-option';
import { EXIT, UsageError, describeError, exitCodeFor, json, type Io } from './io';

export const ROLLBACK_USAGE = `Usage:
  flightdeck rollback --profile FILE [--plan NAME] [--session DIR | --log DIR] [--yes] [--by NAME] [--json]

  --plan NAME      the plan to run (default: the profile's rollback.default)
  --session DIR    journal into this session (as the app does)
  --log DIR        journal into this action log directory (created if missing)
                   default: a new log under <data dir>/actions/, printed
  --yes            confirm without a prompt (scripts); otherwise, on a terminal,
                   type the environment's name to confirm
  --by NAME        who acts (default: $USER)

A run that was interrupted in the same journal (the machine or the process
died) is resumed first: steps that finished are not repeated.

Secrets: a profile's { secret: NAME } is read from FLIGHTDECK_SECRET_<NAME>
(upper case, "." and "-" as "_") and sent only where
FLIGHTDECK_SECRET_<NAME>_SCOPE lists (origins, host:port, program:NAME).

Exit status: 0 the plan ended ok, 1 failed or unknown (printed), 2 bad input.`;

const OPTIONS = {
  profile: { type: 'string' },
  plan: { type: 'string' },
  session: { type: 'string' },
  log: { type: 'string' },
  yes: { type: 'boolean', default: false },
  by: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

/** Where the typed confirmation comes from (a terminal by default). */
export interface ConfirmInput {
  isTTY: boolean;
  question(prompt: string): Promise<string>;
}

export interface RollbackCommandOptions {
  /** Where FLIGHTDECK_SECRET_*, FLIGHTDECK_HOME and USER are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
  input?: ConfirmInput;
}

export async function rollbackCommand(args: string[], io: Io, options: RollbackCommandOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  let values: ReturnType<typeof parse>['values'];
  try {
    const parsed = parse(args);
    values = parsed.values;
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`);
  } catch (error) {
    io.err(`flightdeck rollback: ${describeError(error)}\n\n${ROLLBACK_USAGE}`);
    return EXIT.badInput;
  }
  if (values.help) {
    io.out(ROLLBACK_USAGE);
    return EXIT.ok;
  }
  try {
    if (!values.profile) throw new UsageError('missing --profile FILE');
    if (values.session && values.log) throw new UsageError('give --session or --log, not both');
    // Before anything else: an untrusted profile exits 2 with no connection made.
    const loaded = await trustedProfileFile(values.profile, env);
    const profile = loaded.profile;
    const planName = values.plan ?? profile.rollback.default;
    if (planName === undefined) throw new UsageError(`name the plan with --plan (the profile has ${profile.rollback.plans.map((p) => p.name).join(', ') || 'no plans'})`);
    if (!profile.rollback.plans.some((p) => p.name === planName)) {
      throw new FlightdeckError('not-found', `has no rollback plan "${planName}" (plans: ${profile.rollback.plans.map((p) => p.name).join(', ') || 'none'}).`, { file: values.profile, field: 'plan' });
    }
    const confirmation = await confirm(values.yes === true, profile.environment, planName, options.input ?? terminalInput(), io);
    const by = checkPersonName(values.by ?? env.USER ?? env.USERNAME ?? null, '--by');
    return await runRollback({ loaded, planName, confirmation, by, env, values, io });
  } catch (error) {
    io.err(`flightdeck rollback: ${describeError(error)}${error instanceof UsageError ? `\n\n${ROLLBACK_USAGE}` : ''}`);
    return exitCodeFor(error);
  }
}

function parse(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
}

async function confirm(yes: boolean, environment: string, plan: string, input: ConfirmInput, io: Io): Promise<RollbackConfirmation> {
  if (yes) return { kind: 'cli', how: '--yes' };
  if (!input.isTTY) {
    throw new FlightdeckError('forbidden', `Rollback not started: confirm with --yes, or run it on a terminal and type the environment name "${environment}".`, { field: 'yes' });
  }
  const typed = (await input.question(`Roll back ${environment} with plan ${plan}? Type the environment name (${environment}) to confirm: `)).trim();
  if (typed !== environment) {
    io.err(`"${typed}" is not "${environment}".`);
    throw new FlightdeckError('forbidden', `Rollback not started: the environment name was not typed exactly ("${environment}").`, { field: 'confirmation' });
  }
  return { kind: 'cli', how: 'typed the environment name at the prompt' };
}

function terminalInput(): ConfirmInput {
  return {
    isTTY: process.stdin.isTTY === true,
    async question(prompt) {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await rl.question(prompt);
      } finally {
        rl.close();
      }
    },
  };
}

interface RunContext {
  loaded: TrustedProfile;
  planName: string;
  confirmation: RollbackConfirmation;
  by: string | null;
  env: NodeJS.ProcessEnv;
  values: ReturnType<typeof parse>['values'];
  io: Io;
}

async function runRollback(context: RunContext): Promise<number> {
  const { loaded, planName, confirmation, by, env, values, io } = context;
  // An environment secret without its own _SCOPE goes only where the approval says it may.
  const secrets = new EnvSecretResolver(env, { approved: approvedSecretPairs(loaded) });
  const redactor = new SecretRedactor();
  for (const [name, value] of secrets.entries()) redactor.add(name, value);

  const { journal, where, close } = openActionJournal(values, env, 'rollback-');
  const printed = new Map<number, string>();
  const scope = createSessionScope(loaded, {
    journal,
    secrets,
    redactor,
    defaultBackupRoot: join(defaultDataDir(env), 'backups'),
    fallbackDir: process.cwd(),
    baseEnv: env,
    on: {
      commandOutput: (chunk) => (values.json ? undefined : io.err(chunk.text.replace(/\n$/, ''))),
      rollbackProgress: (run) => {
        if (!values.json) printProgress(run, printed, io);
      },
    },
  });
  const rollback = scope.rollback;
  try {
    let run: RollbackRun | null = null;
    const resumed = rollback.resume();
    if (resumed) {
      io.err(`Resuming rollback ${resumed.run.id} (plan ${resumed.run.plan}), interrupted before it finished; steps that finished are not repeated.`);
      run = await finished(resumed, printed);
      if (resumed.run.plan !== planName) run = null;
    }
    if (!run) {
      printed.clear();
      run = await rollback.run({ plan: planName, confirmation }, by);
    }
    const message = lastMessage(journal, run.id);
    if (values.json) {
      io.out(json({ ...run, message, journal: where }));
    } else {
      io.out(`Rollback ${run.plan}: ${run.outcome} — ${message}${run.pressToVerifiedMs !== null ? ` (${Math.round(run.pressToVerifiedMs)} ms from start to verified)` : ''}`);
      io.err(`journaled in ${where}`);
    }
    return run.outcome === 'ok' ? EXIT.ok : EXIT.failure;
  } finally {
    await scope.dispose();
    close();
  }
}

async function finished(started: StartedRollback, printed: Map<number, string>): Promise<RollbackRun> {
  for (const step of started.run.steps) printed.set(step.index, step.outcome);
  return started.finished;
}

function printProgress(run: RollbackRun, printed: Map<number, string>, io: Io): void {
  for (const step of run.steps) {
    if (printed.get(step.index) === step.outcome) continue;
    printed.set(step.index, step.outcome);
    if (step.outcome === 'pending') continue;
    const text = step.outcome === 'running' ? '…' : `${step.outcome} — ${step.message}`;
    io.err(`[${step.index + 1}/${run.steps.length}] ${step.title}: ${text}`);
  }
}

function lastMessage(journal: ActionJournal, runId: string): string {
  const end = journal.entries().findLast((e) => e.type === 'rollback.finished' && e.data.runId === runId);
  return end ? String(end.data.message) : '';
}
