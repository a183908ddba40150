/**
 * The profile's backups as actions: each backup of a target runs through
 * the action runner (intent journaled, a deadline, an honest outcome),
 * streams its progress, can be cancelled, and journals `backup.verified`
 * with its evidence once the files are complete and verified. A restore
 * verifies the backup's files before it writes anything to the database.
 *
 * After a crash, a backup the journal shows started and never finished is
 * closed as failed and its scratch files are removed: a clean restart,
 * never a half backup.
 */
import { resolve } from 'node:path';
import type { ActionRecord, BackupEvidence, BackupProgressEvent, BackupView } from '../../../shared/control-model';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';
import type { JournalEntry } from '../../../shared/session-model';
import type { ActionJournal } from '../actions/action-journal';
import { foldActionRecords, formatSeconds, type ActionResult, type ActionRunner, type StartedAction } from '../actions/action-runner';
import type { BackupTargetConfig } from '../profile/backups-schema';
import type { BackupRestorer } from '../rollback/rollback-ports';
import type { SecretResolver } from '../vault/secrets';
import type { BackupProgress } from './backup-engine';
import { listBackups, removePartials, runBackup, verifyBackupDir } from './backup-pipeline';
import { canRestore, createBackupEngine, OFFLINE_VERIFIERS, type EngineOptions } from './create-engine';

export interface BackupServiceDeps {
  targets: readonly BackupTargetConfig[];
  /** Where a relative `dir:` is resolved from: the profile file's folder. */
  baseDir: string;
  /** The root of a target that names no `dir:`: <data dir>/backups. */
  defaultRoot: string;
  secrets: SecretResolver;
  journal: ActionJournal;
  runner: ActionRunner;
  /** The checklist item each target's verified backup ticks (see backup-items.ts). */
  items?: Record<string, string | null>;
  onProgress?: (event: BackupProgressEvent) => void;
  /** Called when a backup starts or ends, so the owner can refresh what it shows. */
  onChange?: () => void;
  engineOptions?: EngineOptions;
}

export interface BackupRequest {
  backup: string;
  /** The checklist item this backup satisfies; the target's bound item when absent. */
  itemId?: string | null;
  /** Also load it into a scratch database or server (the target's restoreTest when absent). */
  restoreTest?: boolean;
}

export interface RestoreRequest {
  backup: string;
  clean?: boolean;
  /** A backup directory to restore; the newest complete backup of the target when absent. */
  dir?: string;
}

export const CANCELLED_MESSAGE = 'cancelled, nothing kept';
export const INTERRUPTED_BACKUP = 'interrupted by a crash; its partial files are removed and nothing from it is kept';
export const INTERRUPTED_RESTORE = 'interrupted by a crash while restoring; the database may be partly restored — check it by hand';

interface Running {
  controller: AbortController;
  done: Promise<unknown>;
  name: string;
  restoreTest: boolean;
  progress: BackupProgress | null;
}

export class BackupService {
  /** Resolves once the scratch files of backups a crash cut short are gone; no backup starts before. */
  readonly ready: Promise<string[]>;
  private readonly running = new Map<string, Running>();

  constructor(private readonly deps: BackupServiceDeps) {
    closeInterruptedBackups(deps.journal);
    this.ready = Promise.all(this.roots().map((root) => removePartials(root).catch(() => [] as string[]))).then((lists) => lists.flat());
  }

  targets(): readonly BackupTargetConfig[] {
    return this.deps.targets;
  }

  /** Where backups of a target are kept. */
  rootOf(target: BackupTargetConfig): string {
    return target.dir ? resolve(this.deps.baseDir, target.dir) : this.deps.defaultRoot;
  }

  /** Starts a backup; resolves once its intent is journaled. Progress streams meanwhile; `done` ends it. */
  async start(request: BackupRequest, by: string | null): Promise<StartedAction> {
    await this.ready;
    const target = this.target(request.backup);
    const busy = [...this.running.values()].find((r) => r.name === target.name);
    if (busy) throw new FlightdeckError('conflict', `A backup of ${target.name} is already running; wait for it or cancel it.`, { field: 'backup' });
    const restoreTest = request.restoreTest ?? target.restoreTest;
    const itemId = request.itemId === undefined ? (this.deps.items?.[target.name] ?? null) : request.itemId;
    const root = this.rootOf(target);
    const running: Running = { controller: new AbortController(), done: Promise.resolve(), name: target.name, restoreTest, progress: null };
    const timeoutMs = target.timeoutSeconds * 1000;
    const started = this.deps.runner.start({
      kind: 'backup',
      title: `Back up ${target.name} (${target.engine})${restoreTest ? ' with a restore test' : ''}`,
      inputs: { backup: target.name, engine: target.engine, source: target.url, root, restoreTest: String(restoreTest), ...(itemId ? { itemId } : {}) },
      by,
      // The backup keeps its own deadline (below) so that it ends failed with nothing kept; this one only catches a hang.
      timeoutMs: timeoutMs + 60_000,
      stopGraceMs: 10_000,
      run: ({ actionId }) => this.backUp(target, root, { actionId, itemId, restoreTest, by, running, timeoutMs }),
    });
    this.running.set(started.actionId, running);
    this.deps.onChange?.();
    running.done = started.done.finally(() => {
      this.running.delete(started.actionId);
      this.deps.onChange?.();
    });
    return started;
  }

  /** Runs a backup to its end (the CLI). */
  async run(request: BackupRequest, by: string | null): Promise<ActionRecord> {
    return (await this.start(request, by)).done;
  }

  /** Cancels a running backup: it ends failed and nothing of it is kept. */
  cancel(actionId: string): void {
    const running = this.running.get(actionId);
    if (!running) throw new FlightdeckError('not-found', `No backup ${actionId} is running.`, { field: 'actionId' });
    running.controller.abort(new Error(CANCELLED_MESSAGE));
  }

  /** Aborts every backup under way (the app closes or the profile changes). */
  cancelAll(): void {
    for (const running of this.running.values()) running.controller.abort(new Error(CANCELLED_MESSAGE));
  }

  /** Resolves when no backup of this service is running. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /**
   * Restores the newest complete backup of a target (or `dir`), after
   * verifying its files offline; nothing is written to the database before
   * that holds. Resolves with what was done; rejects with the reason.
   */
  async restore(request: RestoreRequest, signal: AbortSignal): Promise<string> {
    await this.ready;
    const target = this.target(request.backup);
    const dir = request.dir ?? (await this.newest(target));
    const { checks, meta } = await verifyBackupDir(dir, OFFLINE_VERIFIERS, signal);
    if (meta.engine !== target.engine) {
      throw new FlightdeckError('bad-input', `${dir} holds a ${meta.engine} backup, not one of ${target.name} (${target.engine}).`, { file: dir, field: 'backup' });
    }
    const engine = createBackupEngine(target, this.deps.secrets, this.deps.engineOptions);
    if (!canRestore(engine)) throw new FlightdeckError('unsupported', `Restoring ${target.engine} backups is not supported.`, { field: 'backup' });
    const done = await engine.restore(dir, { signal, progress: () => undefined }, { clean: request.clean === true });
    return `${done} (from ${dir}, verified first: ${checks.join('; ')})`;
  }

  /** A restore as an action of its own (kind "restore"), outside a rollback plan. */
  async runRestore(request: RestoreRequest, by: string | null): Promise<ActionRecord> {
    const target = this.target(request.backup);
    return this.deps.runner.run({
      kind: 'restore',
      title: `Restore ${target.name} (${target.engine})${request.clean ? ' with clean' : ''}`,
      inputs: { backup: target.name, clean: String(request.clean === true), ...(request.dir ? { dir: request.dir } : {}) },
      by,
      timeoutMs: target.timeoutSeconds * 1000,
      stopGraceMs: 10_000,
      run: async ({ signal }) => ({ outcome: 'ok', message: await this.restore(request, signal) }),
    });
  }

  /** What the renderer draws: every target, its run under way and its latest evidence from the journal. */
  views(): BackupView[] {
    const entries = this.deps.journal.entries();
    const evidence = latestEvidence(entries);
    const records = foldActionRecords(entries).filter((r) => r.kind === 'backup');
    return this.deps.targets.map((target) => {
      const running = [...this.running.entries()].find(([, r]) => r.name === target.name);
      const last = records.filter((r) => r.inputs.backup === target.name).at(-1);
      return {
        name: target.name,
        engine: target.engine,
        source: target.url,
        root: this.rootOf(target),
        itemId: this.deps.items?.[target.name] ?? null,
        running: running ? { actionId: running[0], restoreTest: running[1].restoreTest, progress: running[1].progress } : null,
        last: last ? { actionId: last.id, outcome: last.outcome, message: last.message, endedAt: last.endedAt, restoreTest: last.inputs.restoreTest === 'true' } : null,
        verified: evidence.get(target.name) ?? null,
      };
    });
  }

  private async backUp(
    target: BackupTargetConfig,
    root: string,
    run: { actionId: string; itemId: string | null; restoreTest: boolean; by: string | null; running: Running; timeoutMs: number },
  ): Promise<ActionResult> {
    const deadline = AbortSignal.timeout(run.timeoutMs);
    const signal = AbortSignal.any([run.running.controller.signal, deadline]);
    let result;
    try {
      const engine = createBackupEngine(target, this.deps.secrets, this.deps.engineOptions);
      result = await runBackup({
        engine,
        root,
        name: target.name,
        retention: target.retention,
        signal,
        verify: { restoreTest: run.restoreTest },
        onProgress: (progress) => {
          run.running.progress = progress;
          this.deps.onProgress?.({ actionId: run.actionId, name: target.name, progress });
        },
      });
    } catch (error) {
      if (run.running.controller.signal.aborted) return { outcome: 'failed', message: CANCELLED_MESSAGE };
      if (deadline.aborted) return { outcome: 'failed', message: `timed out after ${formatSeconds(run.timeoutMs)} (timeoutSeconds); nothing kept` };
      const message = messageOf(error);
      // The pipeline's own messages often say already that nothing was kept.
      return { outcome: 'failed', message: /nothing (was )?kept|was removed/.test(message) ? message : `${message}; nothing kept` };
    }
    const redact = (text: string) => this.deps.runner.redactor.redact(text);
    this.deps.journal.record('backup.verified', run.by, {
      actionId: run.actionId,
      name: target.name,
      engine: target.engine,
      location: result.dir,
      bytes: result.bytes,
      files: result.files.length,
      manifestSha256: result.manifestSha256,
      checks: result.checks.map(redact),
      itemId: run.itemId,
    });
    const removed = result.removedByRetention.length > 0 ? `; retention removed ${result.removedByRetention.length} older` : '';
    return { outcome: 'ok', message: `verified: ${formatBytes(result.bytes)} in ${result.files.length} files at ${result.dir}, manifest sha256 ${result.manifestSha256.slice(0, 12)}…${removed}` };
  }

  private async newest(target: BackupTargetConfig): Promise<string> {
    const root = this.rootOf(target);
    const listed = await listBackups(root, target.name);
    const newest = listed[0];
    if (!newest) throw new FlightdeckError('not-found', `There is no complete backup of ${target.name} under ${root} to restore.`, { field: 'backup' });
    return newest.dir;
  }

  private target(name: string): BackupTargetConfig {
    const target = this.deps.targets.find((t) => t.name === name);
    if (!target) {
      throw new FlightdeckError('not-found', `The profile has no backup "${name}" (backups: ${this.deps.targets.map((t) => t.name).join(', ') || 'none'}).`, { field: 'backup' });
    }
    return target;
  }

  private roots(): string[] {
    return [...new Set(this.deps.targets.map((t) => this.rootOf(t)))];
  }
}

/** The rollback's restore port bound to this service: what a plan's `{ restore: NAME }` step runs. */
export function backupRestorer(service: BackupService): BackupRestorer {
  return {
    restore: (backup, options, signal) => service.restore({ backup, clean: options.clean }, signal),
    timeoutSeconds: (backup) => service.targets().find((t) => t.name === backup)?.timeoutSeconds ?? 3600,
  };
}

/**
 * Ends, in the journal, every backup or restore that was started and never
 * finished (the process died mid-action): a backup as failed (its scratch
 * directory is never a backup, and is removed), a restore as unknown (the
 * database may hold part of it). Returns the action ids it closed.
 */
export function closeInterruptedBackups(journal: ActionJournal): string[] {
  // A restore inside a rollback plan is a rollback step: the rollback resumes (or refuses to repeat) it.
  const open = foldActionRecords(journal.entries()).filter((r) => (r.kind === 'backup' || r.kind === 'restore') && r.endedAt === null);
  for (const record of open) {
    const backup = record.kind === 'backup';
    journal.record('action.finished', record.by, { actionId: record.id, outcome: backup ? 'failed' : 'unknown', message: backup ? INTERRUPTED_BACKUP : INTERRUPTED_RESTORE, durationMs: 0 });
  }
  return open.map((r) => r.id);
}

function latestEvidence(entries: readonly JournalEntry[]): Map<string, BackupEvidence> {
  const restoreTests = new Set(entries.filter((e) => e.type === 'action.started' && e.data.kind === 'backup' && (e.data.inputs as Record<string, string>)?.restoreTest === 'true').map((e) => String(e.data.actionId)));
  const latest = new Map<string, BackupEvidence>();
  for (const entry of entries) {
    if (entry.type !== 'backup.verified') continue;
    const data = entry.data as Record<string, unknown>;
    latest.set(String(data.name), {
      actionId: String(data.actionId),
      at: entry.ts,
      by: entry.by,
      location: String(data.location),
      bytes: Number(data.bytes),
      files: Number(data.files),
      manifestSha256: String(data.manifestSha256),
      checks: Array.isArray(data.checks) ? data.checks.map(String) : [],
      restoreTested: restoreTests.has(String(data.actionId)),
    });
  }
  return latest;
}
