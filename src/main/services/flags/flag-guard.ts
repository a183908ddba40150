/**
 * The rollback guard: once a rollback has verified a flag's value, earlier
 * writes of that flag whose outcome is still unknown may land later (an
 * HTTP server that held a PUT past its deadline, a frozen Redis) and undo
 * the rollback without anyone noticing. The guard re-reads the flag every
 * `pollMs` until each of those writes is settled or its settle window
 * (flags[].settleSeconds from when it was sent) has passed:
 *
 * - the rollback's value: nothing to do yet;
 * - the value of an unknown earlier write: it landed late. The guard writes
 *   the rollback's value again, conditionally on the landed value where
 *   the backend can (so it never overwrites a newer change), journals
 *   `rollback.reasserted` with both values, settles the late write as
 *   "landed late, overridden by rollback" (outcome failed: its value is not
 *   there and cannot come back by itself; never ok), and raises the alarm;
 * - any other value: changed outside Flightdeck. Journaled once as
 *   `flag.drifted` and alarmed, but not overwritten: someone chose it.
 *
 * A write whose window passes unseen is journaled as still unknown and no
 * longer watched. The guard never waits a fixed time to order events: each
 * poll is a read with a deadline, and close() aborts everything at once.
 */
import { randomUUID } from 'node:crypto';
import { messageOf } from '../../../shared/errors';
import type { ActionJournal } from '../actions/action-journal';
import { withDeadline } from './deadline';
import { describeFlagValue, sameFlagValue, type FlagBackend, type FlagValue } from './flag-backend';
import { setFlag, type FlagOutcome, type PendingFlagWrite } from './flag-writer';

/** How often a guarded flag is read while an earlier write may still land (the reassertion latency budget is 2 s). */
export const GUARD_POLL_MS = 250;
/** After a reassertion that did not verify, wait at least this long before the next try. */
const RETRY_MS = 1000;

export interface GuardRequest {
  runId: string;
  flag: string;
  /** The value the rollback verified. */
  value: FlagValue;
  by: string | null;
  /** Earlier writes of this flag whose outcome is unknown. */
  pending: readonly PendingFlagWrite[];
}

export type GuardEvent =
  | { kind: 'guarding'; runId: string; flag: string; value: string; watching: string[]; until: string }
  | { kind: 'read'; flag: string; value: FlagValue }
  | { kind: 'reasserted'; runId: string; flag: string; value: string; landed: string; actionIds: string[]; outcome: FlagOutcome; message: string; latencyMs: number }
  | { kind: 'drifted'; flag: string; expected: string; seen: string; message: string }
  | { kind: 'settled'; actionId: string; outcome: FlagOutcome; message: string; readBack: FlagValue | undefined }
  | { kind: 'ended'; runId: string; flag: string; message: string };

export interface GuardEnd {
  runId: string;
  flag: string;
  /** Earlier unknown writes the guard watched. */
  watched: number;
  /** Reassertions that put the rollback's value back. */
  reasserted: number;
  message: string;
}

export interface FlagGuardDeps {
  journal: ActionJournal;
  backend(flag: string): FlagBackend;
  config(flag: string): { timeoutMs: number; settleSeconds: number };
  /** Runs the reassertion in the flag's write queue, so it never races another write of the flag. */
  exclusive?<T>(flag: string, work: () => Promise<T>): Promise<T>;
  pollMs?: number;
  now?: () => Date;
  onEvent?(event: GuardEvent): void;
}

interface Watched extends PendingFlagWrite {
  until: number;
}

export class FlagGuard {
  private readonly running = new Map<Promise<GuardEnd>, string>();
  private readonly stop = new AbortController();
  /** Per flag: stops that flag's guards (Flightdeck writes the flag again: the rollback's value is no longer the one to keep). */
  private readonly stops = new Map<string, AbortController>();
  private readonly now: () => Date;

  constructor(private readonly deps: FlagGuardDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Guards one flag for one rollback; resolves when nothing earlier can land any more (or on close). */
  watch(request: GuardRequest): Promise<GuardEnd> {
    const run = this.guard(request).finally(() => this.running.delete(run));
    this.running.set(run, request.flag);
    return run;
  }

  /** Stops guarding `flag`; resolves when its guards have ended. */
  async release(flag: string): Promise<void> {
    this.stops.get(flag)?.abort();
    await Promise.allSettled([...this.running].filter(([, f]) => f === flag).map(([run]) => run));
  }

  /** Flags under guard now. */
  guarded(): Set<string> {
    return new Set(this.running.values());
  }

  /** Resolves when every guard has ended. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.keys()]);
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.idle();
  }

  private async guard(request: GuardRequest): Promise<GuardEnd> {
    const { runId, flag, value, by } = request;
    const { timeoutMs, settleSeconds } = this.deps.config(flag);
    const backend = this.deps.backend(flag);
    const shown = describeFlagValue(value);
    const startMs = this.now().getTime();
    let flagStop = this.stops.get(flag);
    if (!flagStop || flagStop.signal.aborted) {
      flagStop = new AbortController();
      this.stops.set(flag, flagStop);
    }
    const stopped = AbortSignal.any([this.stop.signal, flagStop.signal]);
    // A write of the rollback's own value cannot undo it; a window already past is not watched.
    let watched: Watched[] = request.pending
      .filter((p) => p.flag === flag && !sameFlagValue(p.to, value))
      .map((p) => ({ ...p, until: (p.startedAt ? Date.parse(p.startedAt) : startMs) + settleSeconds * 1000 }))
      .filter((p) => p.until > startMs);
    const total = watched.length;
    const end = (message: string, reasserted: number): GuardEnd => {
      this.emit({ kind: 'ended', runId, flag, message });
      return { runId, flag, watched: total, reasserted, message };
    };
    if (total === 0) return end(`no earlier write of ${flag} can still land: nothing to guard`, 0);
    this.emit({ kind: 'guarding', runId, flag, value: shown, watching: watched.map((p) => p.actionId), until: new Date(Math.max(...watched.map((p) => p.until))).toISOString() });
    let reasserted = 0;
    let lastSeen: FlagValue | undefined;
    let drifted: FlagValue | undefined;
    let waitMs = 0;
    while (!stopped.aborted) {
      if (waitMs > 0 && !(await sleep(waitMs, stopped))) break;
      waitMs = this.deps.pollMs ?? GUARD_POLL_MS;
      const nowMs = this.now().getTime();
      for (const p of watched.filter((w) => w.until <= nowMs)) {
        this.settle(p, by, 'unknown', `watched by rollback ${runId} until ${clock(p.until)} and never seen landing; not known, no longer watched`, lastSeen);
      }
      watched = watched.filter((w) => w.until > nowMs);
      if (watched.length === 0) break;
      let seen: FlagValue;
      try {
        seen = await withDeadline(timeoutMs, `read ${backend.target}`, (signal) => backend.read(AbortSignal.any([signal, stopped])));
      } catch {
        continue; // unreadable for now: the next poll tries again, the window still counts
      }
      lastSeen = seen;
      this.emit({ kind: 'read', flag, value: seen });
      if (sameFlagValue(seen, value)) {
        drifted = undefined;
        continue;
      }
      const landed = watched.filter((p) => sameFlagValue(p.to, seen));
      if (landed.length === 0) {
        if (!sameFlagValue(drifted, seen)) {
          drifted = seen;
          this.drift(flag, value, seen, by, `rollback ${runId}`);
        }
        continue;
      }
      const outcome = await this.reassert(request, seen, landed, backend, timeoutMs, stopped);
      if (outcome === null) break;
      if (outcome === 'ok') {
        reasserted++;
        watched = watched.filter((p) => !landed.includes(p));
      } else {
        waitMs = Math.max(waitMs, RETRY_MS);
      }
    }
    if (stopped.aborted) {
      const why = this.stop.signal.aborted ? 'closed' : 'Flightdeck wrote the flag again';
      return end(`guard of ${flag} stopped (${why}) with ${watched.length} earlier write(s) still unknown`, reasserted);
    }
    const what = reasserted > 0 ? `put ${shown} back ${reasserted} time(s) after an older write landed` : `no earlier write landed`;
    return end(`guarded ${flag} at ${shown} until ${total} earlier unknown write(s) were settled or their windows passed: ${what}`, reasserted);
  }

  /** Writes the rollback's value again over a late landing; journals rollback.reasserted with both values. */
  /** Null when the guard was stopped before its turn to write came (a write by Flightdeck took over the flag). */
  private async reassert(request: GuardRequest, seen: FlagValue, landed: Watched[], backend: FlagBackend, timeoutMs: number, stopped: AbortSignal): Promise<FlagOutcome | null> {
    const { runId, flag, value, by } = request;
    const startedMs = performance.now();
    const actionId = randomUUID();
    const shown = describeFlagValue(value);
    const late = describeFlagValue(seen);
    const write = () =>
      stopped.aborted
        ? Promise.resolve(null)
        : setFlag(backend, value, {
        flag,
        from: seen,
        expected: seen,
        timeoutMs,
        journal: this.deps.journal,
        by,
        actionId,
        kind: 'rollback-step',
        runId,
        title: `Put ${flag} back to ${shown}: an older write of ${late} landed after rollback ${runId}`,
        now: this.now,
      });
    let outcome: FlagOutcome;
    let message: string;
    try {
      const result = await (this.deps.exclusive ? this.deps.exclusive(flag, write) : write());
      if (result === null) return null;
      outcome = result.outcome;
      message = result.message;
    } catch (error) {
      outcome = 'failed';
      message = messageOf(error);
    }
    const latencyMs = Math.round((performance.now() - startedMs) * 10) / 10;
    const actionIds = landed.map((p) => p.actionId);
    const said =
      outcome === 'ok'
        ? `an older write of ${late} landed after rollback ${runId} verified ${shown}; ${flag} was set back to ${shown} (${message})`
        : `an older write of ${late} landed after rollback ${runId} verified ${shown}; putting ${shown} back ended ${outcome}: ${message}`;
    this.deps.journal.record('rollback.reasserted', by, { runId, flag, value: shown, landed: late, actionIds, reassertActionId: actionId, outcome, message: said });
    this.emit({ kind: 'reasserted', runId, flag, value: shown, landed: late, actionIds, outcome, message: said, latencyMs });
    if (outcome === 'ok') {
      for (const p of landed) this.settle(p, by, 'failed', `landed late, overridden by rollback ${runId}: ${flag} showed ${late} and was set back to ${shown}`, seen);
    }
    return outcome;
  }

  private settle(p: PendingFlagWrite, by: string | null, outcome: FlagOutcome, message: string, readBack: FlagValue | undefined): void {
    this.deps.journal.record('action.settled', by, { actionId: p.actionId, outcome, message, readBack: readBack === undefined ? null : describeFlagValue(readBack) });
    this.emit({ kind: 'settled', actionId: p.actionId, outcome, message, readBack });
  }

  private drift(flag: string, expected: FlagValue, seen: FlagValue, by: string | null, whose: string): void {
    const message = `${flag} reads ${describeFlagValue(seen)}, but ${whose} last wrote ${describeFlagValue(expected)}: changed outside Flightdeck`;
    recordDrift(this.deps.journal, by, flag, expected, seen, message);
    this.emit({ kind: 'drifted', flag, expected: describeFlagValue(expected), seen: describeFlagValue(seen), message });
  }

  private emit(event: GuardEvent): void {
    try {
      this.deps.onEvent?.(event);
    } catch {
      // a listener's fault must not stop the guard
    }
  }
}

/** Journals a drift (one shape for the guard and the flag service's own re-reads). */
export function recordDrift(journal: ActionJournal, by: string | null, flag: string, expected: FlagValue, seen: FlagValue, message: string): void {
  journal.record('flag.drifted', by, { flag, expected: describeFlagValue(expected), seen: describeFlagValue(seen), message });
}

/** Resolves true after `ms`, false at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}
