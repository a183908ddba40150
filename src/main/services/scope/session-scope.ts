/**
 * The one place where power is armed. Every per-session service that can
 * reach production (probes, flags, commands, backups, rollback) is built
 * here, into one disposable scope, and only from a TrustedProfile, which
 * only the trust store's check makes. The app (on each activation) and the
 * CLI (for one command) both build their services through this factory, so
 * the trust gate exists exactly once.
 */
import { dirname } from 'node:path';
import type { ActionRecord, RollbackRun } from '../../../shared/control-model';
import { FlightdeckError } from '../../../shared/errors';
import type { RunbookDoc } from '../../../shared/runbook-model';
import type { ActionJournal } from '../actions/action-journal';
import { ActionRunner, type ActionRunnerDeps, type ActionSpec } from '../actions/action-runner';
import { BackupService, backupRestorer, type BackupServiceDeps } from '../backups/backup-service';
import { CommandPolicy } from '../commands/command-policy';
import { CommandRunner } from '../commands/command-runner';
import { CommandService, type NativeRunners } from '../commands/command-service';
import type { FlagValue } from '../flags/flag-backend';
import type { GuardEnd, GuardEvent } from '../flags/flag-guard';
import { FlagService } from '../flags/flag-service';
import { createProbe } from '../probes/create-probe';
import type { Probe } from '../probes/probe';
import type { ProbeConfig } from '../profile/probes-schema';
import type { Profile } from '../profile/profile-schema';
import { flagSetterFromBackends, probeHealthWaiter, type FlagSetter, type HealthWaiter } from '../rollback/rollback-ports';
import { RollbackService } from '../rollback/rollback-service';
import type { TrustedProfile } from '../trust/trust-store';
import type { SecretRedactor } from '../vault/redactor';
import type { SecretResolver } from '../vault/secrets';

export interface SessionScopeDeps {
  journal: ActionJournal;
  /** A team session's single-flight fence, run before each rollback step acts (rollback-service.ts). */
  fence?: () => Promise<void>;
  secrets: SecretResolver;
  redactor: SecretRedactor;
  /** Where a target that names no backup dir keeps its backups. */
  defaultBackupRoot: string;
  /** Where a profile-relative path is resolved from when the profile has no file. */
  fallbackDir: string;
  /** The runbook whose recognised code-block lines become commands; null from the CLI. */
  doc?: RunbookDoc | null;
  /**
   * How a rollback waits for health: the app passes its telemetry's
   * waiter; absent, the scope probes the profile's probes itself.
   */
  health?: HealthWaiter;
  /** Where PATH, HOME and LANG come from for children (process.env by default). */
  baseEnv?: NodeJS.ProcessEnv;
  /** Checklist items that a target's verified backup ticks. */
  backupItems?: Record<string, string | null>;
  /** Delays between the flag service's own re-reads of an unknown write; [] leaves settling to the rollback guard (the CLI). */
  settleDelaysMs?: readonly number[];
  on?: {
    /** Each event of the rollback guard as it happens (the CLI prints them). */
    guardEvent?: (event: GuardEvent) => void;
    /** A verified flag step is now guarded until earlier unknown writes are settled; `end` says how that ended. */
    guardStarted?: (guard: { flag: string; value: FlagValue; end: Promise<GuardEnd> }) => void;
    actionUpdated?: ActionRunnerDeps['onUpdate'];
    commandOutput?: ActionRunnerDeps['onOutput'];
    backupProgress?: BackupServiceDeps['onProgress'];
    backupsChanged?: () => void;
    rollbackProgress?: (run: RollbackRun) => void;
  };
  /** Starts a backup on behalf of a recognised dump line (the app's, which ticks items). */
  startBackup?: (backup: string, by: string | null) => Promise<ActionRecord>;
}

export interface SessionScope {
  readonly trusted: TrustedProfile;
  readonly profile: Profile;
  readonly runner: ActionRunner;
  readonly flags: FlagService;
  readonly commandRunner: CommandRunner;
  readonly commands: CommandService;
  readonly backups: BackupService;
  readonly rollback: RollbackService;
  /** A probe of this profile, for telemetry and one-off checks; the caller closes it. */
  createProbe(config: ProbeConfig): Probe;
  /** Cancels backups, closes connections; a running rollback is awaited first when asked. */
  dispose(options?: { waitForRollback?: boolean }): Promise<void>;
}

export function createSessionScope(trusted: TrustedProfile, deps: SessionScopeDeps): SessionScope {
  const profile = trusted.profile;
  const { journal, secrets, redactor } = deps;
  const on = deps.on ?? {};
  const runner = new ActionRunner({ journal, redactor, ...(on.actionUpdated ? { onUpdate: on.actionUpdated } : {}), ...(on.commandOutput ? { onOutput: on.commandOutput } : {}) });
  const flags = new FlagService({
    flags: profile.flags,
    secrets,
    journal,
    redactor,
    ...(deps.settleDelaysMs ? { settleDelaysMs: deps.settleDelaysMs } : {}),
    ...(on.guardEvent ? { onGuardEvent: on.guardEvent } : {}),
  });
  const backups = new BackupService({
    targets: profile.backups,
    baseDir: trusted.file ? dirname(trusted.file) : deps.fallbackDir,
    defaultRoot: deps.defaultBackupRoot,
    secrets,
    journal,
    runner,
    ...(deps.backupItems ? { items: deps.backupItems } : {}),
    ...(on.backupProgress ? { onProgress: on.backupProgress } : {}),
    ...(on.backupsChanged ? { onChange: on.backupsChanged } : {}),
  });
  const policy = new CommandPolicy(profile.commands.allow, deps.baseEnv?.PATH ?? process.env.PATH ?? '');
  const commandRunner = new CommandRunner({ policy, env: profile.commands.env, secrets, runner, ...(deps.baseEnv ? { baseEnv: deps.baseEnv } : {}) });
  // Readings pass the redactor before they reach the store, the events and metrics.jsonl.
  const probe = (config: ProbeConfig) => createProbe(config, { secrets, clock: Date.now, redactor });

  // Probes of the scope's own health waiter (the CLI's); telemetry's are its own.
  const ownProbes = deps.health ? null : new Map(profile.probes.map((p) => [p.name, probe(p)] as const));
  const natives: NativeRunners = {
    flag: (flag, value, by) => flags.setValue(flag, value, by),
    probe: (name, by) => runner.run(probeAction(profile, name, probe, by)),
    ...(deps.startBackup ? { backup: deps.startBackup } : {}),
  };
  const commands = new CommandService({ profile, doc: deps.doc ?? null, policy, runner: commandRunner, natives });
  const rollback = new RollbackService({
    profile,
    journal,
    runner,
    flags: queuedFlagSetter(flags, flagSetterFromBackends(new Map(profile.flags.map((f) => [f.name, { backend: flags.backend(f.name), timeoutMs: f.timeoutMs }])))),
    health: deps.health ?? probeHealthWaiter(ownProbes!),
    commands: commandRunner,
    restore: backupRestorer(backups),
    // The rollback guard: a verified flag step stays verified, or the alarm says why not.
    guard: ({ runId, flag, value, by }) => {
      const end = flags.guardRollback(runId, flag, value, by);
      end.catch(() => undefined);
      on.guardStarted?.({ flag, value, end });
    },
    ...(on.rollbackProgress ? { onUpdate: on.rollbackProgress } : {}),
    ...(deps.fence ? { fence: deps.fence } : {}),
  });

  return {
    trusted,
    profile,
    runner,
    flags,
    commandRunner,
    commands,
    backups,
    rollback,
    createProbe: probe,
    async dispose(options = {}) {
      const running = options.waitForRollback ? rollback.running() : null;
      if (running) await running.finished.catch(() => undefined);
      backups.cancelAll();
      await backups.idle();
      await flags.close().catch(() => undefined);
      for (const p of ownProbes?.values() ?? []) await p.close().catch(() => undefined);
    },
  };
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
function probeAction(profile: Profile, name: string, createProbeOf: (config: ProbeConfig) => Probe, by: string | null): ActionSpec {
  const config = profile.probes.find((p) => p.name === name);
  if (!config) throw new FlightdeckError('not-found', `The profile has no probe "${name}".`, { field: 'probe' });
  return {
    kind: 'command',
    title: `Probe ${name}`,
    inputs: { probe: name },
    by,
    timeoutMs: config.timeoutMs + 1000,
    run: async ({ signal, output }) => {
      const probe = createProbeOf(config);
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
