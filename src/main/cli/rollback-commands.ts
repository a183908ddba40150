/**
 * `flightdeck rollback`: the rollback button from a terminal. The same
 * plans, the same journal entries and the same honest outcomes as the app;
 * exit 0 only when the plan ended ok. The deliberate act is `--yes`, or the
 * environment's name typed at the prompt when stdin is a terminal. A run
 * that a crash interrupted in the same journal is resumed first. After
 * the plan, the command keeps guarding each flag it verified while earlier
 * writes of that flag in the same journal are still unknown (the rollback
 * guard, flags/flag-guard.ts), so that when it exits the flag holds the
 * rollback's value.
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
import { describeFlagValue, sameFlagValue, type FlagValue } from '../services/flags/flag-backend';
import type { GuardEnd, GuardEvent } from '../services/flags/flag-guard';
import type { TrustedProfile } from '../services/trust/trust-store';
import { approvedSecretPairs, trustedProfileFile } from './trusted-profile';
import { SecretRedactor } from '../services/vault/redactor';
import { EnvSecretResolver } from './env-secrets';
import { openActionJournal } from './action-journal-option';
import type { Session } from '../services/session/session';
import { isJoined } from '../services/team/team-config';
import { openTeamMember, type TeamMemberHandle } from './team-member';
import { teamRollbackPlan } from './team-rollback';
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
  --take-over      in a team session, resume the run of a member whose lease
                   ran out mid-plan (shown first; finished steps are not repeated)

In a session joined to a team (flightdeck session join), the rollback takes
the team's single flight first: while another member holds it, this command
follows their run instead of starting a second.

A run that was interrupted in the same journal (the machine or the process
died) is resumed first: steps that finished are not repeated.

When earlier writes of a flag in the same journal are still unknown, the
command keeps guarding that flag after the plan (it says so) until each is
settled or its settle window (flags[].settleSeconds) has passed: a late
write that lands is overridden and journaled as rollback.reasserted.

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
  'take-over': { type: 'boolean', default: false },
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
  // The press, before anything is read or connected: in a team, presses this close together are one (team-rollback.ts).
  const pressedAt = Date.now();
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
    return await runRollback({ loaded, planName, confirmation, by, env, values, io, pressedAt });
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
  pressedAt: number;
}

async function runRollback(context: RunContext): Promise<number> {
  const { loaded, planName, confirmation, by, env, values, io, pressedAt } = context;
  // An environment secret without its own _SCOPE goes only where the approval says it may.
  const secrets = new EnvSecretResolver(env, { approved: approvedSecretPairs(loaded) });
  const redactor = new SecretRedactor();
  for (const [name, value] of secrets.entries()) redactor.add(name, value);

  const opened = openActionJournal(values, env, 'rollback-');
  const { where } = opened;
  let journal = opened.journal;
  const close = opened.close;
  let fence: (() => Promise<void>) | undefined;
  let release = async (): Promise<void> => undefined;
  if (values.session && isJoined(values.session)) {
    const session = opened.journal as Session;
    let member: TeamMemberHandle | null = null;
    try {
      member = await openTeamMember(values.session, env, session);
      const team = await teamRollbackPlan(session, member.sync, planName, values['take-over'] === true, pressedAt, io);
      if (team.kind === 'followed') return team.status;
      journal = team.journal;
      fence = () => team.lease.fence();
      const { sync, close: stopTeam } = member;
      member = null;
      release = async () => {
        await team.lease.release();
        // What the run recorded goes to the team before the command ends, when the store answers.
        await sync.flush(5000).catch(() => io.err(`Not yet shared with the team: ${sync.status().unshared} entries stay in ${values.session} until it is joined again.`));
        await stopTeam();
      };
    } finally {
      // Followed someone else's run, or failed before running: nothing more to share from here.
      if (!fence) {
        await member?.close();
        opened.close();
      }
    }
  }
  const printed = new Map<number, string>();
  const guards: Array<{ flag: string; value: FlagValue; end: Promise<GuardEnd> }> = [];
  // Built on the journal: its flag service picks up the earlier writes still unknown there, for the guard.
  const scope = createSessionScope(loaded, {
    journal,
    secrets,
    redactor,
    settleDelaysMs: [],
    ...(fence ? { fence } : {}),
    defaultBackupRoot: join(defaultDataDir(env), 'backups'),
    fallbackDir: process.cwd(),
    baseEnv: env,
    on: {
      guardEvent: (event) => printGuardEvent(event, values.json === true, io),
      guardStarted: (guard) => guards.push(guard),
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
    const backends = new Map(loaded.profile.flags.map((f) => [f.name, { backend: scope.flags.backend(f.name), timeoutMs: f.timeoutMs }] as const));
    const guarded = await finishGuards(guards, backends, values.json === true, io);
    const message = lastMessage(journal, run.id);
    if (values.json) {
      io.out(json({ ...run, message, journal: where, guard: guarded.ends }));
    } else {
      io.out(`Rollback ${run.plan}: ${run.outcome} — ${message}${run.pressToVerifiedMs !== null ? ` (${Math.round(run.pressToVerifiedMs)} ms from start to verified)` : ''}`);
      io.err(`journaled in ${where}`);
    }
    return run.outcome === 'ok' && guarded.holding ? EXIT.ok : EXIT.failure;
  } finally {
    await scope.dispose();
    await release();
    close();
  }
}

/**
 * Waits for the rollback guards, then reads each guarded flag once more:
 * `holding` is false when one does not hold the rollback's value at exit.
 */
async function finishGuards(
  guards: ReadonlyArray<{ flag: string; value: FlagValue; end: Promise<GuardEnd> }>,
  backends: ReadonlyMap<string, { backend: { read(signal: AbortSignal): Promise<FlagValue> }; timeoutMs: number }>,
  quiet: boolean,
  io: Io,
): Promise<{ ends: GuardEnd[]; holding: boolean }> {
  const ends: GuardEnd[] = [];
  let holding = true;
  for (const guard of guards) {
    const end = await guard.end.catch((error: unknown): GuardEnd => ({ runId: '', flag: guard.flag, watched: 0, reasserted: 0, message: `the guard of ${guard.flag} stopped: ${describeError(error)}` }));
    ends.push(end);
    if (end.watched === 0) continue;
    const entry = backends.get(guard.flag);
    const seen = entry ? await entry.backend.read(AbortSignal.timeout(entry.timeoutMs)).catch(() => undefined) : undefined;
    const holds = seen !== undefined && sameFlagValue(seen, guard.value);
    if (!holds) holding = false;
    if (!quiet) io.err(`${end.message}. ${guard.flag} ${holds ? 'holds' : 'does NOT hold'} ${describeFlagValue(guard.value)} now${holds ? '' : ` (reads ${describeFlagValue(seen)})`}.`);
  }
  return { ends, holding };
}

function printGuardEvent(event: GuardEvent, quiet: boolean, io: Io): void {
  if (quiet) return;
  if (event.kind === 'guarding') {
    const n = event.watching.length;
    io.err(`Guarding ${event.flag} at ${event.value} until ${event.until.slice(11, 19)} UTC: ${n} earlier write${n === 1 ? ' is' : 's are'} still unknown (${event.watching.join(', ')}) and could undo the rollback if ${n === 1 ? 'it lands' : 'they land'}.`);
  } else if (event.kind === 'reasserted') {
    io.err(`ALARM: ${event.message}`);
  } else if (event.kind === 'drifted') {
    io.err(`ALARM: ${event.message}`);
  } else if (event.kind === 'settled') {
    io.err(`  action ${event.actionId}: ${event.message}`);
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
