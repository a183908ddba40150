/**
 * The control calls of the contract, for whatever is open: flags, commands,
 * the rollback button, backups and the vault. It builds nothing itself:
 * every service that can act comes from the live session scope
 * (live-scope.ts), which exists only for a trusted runbook, and this class
 * assembles the ControlState the renderer draws.
 */
import type { ActionRecord, ControlState, TickOffer, FlagPreview, FlagView, PlanView, RollbackRun, VaultStatus } from '../../shared/control-model';
import { FlightdeckError } from '../../shared/errors';
import type { FlagHold } from '../../shared/flag-holds';
import type { BackupRequest } from '../services/backups/backup-service';
import type { Profile } from '../services/profile/profile-schema';
import { checkPlanConfirmation, confirmModeOf, type RollbackRequest } from '../services/rollback/rollback-service';
import { stepTitle } from '../services/rollback/rollback-steps';
import type { SessionScope } from '../services/scope/session-scope';
import { normaliseScope } from '../services/vault/secret-scope';
import type { Vault } from '../services/vault/vault';
import type { Cockpit } from './cockpit';
import type { EventHub } from './event-hub';
import type { LiveScope } from './live-scope';

export interface LiveControlDeps {
  cockpit: Cockpit;
  events: EventHub;
  vault: Vault;
  scope: LiveScope;
  /** What holds a flag write now (LiveGates.holdsOnWrite, gate-policy.ts); absent: nothing does. */
  holds?: (flag: string, from: unknown, to: number) => FlagHold[];
  /**
   * A team session's single flight for a flag write (live-team-sync.ts):
   * resolves with the release once this laptop may write, throws naming
   * the member who holds it; absent or not joined: writes go at once.
   */
  flagFlight?: (flag: string) => Promise<() => Promise<void>>;
  /** Items Flightdeck offers to tick (live-ticks.ts); absent: none. */
  ticks?: { list(): TickOffer[]; onChange(listener: () => void): () => void };
}

/** A deliberate override of the holds on a flag raise: the person's reason, journaled as gate.overridden. */
export interface GateOverride {
  reason: string;
}

const RECENT_ACTIONS = 50;

/** The journal author of a rollback nobody pressed for: the countdown of an opted-in trigger ran out. */
export const AUTOMATIC_BY = 'Flightdeck (automatic rollback)';

export class LiveControl {
  private revision = 0;
  private readonly unsubscribe: () => void;
  private readonly unsubscribeTicks: () => void;

  constructor(private readonly deps: LiveControlDeps) {
    this.unsubscribe = deps.scope.onChange(() => this.changed());
    this.unsubscribeTicks = deps.ticks?.onChange(() => this.changed()) ?? (() => undefined);
  }

  state(): ControlState {
    const s = this.deps.scope.current;
    const activation = this.deps.scope.currentActivation;
    const vault = this.vaultStatus();
    const loaded = activation?.profile ?? null;
    const profile = activation && loaded ? { file: loaded.file, origin: activation.runbook.source.origin === 'demo' ? ('demo' as const) : loaded.origin === 'upload' ? ('file' as const) : loaded.origin, environment: loaded.profile.environment } : null;
    if (!s || !activation) {
      // Review mode: the profile and the vault show (a secret can be stored, scoped), but nothing can act.
      return { revision: ++this.revision, profile, profileError: activation?.profileError ?? null, vault, flags: [], commands: [], plans: [], defaultPlan: null, confirm: 'hold', actions: [], rollback: this.deps.scope.currentRollback(), flagAlerts: [], backups: [], restoreTestItemId: null, tickOffers: [] };
    }
    return {
      revision: ++this.revision,
      profile,
      profileError: activation.profileError,
      vault,
      flags: s.flags.views(),
      commands: s.commands.views(),
      plans: s.profile.rollback.plans.map((plan) => planView(plan, s.profile.rollback.confirm)),
      defaultPlan: s.profile.rollback.default ?? s.profile.rollback.plans[0]?.name ?? null,
      confirm: s.profile.rollback.confirm,
      actions: recentActions(s),
      rollback: this.deps.scope.currentRollback(),
      flagAlerts: s.flags.alerts(),
      backups: s.backups.views(),
      restoreTestItemId: this.deps.scope.restoreTestItem,
      tickOffers: this.deps.ticks?.list() ?? [],
    };
  }

  vaultStatus(): VaultStatus {
    return this.deps.vault.status(this.deps.scope.currentActivation?.profile?.secrets ?? []);
  }

  async unlockVault(passphrase: string): Promise<VaultStatus> {
    await this.deps.vault.unlock(passphrase);
    return this.vaultChanged();
  }

  lockVault(): VaultStatus {
    this.deps.vault.lock();
    return this.vaultChanged();
  }

  /** The scope is the operator's word: normalised and checked by the vault (normaliseScope), which refuses Flightdeck's own local destinations from here. */
  putSecret(name: string, value: string, scope: readonly string[]): VaultStatus {
    this.deps.vault.put(name, value, normaliseScope(scope));
    return this.vaultChanged();
  }

  setSecretScope(name: string, scope: readonly string[]): VaultStatus {
    this.deps.vault.setScope(name, scope);
    return this.vaultChanged();
  }

  deleteSecret(name: string): VaultStatus {
    this.deps.vault.delete(name);
    return this.vaultChanged();
  }

  readFlag(flag: string): Promise<FlagView> {
    return this.deps.scope.require().flags.read(flag);
  }

  previewFlag(flag: string, percent: number): Promise<FlagPreview> {
    return this.deps.scope.require().flags.preview(flag, percent);
  }

  /**
   * A flag write. A raise a gate holds (a red trigger firing, a gate with no
   * go) is refused unless it carries an override with a reason; the override
   * is journaled (gate.overridden: the flag, from, to, the reason and what
   * held it) before the write starts. Lowering is never held.
   */
  async setFlag(flag: string, percent: number, override?: GateOverride): Promise<ActionRecord> {
    const s = this.deps.scope.require();
    const from = s.flags.views().find((f) => f.name === flag)?.value ?? null;
    const holds = this.deps.holds?.(flag, from, percent) ?? [];
    if (holds.length > 0) {
      const why = holds.map((h) => h.reason).join(' ');
      const reason = override?.reason.trim() ?? '';
      if (reason === '') {
        throw new FlightdeckError('conflict', `Raising ${flag} to ${percent}% is held: ${why} Decide at the gate, or override with a reason.`, { field: 'override' });
      }
      this.deps.cockpit.activation()?.journal.record('gate.overridden', this.deps.cockpit.operator(), {
        flag,
        from: from === null ? null : String(from),
        to: percent,
        reason,
        heldBy: holds.map((h) => ({ kind: h.kind, reason: h.reason })),
      });
    }
    const release = (await this.deps.flagFlight?.(flag)) ?? (async () => undefined);
    try {
      return await s.flags.set(flag, percent, this.deps.cockpit.operator());
    } finally {
      await release();
    }
  }

  runCommand(commandId: string): Promise<ActionRecord> {
    return this.deps.scope.require().commands.run(commandId, this.deps.cockpit.operator());
  }

  /**
   * The press. The rollback service records the press time first thing,
   * then the run goes on; the answer comes when the plan has finished, and
   * progress streams as rollbackProgress events meanwhile. A press while a
   * run goes on (on this scope or the one before) joins it.
   */
  async startRollback(request: RollbackRequest): Promise<RollbackRun> {
    const s = this.deps.scope.require();
    if (s.profile.rollback.plans.length === 0) {
      throw new FlightdeckError('not-found', 'The deployment profile defines no rollback plan (rollback.plans).', { field: 'plan' });
    }
    const running = this.deps.scope.runningRollback();
    if (running && s.rollback.running() !== running) {
      const plan = s.profile.rollback.plans.find((p) => p.name === running.run.plan) ?? { name: running.run.plan, steps: [] };
      checkPlanConfirmation(request.confirmation, plan, s.profile);
      if (request.plan !== undefined && request.plan !== running.run.plan) {
        throw new FlightdeckError('conflict', `Rollback plan "${running.run.plan}" is running; wait for it to finish before starting "${request.plan}".`, { field: 'plan' });
      }
      return running.finished;
    }
    return s.rollback.start(request, this.deps.cockpit.operator()).finished;
  }

  /**
   * The auto-rollback port: a rollback trigger the profile opted in held
   * for its duration and its countdown ran out with nobody cancelling. No
   * hold or typed name (nobody pressed anything); the journal's
   * rollback.started says "started automatically" with `why` (the trigger,
   * its value, the countdown), and its author is AUTOMATIC_BY, never the
   * operator. Joins a run already going, whatever plan it runs. Refused in
   * review mode: there is no scope to run it on.
   */
  async startAutomaticRollback(plan: string | undefined, why: string): Promise<RollbackRun> {
    const s = this.deps.scope.require();
    const running = this.deps.scope.runningRollback();
    if (running) return running.finished;
    return s.rollback.start({ plan, confirmation: { kind: 'automatic', why } }, AUTOMATIC_BY).finished;
  }

  /** Starts a backup of a profile target; answers once its intent is journaled. */
  startBackup(request: BackupRequest): Promise<ActionRecord> {
    return this.deps.scope.startBackup(request, this.deps.cockpit.operator());
  }

  cancelBackup(actionId: string): { cancelled: boolean } {
    this.deps.scope.require().backups.cancel(actionId);
    return { cancelled: true };
  }

  close(): void {
    this.unsubscribe();
    this.unsubscribeTicks();
  }

  private vaultChanged(): VaultStatus {
    this.changed();
    return this.vaultStatus();
  }

  private changed(): void {
    this.deps.events.emit('controlChanged', this.state());
  }
}

function recentActions(s: SessionScope): ActionRecord[] {
  const byId = new Map<string, ActionRecord>();
  for (const record of [...s.runner.recent(), ...s.flags.actions()]) byId.set(record.id, record);
  return [...byId.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt)).slice(-RECENT_ACTIONS);
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
