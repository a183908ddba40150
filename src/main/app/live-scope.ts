/**
 * The session scope of whatever is open. On each activation it disposes of
 * the previous scope and builds a new one through the one factory
 * (services/scope/session-scope.ts), and only when the activation carries
 * a trusted profile: in review mode there is no scope at all, so no probe,
 * flag, command, backup or rollback can run.
 *
 * Re-activating (the same runbook again, a new session, an approval) must
 * not cut a rollback short or run it twice: the run goes on with the scope
 * it started on, a press joins it, and the new scope resumes nothing until
 * it has ended.
 */
import type { ActionRecord, BackupView, RollbackRun } from '../../shared/control-model';
import { FlightdeckError, noRunbookOpen } from '../../shared/errors';
import { isChecked, type TickEvidence } from '../../shared/session-model';
import { formatBytes } from '../../shared/format';
import { bindBackupItems } from '../services/backups/backup-items';
import { withoutIgnoredBindings } from '../services/review/apply-overrides';
import { closeInterruptedBackups, type BackupRequest } from '../services/backups/backup-service';
import type { HealthWaiter } from '../services/rollback/rollback-ports';
import type { RollbackService } from '../services/rollback/rollback-service';
import { createSessionScope, type SessionScope } from '../services/scope/session-scope';
import type { SecretRedactor } from '../services/vault/redactor';
import type { SecretResolver } from '../services/vault/secrets';
import type { Activation, Cockpit } from './cockpit';
import type { EventHub } from './event-hub';
import type { Logger } from './log';

export interface LiveScopeDeps {
  cockpit: Cockpit;
  /** Before each rollback step acts: a team session's single flight (live-team-sync.ts); resolves at once otherwise. */
  fence?: () => Promise<void>;
  events: EventHub;
  secrets: SecretResolver;
  redactor: SecretRedactor;
  /** How rollbacks wait for health: the live telemetry's waiter. */
  health: HealthWaiter;
  log: Logger;
  /** Where backups go when a target names no dir: <data dir>/backups. */
  backupsDir: string;
}

interface InheritedRun {
  rollback: RollbackService;
  finished: Promise<RollbackRun>;
}

export class LiveScope {
  private scope: SessionScope | null = null;
  private activation: Activation | null = null;
  private restoreTestItemId: string | null = null;
  private inherited: InheritedRun | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly deps: LiveScopeDeps) {
    this.unsubscribe.push(deps.cockpit.onActivated((activation) => this.rebuild(activation)));
    // A rollback journals every step, a backup its evidence: the session must stay open until they end.
    this.unsubscribe.push(
      deps.cockpit.guardSession(() => {
        const running = this.runningRollback();
        if (running) throw new FlightdeckError('conflict', `Rollback plan "${running.run.plan}" is running; wait for it to finish before opening another runbook or starting a new session.`);
        const backup = this.scope?.backups.views().find((b) => b.running);
        if (backup) throw new FlightdeckError('conflict', `A backup of ${backup.name} is running; wait for it or cancel it before opening another runbook or starting a new session.`);
      }),
    );
  }

  /** The armed scope, or null in review mode (or with nothing open). */
  get current(): SessionScope | null {
    return this.scope;
  }

  get currentActivation(): Activation | null {
    return this.activation;
  }

  /** The "Backup verified (restore test …)" item of the open runbook, if any. */
  get restoreTestItem(): string | null {
    return this.restoreTestItemId;
  }

  /** The scope, or a refusal that says why there is none. */
  require(): SessionScope {
    if (this.scope) return this.scope;
    if (!this.activation) throw noRunbookOpen();
    const trust = this.activation.trust.view;
    if (trust.state === 'untrusted' || trust.state === 'changed') {
      throw new FlightdeckError('forbidden', `Review mode: ${this.activation.runbook.source.name} is not trusted${trust.state === 'changed' ? ' since it changed' : ''}, so nothing in it may act. Review and trust it first.`);
    }
    throw new FlightdeckError('not-found', 'This runbook has no deployment profile, so there is nothing to act on.');
  }

  /** A rollback still running, on this scope or on the one before it. */
  runningRollback(): ReturnType<RollbackService['running']> {
    return this.inherited?.rollback.running() ?? this.scope?.rollback.running() ?? null;
  }

  currentRollback(): RollbackRun | null {
    return this.inherited?.rollback.current() ?? this.scope?.rollback.current() ?? null;
  }

  /** Something the renderer's control view shows changed (scope rebuilt, a backup started or ended). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Starts a backup; answers once its intent is journaled. When it ends
   * verified, the checklist items it satisfies are ticked by the operator.
   */
  async startBackup(request: BackupRequest, by: string | null): Promise<ActionRecord> {
    const scope = this.require();
    const started = await scope.backups.start(request, by);
    void started.done.then((record) => {
      if (record.outcome === 'ok' && this.scope === scope) this.tickVerifiedItems(scope);
    });
    return started.record;
  }

  async close(): Promise<void> {
    for (const off of this.unsubscribe.splice(0)) off();
    const scope = this.scope;
    this.scope = null;
    await scope?.dispose().catch((error: unknown) => this.deps.log.error('closing the session scope failed', error));
  }

  private rebuild(activation: Activation): void {
    const previous = this.scope;
    this.scope = null;
    this.activation = activation;
    const running = previous?.rollback.running();
    if (running) this.inherited = { rollback: previous!.rollback, finished: running.finished };
    void previous?.dispose({ waitForRollback: true }).catch((error: unknown) => this.deps.log.error('closing the session scope failed', error));
    const profile = activation.trust.trusted?.profile;
    const items = withoutIgnoredBindings(bindBackupItems(activation.runbook, profile?.backups ?? []), activation.runbook, profile?.overrides);
    this.restoreTestItemId = items.restoreTest;
    const trusted = activation.trust.trusted;
    if (!trusted) {
      this.changed();
      return;
    }
    const { events } = this.deps;
    // Before the runner reads the journal, so it shows them as they ended.
    closeInterruptedBackups(activation.journal);
    const scope: SessionScope = createSessionScope(trusted, {
      journal: activation.journal,
      ...(this.deps.fence ? { fence: this.deps.fence } : {}),
      secrets: this.deps.secrets,
      redactor: this.deps.redactor,
      defaultBackupRoot: this.deps.backupsDir,
      fallbackDir: activation.sessionDir,
      doc: activation.runbook,
      health: this.deps.health,
      backupItems: items.backup,
      startBackup: (backup, by) => this.startBackup({ backup }, by),
      on: {
        actionUpdated: (record) => events.emit('actionUpdated', record),
        commandOutput: (chunk) => events.emit('commandOutput', chunk),
        backupProgress: (event) => events.emit('backupProgress', event),
        backupsChanged: () => {
          if (this.scope === scope) this.changed();
        },
        rollbackProgress: (run) => {
          events.emit('rollbackProgress', run);
          // The rollback wrote flags behind the flag service's back: read them again.
          if (run.outcome !== 'running') void this.refreshFlags();
        },
      },
    });
    scope.flags.onAction((record) => events.emit('actionUpdated', record));
    scope.flags.onChange(() => {
      if (this.scope === scope) this.changed();
    });
    scope.flags.onAlert((alert) => {
      this.deps.log.warn(`flag alarm: ${alert.message}`);
      if (this.scope === scope) this.changed();
    });
    // A flag changed outside Flightdeck (or lost in a restart) is seen by re-reading it on the profile's interval.
    scope.flags.startWatching();
    this.scope = scope;
    this.changed();
    void this.refreshFlags();
    const inherited = this.inherited;
    if (!inherited) {
      this.resumeRollback(scope);
      return;
    }
    void inherited.finished
      .catch(() => undefined)
      .then(() => {
        if (this.inherited === inherited) this.inherited = null;
        if (this.scope !== scope) return;
        // Resumes nothing when the run ended; either way the panel shows how it ended.
        this.resumeRollback(scope);
        this.changed();
      });
  }

  /** Continues a rollback the journal shows started and not finished (a crash mid-plan). */
  private resumeRollback(scope: SessionScope): void {
    const resumed = scope.rollback.resume();
    if (resumed) {
      this.deps.log.warn(`resuming rollback plan "${resumed.run.plan}" that was interrupted`);
      resumed.finished.catch((error: unknown) => this.deps.log.error('resumed rollback failed', error));
    }
  }

  /** Reads every flag so the panel shows real values; a failure shows on the flag, not as an error. */
  private async refreshFlags(): Promise<void> {
    const scope = this.scope;
    if (!scope) return;
    await Promise.all(scope.profile.flags.map((f) => scope.flags.read(f.name).catch(() => undefined)));
    if (this.scope === scope) this.changed();
  }

  /**
   * After a verified backup: an item is ticked once every target bound to
   * it has a verified backup in this session, and the restore-test item
   * once every target has one that passed a restore test. The tick is the
   * operator's, as if pressed (they pressed the item's own backup button),
   * and carries the backups' evidence; an item already ticked is left alone.
   */
  private tickVerifiedItems(scope: SessionScope): void {
    const views = scope.backups.views();
    const due = new Map<string, TickEvidence>();
    for (const itemId of new Set(views.map((v) => v.itemId).filter((id): id is string => id !== null))) {
      const bound = views.filter((v) => v.itemId === itemId);
      if (bound.every((v) => v.verified !== null)) due.set(itemId, backupEvidence(bound, 'backup'));
    }
    if (this.restoreTestItemId && views.length > 0 && views.every((v) => v.verified?.restoreTested)) due.set(this.restoreTestItemId, backupEvidence(views, 'restore-test'));
    const session = this.deps.cockpit.state().session;
    for (const [itemId, evidence] of due) {
      const item = this.activation?.runbook.items.find((i) => i.id === itemId);
      if (!item || isChecked(session, itemId, item.checked)) continue;
      try {
        this.deps.cockpit.tick(itemId, true, evidence);
      } catch (error) {
        this.deps.log.error(`could not tick "${item.text}" after a verified backup`, error);
      }
    }
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** What the verified backups of an item show: each target's size and manifest checksum, the newest time and who ran it. */
function backupEvidence(views: readonly BackupView[], act: 'backup' | 'restore-test'): TickEvidence {
  const verified = views.flatMap((v) => (v.verified ? [{ name: v.name, ...v.verified }] : []));
  const newest = verified.reduce((a, b) => (a.at >= b.at ? a : b));
  const what = verified.map((v) => `${v.name} (${v.files} files, ${formatBytes(v.bytes)})`).join(', ');
  return {
    act,
    what: act === 'backup' ? `verified backup of ${what}` : `restore test of ${what} passed`,
    readBack: verified.map((v) => `manifest sha256 ${v.manifestSha256}`).join(', '),
    at: newest.at,
    by: newest.by,
  };
}
