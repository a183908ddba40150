/**
 * Writes a flag and says honestly what happened: ok only when a read-back
 * shows the new value, failed when the write certainly did not take effect,
 * unknown when nobody can tell yet. A timeout is never failed: it is
 * followed by a read-back with its own deadline that may settle it, and
 * `settleFlagWrite` re-reads later. Every write is journaled before it is
 * sent (action.started) and when it ends (action.finished); a later
 * read-back that changes what is known adds action.settled.
 *
 * Every answer that leaves doubt is followed by a read-back before an
 * outcome is chosen: no answer by the deadline, a reset connection, an
 * error answer that does not say whether the write was applied (HTTP 5xx,
 * a malformed body: WriteAnswerUnclear), and an acknowledged write whose
 * read-back shows another value (servers that apply asynchronously). A
 * read-back equal to the written value is ok. Failed needs evidence: a
 * definite refusal (connection refused, a Redis error reply, an HTTP 4xx,
 * a conditional write's conflict), or a read-back showing another value
 * where the backend guarantees the write cannot land afterwards
 * (FlagBackend.readAfterUnknownWrite, conclusive):
 * - redis: yes when the read went over the same connection after the write
 *   (Redis answers a connection's commands in order, and the client never
 *   resends or queues: see redis-backend.ts), or that connection is gone.
 * - http, heroku, railway: no. The server may have the request and still
 *   apply it; the outcome stays unknown until a read shows the new value.
 * - mongodb: no. An update past maxTimeMS or wtimeout may still be applied.
 */
import { randomUUID } from 'node:crypto';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import type { EntryDataOf } from '../../../shared/session-model';
import type { ActionJournal } from '../actions/action-journal';
import { withDeadline } from './deadline';
import { describeFlagValue, isOutcomeUnknown, sameFlagValue, WriteAnswerUnclear, WriteConflict, type FlagBackend, type FlagValue, type ReadAfterUnknownWrite } from './flag-backend';

export type FlagOutcome = 'ok' | 'failed' | 'unknown';

/**
 * After a write's deadline, how long the backend may take to say the write
 * was never sent (still connecting): a clean failure instead of unknown.
 */
const WRITE_GRACE_MS = 50;

export interface FlagWriteResult {
  actionId: string;
  outcome: FlagOutcome;
  /** What is known, in a sentence; never holds a secret. */
  message: string;
  /** The value the last read-back showed; undefined when none answered. */
  readBack: FlagValue | undefined;
  durationMs: number;
  startedAt: string;
  endedAt: string;
}

export interface SetFlagOptions {
  /** The flag's name, journaled as inputs.flag. */
  flag: string;
  /** The value before the write when the caller knows it (journaled as inputs.from, "unknown" otherwise). */
  from?: FlagValue | undefined;
  /** Deadline of the write. */
  timeoutMs: number;
  /** Deadline of each read-back; defaults to timeoutMs. */
  readBackTimeoutMs?: number;
  /** Where the action is journaled; null or absent: not journaled (tests, benchmarks). */
  journal?: ActionJournal | null;
  by: string | null;
  /** Defaults to a random UUID. */
  actionId?: string;
  /** 'rollback-step' when a rollback plan writes the flag. */
  kind?: 'flag' | 'rollback-step';
  /** Defaults to "<flag> → <value>". */
  title?: string;
  /** Rollback run and step index, journaled with action.started. */
  runId?: string;
  step?: number;
  /** Wall clock for startedAt / endedAt (durations use a monotonic clock). */
  now?: () => Date;
  /**
   * Write only while the flag still holds this value (FlagBackend.writeIf),
   * where the backend can; absent: write whatever it holds.
   */
  expected?: FlagValue;
  /** Said of an unknown outcome: what keeps watching it and until when ("watched until 10:42:13"). */
  watching?: string;
}

/** An unknown write waiting for a read-back that settles it. */
export interface PendingFlagWrite {
  actionId: string;
  flag: string;
  to: FlagValue;
  from?: FlagValue | undefined;
  /** The read-back last journaled for it, so settling journals only news. */
  lastReadBack?: FlagValue | undefined;
  /** When it was sent (ISO time): how long it may still land is counted from here. */
  startedAt?: string;
}

export interface SettleOptions {
  timeoutMs: number;
  journal?: ActionJournal | null;
  by: string | null;
}

export interface FlagSettlement {
  actionId: string;
  outcome: FlagOutcome;
  message: string;
  readBack: FlagValue | undefined;
  /** True when an action.settled entry was journaled (something new is known). */
  journaled: boolean;
}

export async function setFlag(backend: FlagBackend, value: FlagValue, options: SetFlagOptions): Promise<FlagWriteResult> {
  const now = options.now ?? (() => new Date());
  const actionId = options.actionId ?? randomUUID();
  const readBackMs = options.readBackTimeoutMs ?? options.timeoutMs;
  const journal = options.journal ?? null;
  const startedAt = now().toISOString();
  const started: EntryDataOf<'action.started'> = {
    actionId,
    kind: options.kind ?? 'flag',
    title: options.title ?? `${options.flag} → ${describeFlagValue(value)}`,
    inputs: { flag: options.flag, from: describeFlagValue(options.from), to: describeFlagValue(value), target: backend.target },
  };
  if (options.runId !== undefined) started.runId = options.runId;
  if (options.step !== undefined) started.step = options.step;
  // Journaled before anything is sent: a crash after the write leaves a trace to reconcile.
  try {
    journal?.record('action.started', options.by, started);
  } catch (error) {
    throw new JournalingFailed(`Not written: the action could not be journaled first (${messageOf(error)}).`, null);
  }
  const t0 = performance.now();

  const verdict = await writeAndVerify(backend, value, options.timeoutMs, readBackMs, options.expected);
  if (verdict.outcome === 'unknown' && options.watching) verdict.message += `; ${options.watching}`;

  const durationMs = Math.round((performance.now() - t0) * 10) / 10;
  const finished: EntryDataOf<'action.finished'> = {
    actionId,
    outcome: verdict.outcome,
    message: verdict.message,
    durationMs,
    readBack: verdict.readBack === undefined ? null : describeFlagValue(verdict.readBack),
  };
  const result: FlagWriteResult = { actionId, ...verdict, durationMs, startedAt, endedAt: now().toISOString() };
  try {
    journal?.record('action.finished', options.by, finished);
  } catch (error) {
    throw new JournalingFailed(`The write ended ${verdict.outcome} (${verdict.message}), but that could not be journaled: ${messageOf(error)}.`, result);
  }
  return result;
}

/**
 * The journal refused an entry. `result` is null when nothing was sent
 * (action.started failed), and the write's result when only its ending
 * could not be recorded.
 */
export class JournalingFailed extends FlightdeckError {
  constructor(
    message: string,
    readonly result: FlagWriteResult | null,
  ) {
    super('internal', message);
    this.name = 'JournalingFailed';
  }
}

interface Verdict {
  outcome: FlagOutcome;
  message: string;
  readBack: FlagValue | undefined;
}

async function writeAndVerify(backend: FlagBackend, value: FlagValue, writeMs: number, readMs: number, expected: FlagValue | undefined): Promise<Verdict> {
  const shown = describeFlagValue(value);
  const conditional = expected !== undefined && backend.writeIf !== undefined;
  try {
    await withDeadline(writeMs, '', async (signal) => {
      if (conditional) await backend.writeIf!(expected, value, signal);
      else await backend.write(value, signal);
    }, WRITE_GRACE_MS);
  } catch (error) {
    if (error instanceof WriteConflict) return { outcome: 'failed', message: `not written: ${messageOf(error)}`, readBack: error.seen };
    if (error instanceof WriteAnswerUnclear) return readAfterUnknown(backend, value, readMs, `the write of ${shown} was answered with an error (${messageOf(error)})`);
    if (!isOutcomeUnknown(error)) return { outcome: 'failed', message: `not written: ${messageOf(error)}`, readBack: undefined };
    return readAfterUnknown(backend, value, readMs, `the write of ${shown} got no answer (${messageOf(error)})`);
  }
  let read: ReadAfterUnknownWrite;
  try {
    read = await withDeadline(readMs, '', (signal) => readSettling(backend, signal));
  } catch (error) {
    return { outcome: 'unknown', message: `${backend.target} acknowledged ${shown}, but the read-back failed (${messageOf(error)}): not verified`, readBack: undefined };
  }
  const readBack = read.value;
  if (sameFlagValue(readBack, value)) return { outcome: 'ok', message: `set to ${shown} and read back ${describeFlagValue(readBack)}`, readBack };
  if (read.conclusive) return { outcome: 'failed', message: `wrote ${shown} and it was acknowledged, but the read-back shows ${describeFlagValue(readBack)}`, readBack };
  // A server may acknowledge first and apply later: the old value is no evidence that it never will.
  return { outcome: 'unknown', message: `${backend.target} acknowledged ${shown}, but the read-back shows ${describeFlagValue(readBack)}; the server may still apply it: read again later`, readBack };
}

/** The read-back after a write whose answer never came. */
async function readAfterUnknown(backend: FlagBackend, value: FlagValue, readMs: number, what: string): Promise<Verdict> {
  let read: ReadAfterUnknownWrite;
  try {
    read = await withDeadline(readMs, '', (signal) => readSettling(backend, signal));
  } catch (error) {
    return { outcome: 'unknown', message: `${what}, and the read-back failed too (${messageOf(error)}): not known whether it landed`, readBack: undefined };
  }
  return judgeReadBack(value, read, what);
}

function judgeReadBack(value: FlagValue, read: ReadAfterUnknownWrite, what: string): Verdict {
  const seen = describeFlagValue(read.value);
  if (sameFlagValue(read.value, value)) return { outcome: 'ok', message: `${what}, but the read-back shows the new value ${seen}`, readBack: read.value };
  if (read.conclusive) {
    return { outcome: 'failed', message: `${what}; the read-back shows ${seen}, and ${read.reason ?? 'this backend guarantees the write can no longer land'}: failed`, readBack: read.value };
  }
  return { outcome: 'unknown', message: `${what}; the read-back shows ${seen}, but the server may still apply the write: read again later`, readBack: read.value };
}

function readSettling(backend: FlagBackend, signal: AbortSignal): Promise<ReadAfterUnknownWrite> {
  if (backend.readAfterUnknownWrite) return backend.readAfterUnknownWrite(signal);
  return backend.read(signal).then((value) => ({ value, conclusive: false }));
}

/**
 * Re-reads an unknown write. Journals action.settled when the read-back
 * changes what is known: an outcome other than unknown, or a value other
 * than the one last journaled.
 */
export async function settleFlagWrite(backend: FlagBackend, pending: PendingFlagWrite, options: SettleOptions): Promise<FlagSettlement> {
  const what = `the write of ${describeFlagValue(pending.to)} (action ${pending.actionId}) was unknown`;
  const verdict = await readAfterUnknown(backend, pending.to, options.timeoutMs, what);
  const news = verdict.outcome !== 'unknown' || (verdict.readBack !== undefined && !sameFlagValue(verdict.readBack, pending.lastReadBack));
  if (news) {
    options.journal?.record('action.settled', options.by, {
      actionId: pending.actionId,
      outcome: verdict.outcome,
      message: verdict.message,
      readBack: verdict.readBack === undefined ? null : describeFlagValue(verdict.readBack),
    });
  }
  return { actionId: pending.actionId, ...verdict, journaled: news };
}

/**
 * Flag writes in a journal whose latest outcome is unknown: what is left
 * to settle after a restart. Values come back as the journal wrote them
 * (strings), which sameFlagValue compares with typed read-backs.
 */
export function unsettledFlagWrites(entries: ActionJournalEntries): PendingFlagWrite[] {
  const pending = new Map<string, PendingFlagWrite>();
  for (const entry of entries) {
    const data = entry.data as Record<string, unknown>;
    const actionId = typeof data.actionId === 'string' ? data.actionId : null;
    if (!actionId) continue;
    if (entry.type === 'action.started') {
      const inputs = (data.inputs ?? {}) as Record<string, string>;
      if (typeof inputs.flag !== 'string' || typeof inputs.to !== 'string') continue;
      pending.set(actionId, { actionId, flag: inputs.flag, to: journaledValue(inputs.to), from: inputs.from === 'unknown' ? undefined : journaledValue(inputs.from ?? 'unknown'), startedAt: entry.ts });
    } else if (entry.type === 'action.finished' || entry.type === 'action.settled') {
      const item = pending.get(actionId);
      if (!item) continue;
      if (data.outcome !== 'unknown') pending.delete(actionId);
      else if (typeof data.readBack === 'string') item.lastReadBack = journaledValue(data.readBack);
    }
  }
  // A started write with no finished entry (a crash mid-write) is unknown too.
  return [...pending.values()];
}

type ActionJournalEntries = ReturnType<ActionJournal['entries']>;

function journaledValue(text: string): FlagValue {
  return text === 'null' ? null : text;
}
