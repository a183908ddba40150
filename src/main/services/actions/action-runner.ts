/**
 * The one runner every side effect goes through (flag write, command,
 * rollback step, backup, restore). It journals the intent before anything
 * happens (inputs redacted), runs the action under a deadline, records how
 * it ended as ok, failed or unknown, and, when the end is unknown and the
 * action can read back what it did, settles it. A timeout is unknown, never
 * failed: the side effect may have landed.
 *
 * Every durable step comes before the update that shows it, so the screen
 * never claims more than the journal holds.
 */
import { randomBytes } from 'node:crypto';
import type { ActionRecord } from '../../../shared/control-model';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import type { JournalEntry } from '../../../shared/session-model';
import type { Redactor } from '../vault/secrets';
import type { ActionJournal } from './action-journal';
import { ActionOutput, type OutputChunk, type OutputLimits, type OutputStream } from './action-output';
import { runInActionScope } from './action-scope';

export type ActionKind = ActionRecord['kind'];
export type FinalOutcome = 'ok' | 'failed' | 'unknown';

export interface ActionResult {
  outcome: FinalOutcome;
  /** What is known, in a sentence. */
  message: string;
  /** The value read back after the action, when there is one. */
  readBack?: string | null;
}

export interface ActionContext {
  readonly actionId: string;
  /** Aborted at the deadline: stop, and report what is known. */
  readonly signal: AbortSignal;
  /** Streams output to the screen and the journal, redacted. */
  output(stream: OutputStream, text: string): void;
}

export interface ActionSpec {
  kind: ActionKind;
  title: string;
  /** Inputs as the user would describe them; redacted before they are journaled or shown. */
  inputs: Record<string, string>;
  by: string | null;
  timeoutMs: number;
  /** How long the action may take to stop once its deadline passed (killing a process). */
  stopGraceMs?: number;
  /** Set by a rollback run: which run and which step this is. */
  runId?: string;
  step?: number;
  run(context: ActionContext): Promise<ActionResult>;
  /** Reads back what an action that ended unknown did; journaled as action.settled. */
  settle?(signal: AbortSignal): Promise<ActionResult>;
  settleTimeoutMs?: number;
}

export interface ActionRunnerDeps {
  journal: ActionJournal;
  redactor: Redactor;
  onUpdate?: (record: ActionRecord) => void;
  onOutput?: (chunk: OutputChunk) => void;
  /** Monotonic milliseconds, for durations. */
  clock?: () => number;
  now?: () => Date;
  newId?: () => string;
  outputLimits?: Partial<OutputLimits>;
  /** How many recent actions `recent()` keeps. */
  keep?: number;
}

export interface StartedAction {
  actionId: string;
  /** The record as journaled: outcome "running". */
  record: ActionRecord;
  done: Promise<ActionRecord>;
}

const DEFAULT_KEEP = 200;
const DEFAULT_SETTLE_MS = 5000;

export function newActionId(): string {
  return `act-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export class ActionRunner {
  private readonly records = new Map<string, ActionRecord>();
  private readonly clock: () => number;
  private readonly now: () => Date;

  constructor(private readonly deps: ActionRunnerDeps) {
    this.clock = deps.clock ?? (() => performance.now());
    this.now = deps.now ?? (() => new Date());
    for (const record of foldActionRecords(deps.journal.entries())) this.remember(record);
  }

  /** The most recent actions, oldest first. */
  recent(): ActionRecord[] {
    return [...this.records.values()];
  }

  get redactor(): Redactor {
    return this.deps.redactor;
  }

  /** Runs an action to its end (settled where it can be). */
  async run(spec: ActionSpec): Promise<ActionRecord> {
    return this.start(spec).done;
  }

  /**
   * Journals the intent and starts the action. Throws (nothing started)
   * when the intent cannot be journaled.
   */
  start(spec: ActionSpec): StartedAction {
    const redact = (text: string) => this.deps.redactor.redact(text);
    const actionId = (this.deps.newId ?? newActionId)();
    const inputs = Object.fromEntries(Object.entries(spec.inputs).map(([key, value]) => [key, redact(value)]));
    const title = redact(spec.title);
    const started = this.deps.journal.record('action.started', spec.by, {
      actionId,
      kind: spec.kind,
      title,
      inputs,
      ...(spec.runId !== undefined ? { runId: spec.runId } : {}),
      ...(spec.step !== undefined ? { step: spec.step } : {}),
    });
    const record: ActionRecord = {
      id: actionId,
      kind: spec.kind,
      title,
      by: spec.by,
      startedAt: started.ts,
      endedAt: null,
      outcome: 'running',
      message: 'running',
      inputs,
      durationMs: null,
    };
    this.update(record);
    return { actionId, record, done: this.execute(spec, record) };
  }

  /**
   * Ends an action the journal shows started and never finished (the
   * process stopped mid-action) without running anything: its outcome is
   * unknown, with a message saying what to do.
   */
  closeInterrupted(actionId: string, by: string | null, message: string): ActionRecord | null {
    const record = this.records.get(actionId);
    const redacted = this.deps.redactor.redact(message);
    const entry = this.deps.journal.record('action.finished', by, { actionId, outcome: 'unknown', message: redacted, durationMs: 0 });
    if (!record) return null;
    const closed: ActionRecord = { ...record, endedAt: entry.ts, outcome: 'unknown', message: redacted };
    this.update(closed);
    return closed;
  }

  private async execute(spec: ActionSpec, record: ActionRecord): Promise<ActionRecord> {
    const redact = (text: string) => this.deps.redactor.redact(text);
    const startedAt = this.clock();
    const output = new ActionOutput(record.id, {
      journal: this.deps.journal,
      by: spec.by,
      redactor: this.deps.redactor,
      onOutput: this.deps.onOutput,
      limits: this.deps.outputLimits,
    });
    const result = await runWithDeadline(spec, { actionId: record.id, output: (stream, text) => output.write(stream, text) }, redact);
    output.close();
    const durationMs = Math.round((this.clock() - startedAt) * 10) / 10;
    const finished = this.deps.journal.record('action.finished', spec.by, {
      actionId: record.id,
      outcome: result.outcome,
      message: redact(result.message),
      durationMs,
      ...(result.readBack !== undefined ? { readBack: result.readBack === null ? null : redact(result.readBack) } : {}),
    });
    let current: ActionRecord = { ...record, endedAt: finished.ts, outcome: result.outcome, message: redact(result.message), durationMs };
    this.update(current);
    if (result.outcome === 'unknown' && spec.settle) {
      const settled = await settleWithDeadline(spec.settle.bind(spec), spec.settleTimeoutMs ?? DEFAULT_SETTLE_MS);
      this.deps.journal.record('action.settled', spec.by, {
        actionId: record.id,
        outcome: settled.outcome,
        message: redact(settled.message),
        readBack: settled.readBack === undefined || settled.readBack === null ? null : redact(settled.readBack),
      });
      current = { ...current, outcome: settled.outcome, message: redact(`${result.message}; ${settled.message}`) };
      this.update(current);
    }
    return current;
  }

  private update(record: ActionRecord): void {
    this.remember(record);
    this.deps.onUpdate?.(record);
  }

  private remember(record: ActionRecord): void {
    this.records.delete(record.id);
    this.records.set(record.id, record);
    const keep = this.deps.keep ?? DEFAULT_KEEP;
    while (this.records.size > keep) this.records.delete(this.records.keys().next().value!);
  }
}

/**
 * How an action ends when its own work raised an exception nobody caught
 * (the process-level fault handler tells it): a backup counts only once
 * verified, so it failed; anything else may have had its effect, so unknown.
 */
export function outcomeOfFault(kind: ActionKind, message: string): ActionResult {
  return kind === 'backup'
    ? { outcome: 'failed', message: `an internal fault stopped the backup before it was verified (${message}); nothing was kept` }
    : { outcome: 'unknown', message: `an internal fault stopped it (${message}); the outcome is unknown` };
}

async function runWithDeadline(spec: ActionSpec, context: Omit<ActionContext, 'signal'>, redact: (text: string) => string): Promise<ActionResult> {
  const controller = new AbortController();
  const seconds = formatSeconds(spec.timeoutMs);
  let ended = false;
  let onFault: (result: ActionResult) => void = () => undefined;
  const faulted = new Promise<ActionResult>((resolve) => (onFault = resolve));
  const scope = {
    actionId: context.actionId,
    fault: (error: unknown) => {
      if (ended) return false;
      const result = outcomeOfFault(spec.kind, redact(messageOf(error)));
      // The work is told to stop (a tool it runs is killed); its own end no longer decides the outcome.
      controller.abort(new FlightdeckError('internal', result.message));
      onFault(result);
      return true;
    },
  };
  const work = Promise.resolve()
    .then(() => runInActionScope(scope, () => spec.run({ ...context, signal: controller.signal })))
    .then(
      (result) => result,
      (error: unknown): ActionResult => outcomeOfError(error),
    );
  const result = await runUntilDeadline(spec, controller, seconds, Promise.race([work, faulted]));
  ended = true;
  return result;
}

async function runUntilDeadline(spec: ActionSpec, controller: AbortController, seconds: string, work: Promise<ActionResult>): Promise<ActionResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), spec.timeoutMs);
  });
  const first = await Promise.race([work, deadline]);
  clearTimeout(timer);
  if (first !== 'deadline') return first;
  controller.abort(new FlightdeckError('timeout', `no answer within ${seconds}`));
  // Give the action its grace to stop (a process being killed) and say how it stopped.
  let graceTimer: NodeJS.Timeout | undefined;
  const grace = new Promise<null>((resolve) => {
    graceTimer = setTimeout(() => resolve(null), spec.stopGraceMs ?? 0);
  });
  const late = await Promise.race([work, grace]);
  clearTimeout(graceTimer);
  const detail = late && late.message ? `: ${late.message}` : '';
  return { outcome: 'unknown', message: `timed out after ${seconds}; the outcome is unknown${detail}`, ...(late?.readBack !== undefined ? { readBack: late.readBack } : {}) };
}

async function settleWithDeadline(settle: (signal: AbortSignal) => Promise<ActionResult>, timeoutMs: number): Promise<ActionResult> {
  const signal = AbortSignal.timeout(timeoutMs);
  const timeout = new Promise<ActionResult>((resolve) => {
    signal.addEventListener('abort', () => resolve({ outcome: 'unknown', message: `read-back gave no answer within ${formatSeconds(timeoutMs)}`, readBack: null }), { once: true });
  });
  const read = settle(signal).then(
    (result) => result,
    (error: unknown): ActionResult => ({ outcome: 'unknown', message: `read-back failed: ${messageOf(error)}`, readBack: null }),
  );
  return Promise.race([read, timeout]);
}

/** A timeout error means the effect may have landed: unknown. Anything else thrown means it did not: failed. */
export function outcomeOfError(error: unknown): ActionResult {
  if (error instanceof FlightdeckError && error.code === 'timeout') return { outcome: 'unknown', message: error.message };
  return { outcome: 'failed', message: messageOf(error) };
}

export function formatSeconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 100) / 10} s`;
}

/**
 * ActionRecords as the journal tells them: an action started and never
 * finished belongs to a run the app did not see end (a crash), so its
 * outcome is unknown.
 */
export function foldActionRecords(entries: readonly JournalEntry[]): ActionRecord[] {
  const records = new Map<string, ActionRecord>();
  for (const entry of entries) {
    const data = entry.data as Record<string, unknown>;
    const actionId = typeof data.actionId === 'string' ? data.actionId : null;
    if (!actionId) continue;
    if (entry.type === 'action.started') {
      records.set(actionId, {
        id: actionId,
        kind: data.kind as ActionKind,
        title: String(data.title ?? ''),
        by: entry.by,
        startedAt: entry.ts,
        endedAt: null,
        outcome: 'unknown',
        message: 'interrupted: the app stopped before the outcome was known',
        inputs: (data.inputs as Record<string, string>) ?? {},
        durationMs: null,
      });
    } else if (entry.type === 'action.finished') {
      const record = records.get(actionId);
      if (record) {
        records.set(actionId, {
          ...record,
          endedAt: entry.ts,
          outcome: data.outcome as FinalOutcome,
          message: String(data.message ?? ''),
          durationMs: typeof data.durationMs === 'number' ? data.durationMs : null,
        });
      }
    } else if (entry.type === 'action.settled') {
      const record = records.get(actionId);
      if (record) records.set(actionId, { ...record, outcome: data.outcome as FinalOutcome, message: `${record.message}; ${String(data.message ?? '')}` });
    }
  }
  return [...records.values()];
}
