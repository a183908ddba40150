/**
 * The commands the cockpit offers: the profile's named commands and the
 * runbook's recognised code-block lines, with the reason when one is
 * copy-only, and `run(commandId)` behind the runCommand call. A process
 * runs through the CommandRunner; a native action (a flag write, a probe)
 * goes to the service that owns it, so it gets that service's honesty.
 */
import { withoutIgnoredCommands } from '../review/apply-overrides';
import type { ActionRecord, CommandView } from '../../../shared/control-model';
import { FlightdeckError } from '../../../shared/errors';
import type { RunbookDoc } from '../../../shared/runbook-model';
import type { FlagValue } from '../flags/flag-backend';
import type { Profile } from '../profile/profile-schema';
import type { CommandPolicy } from './command-policy';
import type { CommandRunner } from './command-runner';
import { profileCommands, recogniseContext, recogniseRunbook, type RecognisedCommand } from './recognise';

/** Native actions a recognised line may stand for; absent ones make such lines copy-only. */
export interface NativeRunners {
  flag?: (flag: string, value: FlagValue, by: string | null) => Promise<ActionRecord>;
  probe?: (probe: string, by: string | null) => Promise<ActionRecord>;
  /** Starts a backup of the profile's target; answers once it is journaled (progress streams). */
  backup?: (backup: string, by: string | null) => Promise<ActionRecord>;
}

export interface CommandServiceDeps {
  profile: (Pick<Profile, 'commands' | 'flags' | 'probes'> & Partial<Pick<Profile, 'backups'>>) | null;
  doc: RunbookDoc | null;
  policy: CommandPolicy;
  runner: CommandRunner;
  natives?: NativeRunners;
}

export class CommandService {
  private readonly commands: RecognisedCommand[];

  constructor(private readonly deps: CommandServiceDeps) {
    const profile = deps.profile ?? { commands: { allow: [], env: {}, timeoutSeconds: 120, named: {} }, flags: [], probes: [] };
    const context = recogniseContext(profile as Profile, (program) => deps.policy.isAllowed(program));
    const fromRunbook = deps.doc ? withoutIgnoredCommands(recogniseRunbook(deps.doc, context), (profile as Partial<Profile>).overrides) : [];
    const all = [...profileCommands(profile.commands.named, context), ...fromRunbook];
    this.commands = all.map((command) => this.withNativeSupport(command));
  }

  /** What the renderer sees: no runner details. */
  views(): CommandView[] {
    return this.commands.map(({ action: _action, ...view }) => view);
  }

  async run(commandId: string, by: string | null): Promise<ActionRecord> {
    const command = this.commands.find((c) => c.id === commandId);
    if (!command) throw new FlightdeckError('not-found', `There is no command "${commandId}" in this runbook or profile.`, { field: 'commandId' });
    if (!command.runnable || !command.action) {
      throw new FlightdeckError('forbidden', `"${command.title}" is copy-only: ${command.reason ?? 'it cannot run here'}.`, { field: 'commandId', ...(command.line !== null ? { line: command.line } : {}) });
    }
    const action = command.action;
    switch (action.kind) {
      case 'flag':
        return this.deps.natives!.flag!(action.flag, action.value, by);
      case 'probe':
        return this.deps.natives!.probe!(action.probe, by);
      case 'backup':
        return this.deps.natives!.backup!(action.backup, by);
      case 'process': {
        const commands = this.deps.profile?.commands;
        const named = command.source === 'profile' ? commands?.named[command.title] : undefined;
        const timeoutMs = (named?.timeoutSeconds ?? commands?.timeoutSeconds ?? 120) * 1000;
        return this.deps.runner.run({ argv: action.argv, timeoutMs, by, title: command.title });
      }
    }
  }

  /** A native line whose service is not wired here falls back to the process rule (allowlist). */
  private withNativeSupport(command: RecognisedCommand): RecognisedCommand {
    const action = command.action;
    if (action?.kind === 'backup' && !this.deps.natives?.backup) {
      // Never the dump line as a process: a backup is the native one or nothing.
      return { ...command, runnable: false, reason: 'backups cannot run here', action: null };
    }
    const missing = (action?.kind === 'flag' && !this.deps.natives?.flag) || (action?.kind === 'probe' && !this.deps.natives?.probe);
    if (!missing) return command;
    const allowed = this.deps.policy.isAllowed(command.argv[0] ?? '');
    return { ...command, runnable: allowed, reason: allowed ? null : "not on the profile's allowlist", action: allowed ? { kind: 'process', argv: command.argv } : null };
  }
}
