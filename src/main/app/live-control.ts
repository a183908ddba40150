/**
 * The control side for whatever is open: on each activation it builds the
 * action runner, flags, commands and rollback for the profile and the
 * session's journal, resumes a rollback that a crash interrupted, and
 * assembles the ControlState the renderer draws. Everything the renderer
 * can do to production passes through here.
 */
import { dirname } from 'node:path';
import type { ActionRecord, ControlState, FlagPreview, FlagView, PlanView, RollbackRun, VaultStatus } from '../../shared/control-model';
import { FlightdeckError } from '../../shared/errors';
import { isChecked } from '../../shared/session-model';
import { ActionRunner, type ActionSpec } from '../services/actions/action-runner';
import { bindBackupItems } from '../services/backups/backup-items';
import { BackupService, backupRestorer, closeInterruptedBackups, type BackupRequest } from '../services/backups/backup-service';
import { createProbe } from '../services/probes/create-probe';
import { CommandPolicy } from '../services/commands/command-policy';
import { CommandRunner } from '../services/commands/command-runner';
import { CommandService } from '../services/commands/command-service';
import { FlagService } from '../services/flags/flag-service';
import { ProfileSchema, type Profile } from '../services/profile/profile-schema';
import { flagSetterFromBackends, type FlagSetter } from '../services/rollback/rollback-ports';
import { checkPlanConfirmation, confirmModeOf, RollbackService, type RollbackRequest } from '../services/rollback/rollback-service';
import { stepTitle } from '../services/rollback/rollback-steps';
import { telemetryHealthWaiter } from '../services/telemetry/health-waiter';
import type { SecretRedactor } from '../services/vault/redactor';
import type { Vault } from '../services/vault/vault';
import type { Activation, Cockpit } from './cockpit';
import type { EventHub } from './event-hub';
import type { LiveTelemetry } from './live-telemetry';
import type { Logger } from './log';

export interface LiveControlDeps {
  cockpit: Cockpit;
  events: EventHub;
  vault: Vault;
  redactor: SecretRedactor;
  telemetry: LiveTelemetry;
  log: Logger;
  /** Where backups go when a target names no dir: <data dir>/backups. */
  backupsDir: string;
}

/** The services of one activation. */
interface Services {
  activation: Activation;
  profile: Profile;
  runner: ActionRunner;
  flags: FlagService;
  commands: CommandService;
  rollback: RollbackService;
  backups: BackupService;
  /** The "Backup verified (restore test ...)" item, if the runbook has one. */
  restoreTestItemId: string | null;
  off: Array<() => void>;
}

/** A rollback that an earlier activation started and that is still running on that activation's services. */
interface InheritedRun {
  rollback: RollbackService;
  finished: Promise<RollbackRun>;
}

const RECENT_ACTIONS = 50;

/** The journal author of a rollback nobody pressed for: the countdown of an opted-in trigger ran out. */
export const AUTOMATIC_BY = 'Flightdeck (automatic rollback)';

export class LiveControl {
  private services: Services | null = null;
  private revision = 0;
  /**
   * Re-activating (the same runbook opened again, a new session) must not
   * cut a rollback short or run it twice: the run goes on with the services
   * it started on, a press joins it, and the new services resume nothing
   * until it has ended.
   */
  private inherited: InheritedRun | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: LiveControlDeps) {
    const offActivated = deps.cockpit.onActivated((activation) => this.rebuild(activation));
    // A rollback journals every step: its session must stay open until the plan ends.
    const offGuard = deps.cockpit.guardSession(() => {
      const running = this.inherited?.rollback.running() ?? this.services?.rollback.running();
      if (running) {
        throw new FlightdeckError('conflict', `Rollback plan "${running.run.plan}" is running; wait for it to finish before opening another runbook or starting a new session.`);
      }
      // A backup journals its evidence into this session: finish or cancel it first.
      const backup = this.services?.backups.views().find((b) => b.running);
      if (backup) throw new FlightdeckError('conflict', `A backup of ${backup.name} is running; wait for it or cancel it before opening another runbook or starting a new session.`);
    });
    this.unsubscribe = () => {
      offActivated();
      offGuard();
    };
  }

  state(): ControlState {
    const s = this.services;
    const vault = this.vaultStatus();
    if (!s) {
      return { revision: ++this.revision, profile: null, profileError: null, vault, flags: [], commands: [], plans: [], defaultPlan: null, confirm: 'hold', actions: [], rollback: null, flagAlerts: [], backups: [], restoreTestItemId: null };
    }
    const loaded = s.activation.profile;
    return {
      revision: ++this.revision,
      profile: loaded ? { file: loaded.file, origin: s.activation.runbook.source.origin === 'demo' ? 'demo' : loaded.origin, environment: s.profile.environment } : null,
      profileError: s.activation.profileError,
      vault,
      flags: s.flags.views(),
      commands: s.commands.views(),
      plans: s.profile.rollback.plans.map((plan) => planView(plan, s.profile.rollback.confirm)),
      defaultPlan: s.profile.rollback.default ?? s.profile.rollback.plans[0]?.name ?? null,
      confirm: s.profile.rollback.confirm,
      actions: this.recentActions(s),
      rollback: this.inherited?.rollback.current() ?? s.rollback.current(),
      flagAlerts: s.flags.alerts(),
      backups: s.backups.views(),
      restoreTestItemId: s.restoreTestItemId,
    };
  }

  vaultStatus(): VaultStatus {
    return this.deps.vault.status(this.services?.activation.profile?.secrets ?? []);
  }

  async unlockVault(passphrase: string): Promise<VaultStatus> {
    await this.deps.vault.unlock(passphrase);
    return this.vaultChanged();
  }

  lockVault(): VaultStatus {
    this.deps.vault.lock();
    return this.vaultChanged();
  }

  putSecret(name: string, value: string): VaultStatus {
    this.deps.vault.put(name, value);
    return this.vaultChanged();
  }

  deleteSecret(name: string): VaultStatus {
    this.deps.vault.delete(name);
    return this.vaultChanged();
  }

  readFlag(flag: string): Promise<FlagView> {
    return this.require().flags.read(flag);
  }

  previewFlag(flag: string, percent: number): Promise<FlagPreview> {
    return this.require().flags.preview(flag, percent);
  }

  setFlag(flag: string, percent: number): Promise<ActionRecord> {
    return this.require().flags.set(flag, percent, this.deps.cockpit.operator());
  }

  runCommand(commandId: string): Promise<ActionRecord> {
    return this.require().commands.run(commandId, this.deps.cockpit.operator());
  }

  /**
   * The press. The rollback service records the press time first thing,
   * then the run goes on; the answer comes when the plan has finished, and
   * progress streams as rollbackProgress events meanwhile.
   */
  async startRollback(request: RollbackRequest): Promise<RollbackRun> {
    const s = this.require();
    if (s.profile.rollback.plans.length === 0) {
      throw new FlightdeckError('not-found', 'The deployment profile defines no rollback plan (rollback.plans).', { field: 'plan' });
    }
    const inherited = this.inherited?.rollback.running();
    if (inherited) {
      const plan = s.profile.rollback.plans.find((p) => p.name === inherited.run.plan) ?? { name: inherited.run.plan, steps: [] };
      checkPlanConfirmation(request.confirmation, plan, s.profile);
      if (request.plan !== undefined && request.plan !== inherited.run.plan) {
        throw new FlightdeckError('conflict', `Rollback plan "${inherited.run.plan}" is running; wait for it to finish before starting "${request.plan}".`, { field: 'plan' });
      }
      return inherited.finished;
    }
    const started = s.rollback.start(request, this.deps.cockpit.operator());
    return started.finished;
  }

  /**
   * The auto-rollback port: a rollback trigger the profile opted in held
   * for its duration and its countdown ran out with nobody cancelling. No
   * hold or typed name (nobody pressed anything); the journal's
   * rollback.started says "started automatically" with `why` (the trigger,
   * its value, the countdown), and its author is AUTOMATIC_BY, never the
   * operator. Joins a run already going, whatever plan it runs.
   */
  async startAutomaticRollback(plan: string | undefined, why: string): Promise<RollbackRun> {
    const s = this.require();
    const running = this.inherited?.rollback.running() ?? s.rollback.running();
    if (running) return running.finished;
    return s.rollback.start({ plan, confirmation: { kind: 'automatic', why } }, AUTOMATIC_BY).finished;
  }

  /**
   * Starts a backup of a profile target; answers once its intent is
   * journaled. When it ends verified, the checklist items it satisfies are
   * ticked by the operator (see tickVerifiedItems).
   */
  async startBackup(request: BackupRequest): Promise<ActionRecord> {
    const s = this.require();
    const started = await s.backups.start(request, this.deps.cockpit.operator());
    void started.done.then((record) => {
      if (record.outcome === 'ok' && this.services === s) this.tickVerifiedItems(s);
    });
    return started.record;
  }

  cancelBackup(actionId: string): { cancelled: boolean } {
    this.require().backups.cancel(actionId);
    return { cancelled: true };
  }

  /**
   * After a verified backup: an item is ticked once every target bound to
   * it has a verified backup in this session, and the restore-test item
   * once every target has one that passed a restore test. The tick is the
   * operator's, as if pressed; an item already ticked is left alone.
   */
  private tickVerifiedItems(s: Services): void {
    const views = s.backups.views();
    const due = new Set<string>();
    for (const itemId of new Set(views.map((v) => v.itemId).filter((id): id is string => id !== null))) {
      if (views.filter((v) => v.itemId === itemId).every((v) => v.verified !== null)) due.add(itemId);
    }
    if (s.restoreTestItemId && views.length > 0 && views.every((v) => v.verified?.restoreTested)) due.add(s.restoreTestItemId);
    const session = this.deps.cockpit.state().session;
    for (const itemId of due) {
      const item = s.activation.runbook.items.find((i) => i.id === itemId);
      if (!item || isChecked(session, itemId, item.checked)) continue;
      try {
        this.deps.cockpit.tick(itemId, true);
      } catch (error) {
        this.deps.log.error(`could not tick "${item.text}" after a verified backup`, error);
      }
    }
  }

  async close(): Promise<void> {
    this.unsubscribe();
    const s = this.services;
    this.services = null;
    await this.teardown(s, false);
  }

  private require(): Services {
    if (!this.services) throw new FlightdeckError('bad-input', 'No runbook is open.');
    return this.services;
  }

  private vaultChanged(): VaultStatus {
    this.changed();
    return this.vaultStatus();
  }

  private changed(): void {
    this.deps.events.emit('controlChanged', this.state());
  }

  private recentActions(s: Services): ActionRecord[] {
    const byId = new Map<string, ActionRecord>();
    for (const record of [...s.runner.recent(), ...s.flags.actions()]) byId.set(record.id, record);
    return [...byId.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(-RECENT_ACTIONS);
  }

  private rebuild(activation: Activation): void {
    const previous = this.services;
    this.services = null;
    const running = previous?.rollback.running();
    if (running) this.inherited = { rollback: previous!.rollback, finished: running.finished };
    void this.teardown(previous, true);
    const { events, vault, redactor } = this.deps;
    const profile = activation.profile?.profile ?? ProfileSchema.parse({});
    const journal = activation.journal;
    // Before the runner reads the journal, so it shows them as they ended.
    closeInterruptedBackups(journal);
    const runner = new ActionRunner({
      journal,
      redactor,
      onUpdate: (record) => events.emit('actionUpdated', record),
      onOutput: (chunk) => events.emit('commandOutput', chunk),
    });
    const flags = new FlagService({ flags: profile.flags, secrets: vault, journal });
    const items = bindBackupItems(activation.runbook, profile.backups);
    const backups = new BackupService({
      targets: profile.backups,
      baseDir: activation.profile ? dirname(activation.profile.file) : activation.sessionDir,
      defaultRoot: this.deps.backupsDir,
      secrets: vault,
      journal,
      runner,
      items: items.backup,
      onProgress: (event) => events.emit('backupProgress', event),
      onChange: () => {
        if (this.services?.backups === backups) this.changed();
      },
    });
    const policy = new CommandPolicy(profile.commands.allow);
    const commandRunner = new CommandRunner({ policy, env: profile.commands.env, secrets: vault, runner });
    const commands = new CommandService({
      profile,
      doc: activation.runbook,
      policy,
      runner: commandRunner,
      natives: {
        flag: (flag, value, by) => flags.setValue(flag, value, by),
        probe: (probe, by) => runner.run(probeAction(profile, probe, this.deps.vault, by)),
        backup: (name) => this.startBackup({ backup: name }),
      },
    });
    const rollback = new RollbackService({
      profile,
      journal,
      runner,
      flags: queuedFlagSetter(flags, flagSetterFromBackends(new Map(profile.flags.map((f) => [f.name, { backend: flags.backend(f.name), timeoutMs: f.timeoutMs }])))),
      health: telemetryHealthWaiter(() => this.deps.telemetry.current),
      commands: commandRunner,
      restore: backupRestorer(backups),
      // The rollback guard: a verified flag step stays verified, or the alarm says why not.
      guard: ({ runId, flag, value, by }) => void flags.guardRollback(runId, flag, value, by).catch((error: unknown) => this.deps.log.error(`guarding ${flag} after rollback ${runId} failed`, error)),
      onUpdate: (run) => {
        events.emit('rollbackProgress', run);
        // The rollback wrote flags behind the flag service's back: read them again.
        if (run.outcome !== 'running') void this.refreshFlags();
      },
    });
    const services: Services = { activation, profile, runner, flags, commands, rollback, backups, restoreTestItemId: items.restoreTest, off: [] };
    services.off.push(flags.onAction((record) => events.emit('actionUpdated', record)));
    services.off.push(flags.onChange(() => this.changed()));
    services.off.push(flags.onAlert((alert) => {
      this.deps.log.warn(`flag alarm: ${alert.message}`);
      this.changed();
    }));
    flags.startWatching();
    this.services = services;
    this.changed();
    void this.refreshFlags();
    const inherited = this.inherited;
    if (!inherited) {
      this.resumeRollback(services);
      return;
    }
    void inherited.finished
      .catch(() => undefined)
      .then(() => {
        if (this.inherited === inherited) this.inherited = null;
        if (this.services !== services) return;
        // Resumes nothing when the run ended; either way the panel shows how it ended.
        this.resumeRollback(services);
        this.changed();
      });
  }

  /** Continues a rollback the journal shows started and not finished (a crash mid-plan). */
  private resumeRollback(s: Services): void {
    const resumed = s.rollback.resume();
    if (resumed) {
      this.deps.log.warn(`resuming rollback plan "${resumed.run.plan}" that was interrupted`);
      resumed.finished.catch((error: unknown) => this.deps.log.error('resumed rollback failed', error));
    }
  }

  /** Reads every flag so the panel shows real values; a failure shows on the flag, not as an error. */
  private async refreshFlags(): Promise<void> {
    const s = this.services;
    if (!s) return;
    await Promise.all(s.profile.flags.map((f) => s.flags.read(f.name).catch(() => undefined)));
    if (this.services === s) this.changed();
  }

  /** `waitForRollback`: a run in flight keeps its flag backends until it ends (a rebuild; not at quit). */
  private async teardown(s: Services | null, waitForRollback: boolean): Promise<void> {
    if (!s) return;
    for (const off of s.off) off();
    const running = waitForRollback ? s.rollback.running() : null;
    if (running) await running.finished.catch(() => undefined);
    s.backups.cancelAll();
    await s.backups.idle();
    await s.flags.close().catch((error: unknown) => this.deps.log.error('closing flags failed', error));
  }
}

/** Rollback flag steps take their turn in the flag's write queue, behind any write already in flight. */
function queuedFlagSetter(flags: FlagService, inner: FlagSetter): FlagSetter {
  return {
    set: (flag, value, signal) => flags.exclusive(flag, () => inner.set(flag, value, signal)),
    read: (flag, signal) => inner.read(flag, signal),
  };
}

/**
 * A runbook's `curl …/health` whose URL is one of the profile's probes runs
 * as that probe, once, through the action runner: journaled, with a
 * deadline, with the same checks as the status light.
 */
function probeAction(profile: Profile, name: string, secrets: Vault, by: string | null): ActionSpec {
  const config = profile.probes.find((p) => p.name === name);
  if (!config) throw new FlightdeckError('not-found', `The profile has no probe "${name}".`, { field: 'probe' });
  return {
    kind: 'command',
    title: `Probe ${name}`,
    inputs: { probe: name },
    by,
    timeoutMs: config.timeoutMs + 1000,
    run: async ({ signal, output }) => {
      const probe = createProbe(config, { secrets });
      try {
        const reading = await probe.run(signal);
        output('stdout', `${reading.health}: ${reading.message}\n`);
        return { outcome: reading.health === 'down' ? 'failed' : 'ok', message: `${name} is ${reading.health}: ${reading.message}` };
      } finally {
        await probe.close();
      }
    },
  };
}

function planView(plan: Profile['rollback']['plans'][number], confirm: 'hold' | 'type'): PlanView {
  return {
    confirm: confirmModeOf(plan, confirm),
    name: plan.name,
    severity: plan.severity ?? null,
    description: plan.description ?? null,
    steps: plan.steps.map((step, index) => ({ index, title: stepTitle(step) })),
  };
}
