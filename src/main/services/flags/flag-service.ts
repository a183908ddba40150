/**
 * The profile's feature flags as the cockpit uses them: their last read
 * value, a bucketing preview of a change, and writes with honest outcomes
 * (flag-writer.ts), journaled, one at a time per flag. A write that ends
 * unknown is re-read on a schedule (and on `reconcile`) until a read-back
 * settles it; unknown writes left in the journal by an earlier run are
 * picked up at construction.
 *
 * Two watches keep the view true between writes: `startWatching()`
 * re-reads each flag every flags[].watchSeconds and journals a drift from
 * what Flightdeck last wrote (flag.drifted, an alert); and
 * `guardRollback()` hands the unknown writes of a flag a rollback has just
 * verified to the rollback guard (flag-guard.ts), which alone settles them
 * from then on, so a late landing is overridden, never settled as ok.
 */
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { ActionRecord, FlagAlert, FlagPreview, FlagView } from '../../../shared/control-model';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import type { ActionJournal } from '../actions/action-journal';
import type { FlagConfig } from '../profile/flags-schema';
import { secretNames } from '../profile/secret-ref';
import type { Redactor, SecretResolver } from '../vault/secrets';
import { previewBucketing } from './bucketing';
import { flagBackendDestination } from './backend-destination';
import { createFlagBackend, type FlagBackendDeps } from './create-backend';
import { withDeadline } from './deadline';
import { describeFlagValue, sameFlagValue, type FlagBackend, type FlagValue } from './flag-backend';
import { FlagGuard, recordDrift, type GuardEnd, type GuardEvent } from './flag-guard';
import { JournalingFailed, setFlag, settleFlagWrite, unsettledFlagWrites, type FlagWriteResult, type PendingFlagWrite, type SetFlagOptions } from './flag-writer';

export interface FlagServiceDeps {
  flags: readonly FlagConfig[];
  secrets: SecretResolver;
  /** The session's journal; null refuses writes (every action must be journaled). */
  journal: ActionJournal | null;
  dispatcher?: Dispatcher;
  /** Builds a flag's backend; createFlagBackend unless a test needs otherwise. */
  createBackend?: (config: FlagConfig, deps: FlagBackendDeps) => FlagBackend;
  now?: () => Date;
  /** Delays between automatic re-reads of an unknown write, in ms; [] turns them off. */
  settleDelaysMs?: readonly number[];
  /**
   * Hides every secret the vault knows in what a record or a read error
   * says: a backend's answer (an error body, a header it echoes) may quote
   * the token in any encoding, beyond the values a backend scrubs itself.
   */
  redactor?: Redactor;
  /** How often the rollback guard reads a guarded flag (flag-guard.ts GUARD_POLL_MS). */
  guardPollMs?: number;
  /** Every guard event as it happens (the CLI prints them). */
  onGuardEvent?: (event: GuardEvent) => void;
}

/** How a write is journaled when it is not a plain flag action (a rollback step). */
export interface FlagWriteOptions {
  kind?: 'flag' | 'rollback-step';
  runId?: string;
  step?: number;
  actionId?: string;
  title?: string;
}

export const DEFAULT_SETTLE_DELAYS_MS: readonly number[] = [1000, 3000, 10_000, 30_000, 60_000];

interface FlagState {
  config: FlagConfig;
  backend: FlagBackend | null;
  value: FlagValue | undefined;
  readAt: string | null;
  readError: string | null;
  /** Writes to one flag run one after another. */
  queue: Promise<unknown>;
  /** Writes queued or in flight: a re-read then says nothing about drift. */
  writing: number;
  /** Counts writes begun, so a re-read that overlapped one is not taken for a drift. */
  generation: number;
  /** What Flightdeck last wrote and verified (or a rollback verified); undefined before any. */
  lastWritten: FlagValue | undefined;
  /** The drift last journaled, so a re-read journals only a new one. */
  drift: { expected: FlagValue; seen: FlagValue; at: string } | null;
  /** What a rollback's guard is keeping, for the view. */
  guard: FlagView['guard'];
  reading: boolean;
}

interface Unsettled extends PendingFlagWrite {
  timers: NodeJS.Timeout[];
  /** The re-read under way, so a timer and a manual reconcile do not both journal. */
  settling: Promise<ActionRecord> | null;
  /** The rollback whose guard settles it now; the service's own re-reads leave it alone. */
  guardedBy: string | null;
}

/** Alerts kept for the view; older ones are in the journal. */
const MAX_ALERTS = 20;

type Listener<T> = (value: T) => void;

export class FlagService {
  private readonly flags = new Map<string, FlagState>();
  private readonly records = new Map<string, ActionRecord>();
  private readonly unsettled = new Map<string, Unsettled>();
  private readonly actionListeners = new Set<Listener<ActionRecord>>();
  private readonly changeListeners = new Set<Listener<FlagView[]>>();
  private readonly alertListeners = new Set<Listener<FlagAlert>>();
  private readonly recentAlerts: FlagAlert[] = [];
  private readonly watchTimers: NodeJS.Timeout[] = [];
  private readonly now: () => Date;
  private readonly settleDelays: readonly number[];
  private readonly guard: FlagGuard;
  private closed = false;

  constructor(private readonly deps: FlagServiceDeps) {
    this.now = deps.now ?? (() => new Date());
    this.settleDelays = deps.settleDelaysMs ?? DEFAULT_SETTLE_DELAYS_MS;
    for (const config of deps.flags) {
      this.flags.set(config.name, { config, backend: null, value: undefined, readAt: null, readError: null, queue: Promise.resolve(), writing: 0, generation: 0, lastWritten: undefined, drift: null, guard: null, reading: false });
    }
    this.guard = new FlagGuard({
      journal: deps.journal ?? noJournal,
      backend: (flag) => this.backend(flag),
      config: (flag) => this.state(flag).config,
      exclusive: (flag, work) => this.exclusive(flag, work),
      now: this.now,
      onEvent: (event) => this.onGuardEvent(event),
      ...(deps.guardPollMs !== undefined ? { pollMs: deps.guardPollMs } : {}),
    });
    for (const pending of deps.journal ? unsettledFlagWrites(deps.journal.entries()) : []) {
      if (this.flags.has(pending.flag)) this.trackUnsettled(pending);
    }
  }

  views(): FlagView[] {
    return [...this.flags.values()].map((state) => this.viewOf(state));
  }

  /** Actions of this run (and unknown ones picked up from the journal), oldest first. */
  actions(): ActionRecord[] {
    return [...this.records.values()];
  }

  /** Unknown writes still waiting for a read-back to settle them. */
  unsettledActions(): string[] {
    return [...this.unsettled.keys()];
  }

  onAction(listener: Listener<ActionRecord>): () => void {
    this.actionListeners.add(listener);
    return () => this.actionListeners.delete(listener);
  }

  onChange(listener: Listener<FlagView[]>): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Alarms: a late write overridden by a rollback, or a flag changed outside Flightdeck. */
  onAlert(listener: Listener<FlagAlert>): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
  }

  alerts(): FlagAlert[] {
    return [...this.recentAlerts];
  }

  /**
   * A rollback verified `value` on `flag`: from now on the rollback guard
   * watches the flag's earlier unknown writes (and only it settles them)
   * until each is settled or its settle window has passed.
   */
  async guardRollback(runId: string, flag: string, value: FlagValue, by: string | null): Promise<GuardEnd> {
    const state = this.state(flag);
    // A later rollback of the same flag takes over what an earlier one's guard was watching.
    if (this.guard.guarded().has(flag)) await this.releaseGuard(flag);
    state.lastWritten = value;
    state.drift = null;
    const pending = [...this.unsettled.values()].filter((p) => p.flag === flag && p.guardedBy === null && !sameFlagValue(p.to, value));
    for (const p of pending) {
      for (const timer of p.timers) clearTimeout(timer);
      p.timers = [];
      p.guardedBy = runId;
    }
    return this.guard.watch({ runId, flag, value, by, pending: pending.map(({ actionId, flag: f, to, from, lastReadBack, startedAt }) => ({ actionId, flag: f, to, from, lastReadBack, ...(startedAt ? { startedAt } : {}) })) });
  }

  /** Ends the guard of `flag`; the writes it watched go back to the service's own settling. */
  private async releaseGuard(flag: string): Promise<void> {
    await this.guard.release(flag);
    for (const p of this.unsettled.values()) if (p.flag === flag && p.guardedBy !== null) p.guardedBy = null;
  }

  /** Flags a rollback guard is watching now. */
  guarded(): string[] {
    return [...this.guard.guarded()];
  }

  /** Resolves when no rollback guard is watching any more. */
  guardsIdle(): Promise<void> {
    return this.guard.idle();
  }

  /**
   * Re-reads each flag every flags[].watchSeconds (0: never), so the view
   * shows what the flag holds now, and a value other than the one
   * Flightdeck last wrote is shown and journaled as a drift.
   */
  startWatching(): void {
    for (const state of this.flags.values()) {
      const seconds = state.config.watchSeconds;
      if (seconds <= 0) continue;
      // A read that cannot even start (a secret not in the vault yet: Credentials lists it as missing) must not become an unhandled rejection.
      const timer = setInterval(() => void this.watchOnce(state).catch(() => undefined), seconds * 1000);
      timer.unref();
      this.watchTimers.push(timer);
    }
  }

  /** One re-read of the watch (exported for tests through startWatching's timer). */
  private async watchOnce(state: FlagState): Promise<void> {
    const name = state.config.name;
    if (this.closed || state.reading || state.writing > 0 || this.guard.guarded().has(name)) return;
    const generation = state.generation;
    state.reading = true;
    try {
      await this.read(name);
    } finally {
      state.reading = false;
    }
    if (state.readError !== null || state.value === undefined || state.writing > 0 || state.generation !== generation || this.guard.guarded().has(name)) return;
    this.checkDrift(state, state.value);
  }

  private checkDrift(state: FlagState, seen: FlagValue): void {
    const expected = state.lastWritten;
    if (expected === undefined) return;
    if (sameFlagValue(seen, expected)) {
      if (state.drift) {
        state.drift = null;
        this.emitChange();
      }
      return;
    }
    const name = state.config.name;
    // One of our own unknown writes landing: settle it, that is not a drift.
    const ours = [...this.unsettled.values()].find((p) => p.flag === name && p.guardedBy === null && sameFlagValue(p.to, seen));
    if (ours) {
      void this.reconcile(ours.actionId).catch(() => undefined);
      return;
    }
    if (state.drift && sameFlagValue(state.drift.seen, seen)) return;
    const at = this.now().toISOString();
    state.drift = { expected, seen, at };
    const message = `${name} reads ${describeFlagValue(seen)}, but Flightdeck last wrote ${describeFlagValue(expected)}: changed outside Flightdeck${seen === null ? ' (or lost, e.g. a restart)' : ''}`;
    if (this.deps.journal) {
      try {
        recordDrift(this.deps.journal, null, name, expected, seen, message);
      } catch {
        // the alert still shows; the journal's own error surfaces on the next action
      }
    }
    this.alert(name, 'drifted', message);
    this.emitChange();
  }

  private onGuardEvent(event: GuardEvent): void {
    this.deps.onGuardEvent?.(event);
    if (event.kind === 'guarding' || event.kind === 'ended') {
      const state = this.flags.get(event.flag);
      if (state && event.kind === 'guarding') state.guard = { runId: event.runId, value: event.value, watching: event.watching, until: event.until };
      else if (state && state.guard?.runId === event.runId) state.guard = null;
      this.emitChange();
    } else if (event.kind === 'read') {
      const state = this.flags.get(event.flag);
      if (state) this.remember(state, event.value);
    } else if (event.kind === 'settled') {
      const pending = this.unsettled.get(event.actionId);
      const record = this.records.get(event.actionId) ?? (pending ? this.recordFromPending(pending) : null);
      if (event.outcome !== 'unknown' || pending) this.dropUnsettled(event.actionId);
      if (record) this.publish({ ...record, outcome: event.outcome, message: event.message });
    } else if (event.kind === 'reasserted') {
      const state = this.flags.get(event.flag);
      if (state && event.outcome === 'ok') state.drift = null;
      this.alert(event.flag, event.outcome === 'ok' ? 'reasserted' : 'reassert-failed', event.message);
    } else if (event.kind === 'drifted') {
      const state = this.flags.get(event.flag);
      if (state && state.lastWritten !== undefined) state.drift = { expected: state.lastWritten, seen: state.value ?? null, at: this.now().toISOString() };
      this.alert(event.flag, 'drifted', event.message);
      this.emitChange();
    }
  }

  private alert(flag: string, kind: FlagAlert['kind'], message: string): void {
    const alert: FlagAlert = { id: randomUUID(), flag, kind, message, at: this.now().toISOString() };
    this.recentAlerts.push(alert);
    if (this.recentAlerts.length > MAX_ALERTS) this.recentAlerts.shift();
    for (const listener of this.alertListeners) listener(alert);
  }

  /** The flag's backend, shared with rollback steps so they reuse its connection. */
  backend(name: string): FlagBackend {
    return this.backendOf(this.state(name));
  }

  config(name: string): FlagConfig {
    return this.state(name).config;
  }

  async read(name: string): Promise<FlagView> {
    const state = this.state(name);
    this.requireSecrets(state.config);
    const backend = this.backendOf(state);
    try {
      const value = await withDeadline(state.config.timeoutMs, `read ${backend.target}`, (signal) => backend.read(signal));
      this.remember(state, value);
    } catch (error) {
      state.readError = this.redact(messageOf(error));
      state.readAt = this.now().toISOString();
      this.emitChange();
    }
    return this.viewOf(state);
  }

  /** Who is inside at `percent`, and who joins compared with the current value. */
  async preview(name: string, percent: number): Promise<FlagPreview> {
    const state = this.state(name);
    checkPercent(percent);
    if (state.value === undefined) await this.read(name).catch(() => undefined);
    const from = state.value === undefined ? null : state.value;
    return previewBucketing(state.config.name, state.config.groupId, state.config.testUsers, from, percent);
  }

  /** Sets a percentage; refused before any I/O when it is not 0..100. */
  async set(name: string, percent: number, by: string | null, options: FlagWriteOptions = {}): Promise<ActionRecord> {
    const state = this.state(name);
    checkPercent(percent);
    return this.write(state, percent, by, options);
  }

  /** Sets a value that is not a percentage (an on/off flag, a variant name). */
  async setValue(name: string, value: FlagValue, by: string | null, options: FlagWriteOptions = {}): Promise<ActionRecord> {
    const state = this.state(name);
    checkValue(value);
    return this.write(state, value, by, options);
  }

  /** Re-reads an unknown write now; the record says what is known afterwards. */
  async reconcile(actionId: string): Promise<ActionRecord> {
    const pending = this.unsettled.get(actionId);
    const record = this.records.get(actionId);
    // A rollback's guard owns it: a read here could see it land and call that ok.
    if (pending?.guardedBy && record) return record;
    if (!pending) {
      if (record) return record;
      throw new FlightdeckError('not-found', `No unsettled flag write with id ${actionId}.`, { field: 'actionId' });
    }
    pending.settling ??= this.settle(pending).finally(() => {
      pending.settling = null;
    });
    return pending.settling;
  }

  private async settle(pending: Unsettled): Promise<ActionRecord> {
    const state = this.state(pending.flag);
    const backend = this.backendOf(state);
    const settlement = await settleFlagWrite(backend, pending, { timeoutMs: state.config.timeoutMs, journal: this.deps.journal, by: null });
    if (settlement.readBack !== undefined) {
      pending.lastReadBack = settlement.readBack;
      this.remember(state, settlement.readBack);
    }
    if (settlement.outcome === 'ok') {
      state.lastWritten = pending.to;
      state.drift = null;
    }
    const record = this.records.get(pending.actionId) ?? this.recordFromPending(pending);
    const updated: ActionRecord = { ...record, outcome: settlement.outcome, message: settlement.message };
    if (settlement.outcome !== 'unknown') this.dropUnsettled(pending.actionId);
    return this.publish(updated);
  }

  /**
   * Runs `work` in the flag's write queue: a rollback's flag step waits for
   * a user's write already in flight (bounded by that write's deadline)
   * instead of racing it, so the user's 50% can never land after the
   * rollback verified 0.
   */
  exclusive<T>(name: string, work: () => Promise<T>): Promise<T> {
    const state = this.flags.get(name);
    if (!state) throw new FlightdeckError('not-found', `The profile has no flag "${name}".`, { field: 'flag' });
    state.writing++;
    state.generation++;
    const run = state.queue.then(work).finally(() => state.writing--);
    state.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const timer of this.watchTimers.splice(0)) clearInterval(timer);
    await this.guard.close();
    for (const id of [...this.unsettled.keys()]) this.dropUnsettled(id);
    await Promise.allSettled([...this.flags.values()].map((state) => state.queue));
    await Promise.allSettled([...this.flags.values()].map((state) => state.backend?.close()));
    this.actionListeners.clear();
    this.changeListeners.clear();
    this.alertListeners.clear();
  }

  private async write(state: FlagState, value: FlagValue, by: string | null, options: FlagWriteOptions): Promise<ActionRecord> {
    if (this.closed) throw new FlightdeckError('conflict', 'The flag service is closed.');
    const journal = this.deps.journal;
    if (!journal) throw new FlightdeckError('conflict', 'Open a session first: every flag change is journaled.');
    this.requireSecrets(state.config);
    state.writing++;
    state.generation++;
    // A deliberate write through Flightdeck replaces the value a rollback guard was keeping.
    const released = this.guard.guarded().has(state.config.name) ? this.releaseGuard(state.config.name) : Promise.resolve();
    const run = state.queue.then(() => released).then(() => this.writeNow(state, value, by, options, journal)).finally(() => state.writing--);
    state.queue = run.catch(() => undefined);
    return run;
  }

  private async writeNow(state: FlagState, value: FlagValue, by: string | null, options: FlagWriteOptions, journal: ActionJournal): Promise<ActionRecord> {
    const { config } = state;
    const backend = this.backendOf(state);
    const actionId = options.actionId ?? randomUUID();
    const from = state.value;
    const title = options.title ?? `${config.name} → ${typeof value === 'number' ? `${value}%` : describeFlagValue(value)}`;
    const inputs = { flag: config.name, from: describeFlagValue(from), to: describeFlagValue(value), target: backend.target };
    const running: ActionRecord = { id: actionId, kind: options.kind ?? 'flag', title, by, startedAt: this.now().toISOString(), endedAt: null, outcome: 'running', message: `writing ${describeFlagValue(value)} to ${backend.target}`, inputs, durationMs: null };
    this.publish(running);
    const watching = this.settleDelays.length > 0 ? `re-read until ${new Date(this.now().getTime() + config.settleSeconds * 1000).toISOString().slice(11, 19)}` : 'settle it with a read-back later';
    // Conditional on the value last read, where the backend can: a write held in a queue or a frozen
    // server can then never overwrite a newer value (a rollback's) when it finally arrives.
    const writeOptions: SetFlagOptions = { flag: config.name, from, timeoutMs: config.timeoutMs, journal, by, actionId, kind: options.kind ?? 'flag', title, now: this.now, watching, ...(from !== undefined ? { expected: from } : {}) };
    if (options.runId !== undefined) writeOptions.runId = options.runId;
    if (options.step !== undefined) writeOptions.step = options.step;
    let result: FlagWriteResult;
    try {
      result = await setFlag(backend, value, writeOptions);
    } catch (error) {
      // The record must not stay "running": say what is known, then let the caller see the error.
      const known = error instanceof JournalingFailed ? error.result : null;
      this.publish({ ...running, endedAt: this.now().toISOString(), outcome: known?.outcome ?? 'failed', message: messageOf(error), durationMs: known?.durationMs ?? null });
      throw error;
    }
    if (result.readBack !== undefined) this.remember(state, result.readBack);
    if (result.outcome === 'ok') {
      state.lastWritten = value;
      state.drift = null;
    }
    const record: ActionRecord = {
      id: actionId,
      kind: options.kind ?? 'flag',
      title,
      by,
      startedAt: result.startedAt,
      endedAt: result.endedAt,
      outcome: result.outcome,
      message: result.message,
      inputs,
      durationMs: result.durationMs,
    };
    const published = this.publish(record);
    if (result.outcome === 'unknown') this.trackUnsettled({ actionId, flag: config.name, to: value, from, lastReadBack: result.readBack, startedAt: result.startedAt });
    return published;
  }

  private trackUnsettled(pending: PendingFlagWrite): void {
    const entry: Unsettled = { ...pending, timers: [], settling: null, guardedBy: null };
    this.unsettled.set(pending.actionId, entry);
    if (!this.records.has(pending.actionId)) this.records.set(pending.actionId, this.recordFromPending(pending));
    let at = 0;
    for (const delay of this.settleDelays) {
      at += delay;
      const timer = setTimeout(() => {
        if (this.unsettled.has(pending.actionId) && !this.closed) this.reconcile(pending.actionId).catch(() => undefined);
      }, at);
      timer.unref();
      entry.timers.push(timer);
    }
  }

  private dropUnsettled(actionId: string): void {
    const entry = this.unsettled.get(actionId);
    if (!entry) return;
    for (const timer of entry.timers) clearTimeout(timer);
    this.unsettled.delete(actionId);
  }

  private recordFromPending(pending: PendingFlagWrite): ActionRecord {
    const started = this.deps.journal?.entries().find((e) => e.type === 'action.started' && (e.data as { actionId?: unknown }).actionId === pending.actionId);
    const data = started?.data as { title?: string; kind?: ActionRecord['kind']; inputs?: Record<string, string> } | undefined;
    return {
      id: pending.actionId,
      kind: data?.kind ?? 'flag',
      title: data?.title ?? `${pending.flag} → ${describeFlagValue(pending.to)}`,
      by: started?.by ?? null,
      startedAt: started?.ts ?? this.now().toISOString(),
      endedAt: null,
      outcome: 'unknown',
      message: 'not known whether it landed; waiting for a read-back',
      inputs: data?.inputs ?? { flag: pending.flag, from: describeFlagValue(pending.from), to: describeFlagValue(pending.to) },
      durationMs: null,
    };
  }

  /** Keeps and announces the record, redacted; returns what was kept. */
  private publish(raw: ActionRecord): ActionRecord {
    const record: ActionRecord = {
      ...raw,
      title: this.redact(raw.title),
      message: this.redact(raw.message),
      inputs: Object.fromEntries(Object.entries(raw.inputs).map(([key, value]) => [key, this.redact(value)])),
    };
    this.records.set(record.id, record);
    for (const listener of this.actionListeners) listener(record);
    return record;
  }

  private redact(text: string): string {
    return this.deps.redactor ? this.deps.redactor.redact(text) : text;
  }

  private remember(state: FlagState, value: FlagValue): void {
    state.value = value;
    state.readAt = this.now().toISOString();
    state.readError = null;
    this.emitChange();
  }

  private emitChange(): void {
    if (this.changeListeners.size === 0) return;
    const views = this.views();
    for (const listener of this.changeListeners) listener(views);
  }

  private viewOf(state: FlagState): FlagView {
    const { config } = state;
    return {
      name: config.name,
      backend: config.backend.type,
      target: state.backend?.target ?? this.backendOf(state).target,
      steps: [...config.steps],
      value: state.value === undefined ? null : state.value,
      readAt: state.readAt,
      readError: state.readError,
      testUsers: [...config.testUsers],
      drift: state.drift ? { expected: describeFlagValue(state.drift.expected), seen: describeFlagValue(state.drift.seen), at: state.drift.at } : null,
      guard: state.guard,
    };
  }

  private state(name: string): FlagState {
    const state = this.flags.get(name);
    if (!state) {
      const known = [...this.flags.keys()];
      throw new FlightdeckError('not-found', `No flag "${name}" in the profile${known.length ? ` (it has ${known.join(', ')})` : ''}.`, { field: 'flag' });
    }
    return state;
  }

  private backendOf(state: FlagState): FlagBackend {
    if (!state.backend) {
      const deps: FlagBackendDeps = { secrets: this.deps.secrets, timeoutMs: state.config.timeoutMs, ...(this.deps.dispatcher ? { dispatcher: this.deps.dispatcher } : {}) };
      state.backend = this.deps.createBackend ? this.deps.createBackend(state.config, deps) : createFlagBackend(state.config.backend, deps);
    }
    return state.backend;
  }

  /**
   * A locked vault, a missing secret or one not scoped to this backend's
   * destination stops the action before any I/O, with the vault's message.
   * The value asked for here is dropped: the backend asks again when it sends.
   */
  private requireSecrets(config: FlagConfig): void {
    const names = secretNames(config.backend);
    if (names.size === 0) return;
    const destination = flagBackendDestination(config.backend);
    for (const name of names) this.deps.secrets.get(name, destination);
  }
}

/** A percentage from 0 to 100; anything else is refused naming the field. */
export function checkPercent(percent: unknown): asserts percent is number {
  if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw new FlightdeckError('bad-input', `percent must be a number from 0 to 100, not ${JSON.stringify(percent)}.`, { field: 'percent' });
  }
}

export function checkValue(value: unknown): asserts value is FlagValue {
  const ok = value === null || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length <= 1000);
  if (!ok) throw new FlightdeckError('bad-input', 'value must be a number, a string of at most 1000 characters, true, false or null.', { field: 'value' });
}

/** The guard of a service without a journal never runs (no write can be unknown there); this only satisfies the type. */
const noJournal: ActionJournal = {
  record: () => {
    throw new FlightdeckError('conflict', 'Open a session first: every flag change is journaled.');
  },
  entries: () => [],
};
