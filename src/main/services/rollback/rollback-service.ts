/**
 * The rollback button's service: runs a plan from the profile step by step
 * through the action runner, each step journaled before it runs and
 * verified (a flag by reading it back, health by the probes), and streams
 * the run as it goes. A second press while a run is active joins it.
 *
 * After a crash, `resume()` continues the interrupted run: a step that
 * finished ok is never repeated; a step that was started but not finished
 * runs again only when that is harmless (an absolute flag value, checked by
 * reading it first; waiting for health; a command the profile marks
 * idempotent), otherwise it is marked unknown and the run ends failed,
 * asking for a check by hand. A restore step is never repeated unless the
 * plan marks it idempotent, and a plan with one asks for the environment's
 * name typed (checkPlanConfirmation).
 */
import { randomBytes } from 'node:crypto';
import type { RollbackRun } from '../../../shared/control-model';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import type { ActionJournal } from '../actions/action-journal';
import { formatSeconds, type ActionResult, type ActionRunner, type ActionSpec } from '../actions/action-runner';
import type { CommandRunner } from '../commands/command-runner';
import { describeFlagValue, sameFlagValue, type FlagValue } from '../flags/flag-backend';
import type { RollbackPlanConfig, RollbackStepConfig } from '../profile/actions-schema';
import type { Profile } from '../profile/profile-schema';
import { checkConfirmation, type RollbackConfirmation } from './confirmation';
import { foldRollbackRuns, runView, type RunHistory, type StepAttempt } from './rollback-history';
import type { BackupRestorer, FlagSetter, HealthWaiter } from './rollback-ports';
import { commandOf, decodeValue, encodeValue, isIdempotent, lastStableStep, needsTypedConfirmation, percentOf, stepTitle } from './rollback-steps';

export interface RollbackServiceDeps {
  profile: Pick<Profile, 'environment' | 'flags' | 'commands' | 'rollback'>;
  journal: ActionJournal;
  runner: ActionRunner;
  flags: FlagSetter;
  health: HealthWaiter;
  /** Needed for plans with command steps. */
  commands?: CommandRunner | null;
  /** Needed for plans with restore steps. */
  restore?: BackupRestorer | null;
  onUpdate?: (run: RollbackRun) => void;
  /**
   * Called when a flag step has verified its value: the rollback guard
   * (flags/flag-guard.ts) then watches the flag's earlier unknown writes, so
   * a late one cannot undo the rollback unnoticed.
   */
  guard?: (request: { runId: string; flag: string; value: FlagValue; by: string | null }) => void;
  /**
   * Runs after a step's intent is journaled and before the step acts; a
   * throw stops the step unrun. A team session's single flight puts its
   * fence here (services/team/team-flight.ts): the lease renewed and the
   * intent shared with the team, or the step does not run.
   */
  fence?: () => Promise<void>;
  /** Monotonic milliseconds (press to verified). */
  clock?: () => number;
  now?: () => Date;
  newRunId?: () => string;
}

export interface RollbackRequest {
  /** The profile's default plan when absent. */
  plan?: string | undefined;
  confirmation: RollbackConfirmation;
}

export interface StartedRollback {
  run: RollbackRun;
  /** Whether this press joined a run already going. */
  joined: boolean;
  finished: Promise<RollbackRun>;
}

export const INTERRUPTED_MESSAGE = 'interrupted by a crash; not repeated — check by hand';

interface ActiveRun {
  view: RollbackRun;
  planName: string;
  finished: Promise<RollbackRun>;
}

export class RollbackService {
  private active: ActiveRun | null = null;
  /** The flag value the running step verified, handed to the guard once the step's end is journaled. */
  private verifiedFlag: { runId: string; flag: string; value: FlagValue; by: string | null } | null = null;
  private last: RollbackRun | null;
  private readonly clock: () => number;
  private readonly now: () => Date;

  constructor(private readonly deps: RollbackServiceDeps) {
    this.clock = deps.clock ?? (() => performance.now());
    this.now = deps.now ?? (() => new Date());
    const runs = foldRollbackRuns(deps.journal.entries());
    const latest = runs.at(-1);
    this.last = latest ? runView(latest) : null;
  }

  /** The run in progress, else the last one the journal holds. */
  current(): RollbackRun | null {
    return this.active?.view ?? this.last;
  }

  /**
   * The run under way in this service, null when none. The app waits for it
   * before it closes the backends the run writes through, and before another
   * service on the same journal may resume it.
   */
  running(): StartedRollback | null {
    return this.active ? { run: this.active.view, joined: true, finished: this.active.finished } : null;
  }

  plans(): RollbackPlanConfig[] {
    return this.deps.profile.rollback.plans;
  }

  /** The press: checks the deliberate act, then starts the plan or joins the run already going. */
  start(request: RollbackRequest, by: string | null): StartedRollback {
    const pressedAtMs = this.clock();
    const pressedAt = this.now().toISOString();
    const profile = this.deps.profile;
    const plan = this.plan(request.plan);
    const confirmation = checkPlanConfirmation(request.confirmation, plan, profile);
    if (this.active) {
      if (this.active.planName !== plan.name) {
        throw new FlightdeckError('conflict', `Rollback plan "${this.active.planName}" is running; wait for it to finish before starting "${plan.name}".`, { field: 'plan' });
      }
      return { run: this.active.view, joined: true, finished: this.active.finished };
    }
    const runId = (this.deps.newRunId ?? newRunId)();
    const titles = plan.steps.map(stepTitle);
    const entry = this.deps.journal.record('rollback.started', by, { runId, plan: plan.name, steps: titles, confirmation, pressedAt });
    const view: RollbackRun = {
      id: runId,
      plan: plan.name,
      by,
      startedAt: entry.ts,
      endedAt: null,
      outcome: 'running',
      steps: titles.map((title, index) => ({ index, title, outcome: 'pending', message: '', startedAt: null, endedAt: null })),
      pressToVerifiedMs: null,
      resumed: false,
    };
    return this.launch(view, plan, by, new Map(), () => this.clock() - pressedAtMs, null);
  }

  /** Runs a plan and waits for its end (the CLI and the benchmark). */
  async run(request: RollbackRequest, by: string | null): Promise<RollbackRun> {
    return this.start(request, by).finished;
  }

  /**
   * Continues a run the journal shows started and not finished (the app or
   * the CLI stopped mid-plan). Null when there is none.
   */
  resume(): StartedRollback | null {
    if (this.active) return { run: this.active.view, joined: true, finished: this.active.finished };
    const runs = foldRollbackRuns(this.deps.journal.entries());
    const interrupted = runs.filter((run) => run.finished === null).at(-1);
    if (!interrupted) {
      // A run another service finished since this one was built (the app rebuilt mid-run) shows as the last.
      const latest = runs.at(-1);
      if (latest) this.last = runView(latest);
      return null;
    }
    const view: RollbackRun = { ...runView(interrupted), outcome: 'running', resumed: true };
    const plan = this.deps.profile.rollback.plans.find((p) => p.name === interrupted.plan);
    const pressedAt = Date.parse(interrupted.pressedAt);
    const sincePress = () => this.now().getTime() - pressedAt;
    if (!plan || plan.steps.map(stepTitle).join('\n') !== interrupted.stepTitles.join('\n')) {
      const why = plan ? `plan "${interrupted.plan}" changed in the profile since it was started` : `plan "${interrupted.plan}" is no longer in the profile`;
      const finished = Promise.resolve(this.finish(view, interrupted.by, 'failed', `Not resumed: ${why}; check what it did by hand.`, null));
      return { run: view, joined: false, finished };
    }
    return this.launch(view, plan, interrupted.by, interrupted.steps, sincePress, pressedAt);
  }

  private plan(name: string | undefined): RollbackPlanConfig {
    const rollback = this.deps.profile.rollback;
    const wanted = name ?? rollback.default ?? (rollback.plans.length === 1 ? rollback.plans[0]!.name : undefined);
    if (wanted === undefined) {
      throw new FlightdeckError('bad-input', rollback.plans.length === 0 ? 'The profile defines no rollback plans (rollback.plans).' : 'Name the rollback plan to run: the profile has several and no rollback.default.', { field: 'plan' });
    }
    const plan = rollback.plans.find((p) => p.name === wanted);
    if (!plan) throw new FlightdeckError('not-found', `The profile has no rollback plan "${wanted}" (plans: ${rollback.plans.map((p) => p.name).join(', ') || 'none'}).`, { field: 'plan' });
    return plan;
  }

  /** `pressedAtWall`: when resuming, the press's wall-clock time, for steps verified before the restart. */
  private launch(view: RollbackRun, plan: RollbackPlanConfig, by: string | null, before: ReadonlyMap<number, StepAttempt>, elapsed: () => number, pressedAtWall: number | null): StartedRollback {
    const active: ActiveRun = { view, planName: plan.name, finished: Promise.resolve(view) };
    this.active = active;
    this.emit(view);
    active.finished = this.execute(active, plan, by, before, elapsed, pressedAtWall).catch((error: unknown) =>
      this.finish(active.view, by, 'unknown', `The rollback stopped on an internal error: ${messageOf(error)}`, null),
    );
    return { run: view, joined: false, finished: active.finished };
  }

  private async execute(
    active: ActiveRun,
    plan: RollbackPlanConfig,
    by: string | null,
    before: ReadonlyMap<number, StepAttempt>,
    elapsed: () => number,
    pressedAtWall: number | null,
  ): Promise<RollbackRun> {
    let verifiedMs: number | null = null;
    for (const [index, step] of plan.steps.entries()) {
      const earlier = before.get(index);
      if (earlier?.outcome === 'ok') {
        // Finished before the restart: never repeated.
        if (pressedAtWall !== null && earlier.endedAt) verifiedMs = Date.parse(earlier.endedAt) - pressedAtWall;
        continue;
      }
      const resuming = earlier !== undefined;
      if (resuming && !isIdempotent(step)) {
        if (earlier.outcome === null) {
          this.deps.runner.closeInterrupted(earlier.actionId, by, INTERRUPTED_MESSAGE);
          this.setStep(active, index, { outcome: 'unknown', message: INTERRUPTED_MESSAGE, endedAt: this.now().toISOString() });
          return this.finish(active.view, by, 'failed', `Step ${index + 1} (${stepTitle(step)}) was ${INTERRUPTED_MESSAGE}.`, null);
        }
        return this.finish(active.view, by, 'failed', `Step ${index + 1} (${stepTitle(step)}) ended ${earlier.outcome} before the restart: ${earlier.message}`, null);
      }
      if (resuming && earlier.outcome === null) {
        // The attempt the crash cut short gets its end in the journal before the step runs again.
        this.deps.runner.closeInterrupted(earlier.actionId, by, 'interrupted by a crash; safe to repeat, so it runs again');
      }
      const spec = withFence(await this.stepSpec(step, index, active.view.id, by, resuming ? earlier : undefined), this.deps.fence);
      this.verifiedFlag = null;
      const started = this.deps.runner.start(spec);
      this.setStep(active, index, { outcome: 'running', message: 'running', startedAt: started.record.startedAt, endedAt: null });
      const record = await started.done;
      const verified = this.verifiedFlag;
      this.verifiedFlag = null;
      if (record.outcome === 'ok' && verified) this.deps.guard?.(verified);
      this.setStep(active, index, { outcome: record.outcome, message: record.message, endedAt: record.endedAt });
      if (record.outcome !== 'ok') {
        const outcome = record.outcome === 'unknown' ? 'unknown' : 'failed';
        const rest = index + 1 < plan.steps.length ? '; later steps were not run' : '';
        return this.finish(active.view, by, outcome, `Step ${index + 1} (${stepTitle(step)}) ${outcome === 'unknown' ? 'has an unknown outcome' : 'failed'}: ${record.message}${rest}.`, null);
      }
      verifiedMs = elapsed();
    }
    const ms = verifiedMs === null ? null : Math.round(verifiedMs * 100) / 100;
    return this.finish(active.view, by, 'ok', `All ${plan.steps.length} steps done and verified${ms !== null ? ` in ${formatSeconds(Math.round(ms))} from the press` : ''}.`, ms);
  }

  /** The action a step runs. `earlier`: the attempt a crash interrupted (idempotent steps only). */
  private async stepSpec(step: RollbackStepConfig, index: number, runId: string, by: string | null, earlier: StepAttempt | undefined): Promise<ActionSpec> {
    const base = { kind: 'rollback-step' as const, title: stepTitle(step), by, runId, step: index };
    if ('waitForHealth' in step) {
      const timeoutMs = step.timeoutSeconds * 1000;
      return {
        ...base,
        inputs: { probes: step.waitForHealth.join(', '), timeoutSeconds: String(step.timeoutSeconds) },
        timeoutMs: timeoutMs + 2000,
        run: async ({ signal }) => {
          const result = await this.deps.health(step.waitForHealth, timeoutMs, signal);
          return { outcome: result.ok ? 'ok' : 'failed', message: result.message };
        },
      };
    }
    if ('restore' in step) {
      const inputs = { backup: step.restore, clean: String(step.clean) };
      const restorer = this.deps.restore;
      if (!restorer) return failing(base, inputs, 'This rollback cannot restore backups here (no backup service).');
      return {
        ...base,
        inputs,
        timeoutMs: (step.timeoutSeconds ?? restorer.timeoutSeconds(step.restore)) * 1000,
        stopGraceMs: 5000,
        run: async ({ signal }) => ({ outcome: 'ok', message: await restorer.restore(step.restore, { clean: step.clean }, signal) }),
      };
    }
    if ('command' in step) {
      const { argv, timeoutMs } = commandOf(step, this.deps.profile.commands);
      const inputs = { argv: JSON.stringify(argv), ...(typeof step.command === 'string' ? { named: step.command } : {}) };
      if (!this.deps.commands) return failing(base, inputs, 'This rollback cannot run commands here (no command runner).');
      try {
        return { ...this.deps.commands.action({ argv, timeoutMs, by, kind: 'rollback-step', runId, step: index, title: base.title }), inputs };
      } catch (error) {
        return failing(base, inputs, messageOf(error));
      }
    }
    const flag = this.deps.profile.flags.find((f) => f.name === step.flag);
    const timeoutMs = (flag?.timeoutMs ?? 3000) * 3 + 1000;
    let target: FlagValue | undefined;
    let from: string | undefined;
    if ('set' in step) {
      target = step.set;
    } else if (earlier && decodeValue(earlier.inputs.value) !== undefined) {
      target = decodeValue(earlier.inputs.value); // resolved before the crash: the same absolute value again
      from = earlier.inputs.from;
    } else {
      const resolved = await this.resolveLastStable(step.flag, flag?.steps ?? [], flag?.timeoutMs ?? 3000);
      if ('error' in resolved) return failing(base, { flag: step.flag }, resolved.error);
      if ('none' in resolved) {
        const at = Number(resolved.from);
        return {
          ...base,
          inputs: { flag: step.flag, from: resolved.from },
          timeoutMs,
          run: async () => {
            // Nothing written, but an earlier unknown write may still land above it: guard the value it holds.
            this.verifiedFlag = { runId, flag: step.flag, value: at, by };
            return { outcome: 'ok', message: resolved.none, readBack: resolved.from };
          },
        };
      }
      target = resolved.to;
      from = resolved.from;
    }
    const value = target as FlagValue;
    return {
      ...base,
      inputs: { flag: step.flag, value: encodeValue(value), ...(from !== undefined ? { from } : {}) },
      timeoutMs,
      run: async ({ signal }) => {
        if (earlier) {
          // After a crash: if the write landed before it, do not send it again.
          const seen = await this.deps.flags.read(step.flag, signal).catch(() => undefined);
          if (seen !== undefined && sameFlagValue(seen, value)) {
            this.verifiedFlag = { runId, flag: step.flag, value, by };
            return { outcome: 'ok', message: `read back ${describeFlagValue(seen)}: the write landed before the restart`, readBack: describeFlagValue(seen) };
          }
        }
        const result = await this.deps.flags.set(step.flag, value, signal);
        const verified = result.outcome === 'ok' && sameFlagValue(result.readBack, value);
        const outcome = result.outcome === 'ok' && !verified ? 'failed' : result.outcome;
        if (verified) this.verifiedFlag = { runId, flag: step.flag, value, by };
        return { outcome, message: result.message, readBack: result.readBack === undefined ? null : describeFlagValue(result.readBack) };
      },
      settle: async (signal) => {
        const seen = await this.deps.flags.read(step.flag, signal);
        return sameFlagValue(seen, value)
          ? { outcome: 'ok', message: `read-back shows ${describeFlagValue(seen)}`, readBack: describeFlagValue(seen) }
          : { outcome: 'unknown', message: `read-back shows ${describeFlagValue(seen)}, not ${describeFlagValue(value)}`, readBack: describeFlagValue(seen) };
      },
    };
  }

  private async resolveLastStable(flag: string, steps: readonly number[], timeoutMs: number): Promise<{ to: number; from: string } | { none: string; from: string } | { error: string }> {
    let current: FlagValue;
    try {
      current = await this.deps.flags.read(flag, AbortSignal.timeout(timeoutMs));
    } catch (error) {
      return { error: `could not read ${flag} to find its last stable step: ${messageOf(error)}` };
    }
    const percent = percentOf(current);
    if (percent === null) return { error: `${flag} reads ${describeFlagValue(current)}, which is not a percentage` };
    const to = lastStableStep(steps, percent);
    if (to === null) return { none: `${flag} is at ${percent}, already at or below its lowest step: nothing to drop`, from: String(percent) };
    return { to, from: String(percent) };
  }

  private setStep(active: ActiveRun, index: number, change: Partial<RollbackRun['steps'][number]>): void {
    active.view = { ...active.view, steps: active.view.steps.map((s) => (s.index === index ? { ...s, ...change } : s)) };
    this.emit(active.view);
  }

  private finish(view: RollbackRun, by: string | null, outcome: 'ok' | 'failed' | 'unknown', message: string, pressToVerifiedMs: number | null): RollbackRun {
    const entry = this.deps.journal.record('rollback.finished', by, { runId: view.id, outcome, message: this.deps.runner.redactor.redact(message), pressToVerifiedMs });
    const done: RollbackRun = { ...(this.active?.view.id === view.id ? this.active.view : view), endedAt: entry.ts, outcome, pressToVerifiedMs };
    this.last = done;
    if (this.active?.view.id === view.id) this.active = null;
    this.emit(done);
    return done;
  }

  private emit(run: RollbackRun): void {
    this.deps.onUpdate?.(run);
  }
}

/**
 * Checks the deliberate act for this plan. A plan that restores a database
 * overwrites data, so it asks for the environment's name typed even where
 * the profile's rule is to hold the button.
 */
export function checkPlanConfirmation(confirmation: RollbackConfirmation, plan: RollbackPlanConfig, profile: Pick<Profile, 'environment' | 'rollback'>): string {
  if (needsTypedConfirmation(plan) && confirmation.kind === 'automatic') {
    throw new FlightdeckError('forbidden', `Rollback not started: plan "${plan.name}" restores a database, which never starts automatically; a person must confirm it.`, { field: 'confirmation' });
  }
  if (needsTypedConfirmation(plan) && confirmation.kind === 'hold') {
    throw new FlightdeckError('forbidden', `Rollback not started: plan "${plan.name}" restores a database, so type the environment name "${profile.environment}" to confirm (holding the button is not enough).`, {
      field: 'confirmation',
    });
  }
  return checkConfirmation(confirmation, confirmModeOf(plan, profile.rollback.confirm), profile.environment);
}

/** The act a plan asks for: typing the environment's name when it restores a database, else the profile's rule. */
export function confirmModeOf(plan: RollbackPlanConfig, profileMode: 'hold' | 'type'): 'hold' | 'type' {
  return needsTypedConfirmation(plan) ? 'type' : profileMode;
}

/** The step with the fence run first, inside the step (after its intent is journaled, before it acts). */
function withFence(spec: ActionSpec, fence: (() => Promise<void>) | undefined): ActionSpec {
  if (!fence) return spec;
  return {
    ...spec,
    run: async (context) => {
      try {
        await fence();
      } catch (error) {
        // Refused before it acted: nothing was sent, so the step failed (not unknown).
        return { outcome: 'failed', message: messageOf(error) };
      }
      return spec.run(context);
    },
  };
}

function failing(base: Omit<ActionSpec, 'inputs' | 'timeoutMs' | 'run'>, inputs: Record<string, string>, message: string): ActionSpec {
  return { ...base, inputs, timeoutMs: 1000, run: async (): Promise<ActionResult> => ({ outcome: 'failed', message }) };
}

function newRunId(): string {
  return `rb-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export type { RunHistory };
