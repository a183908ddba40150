/**
 * Every flag read and write runs against a deadline that holds even when a
 * backend ignores its AbortSignal (a driver stuck in a frozen socket): the
 * caller gets a 'timeout' error at the deadline, and the backend's signal
 * is aborted so it can drop the work.
 */
import { FlightdeckError } from '../../../shared/errors';

/**
 * Runs `run` against a deadline. `what` prefixes the timeout message (empty
 * when the caller's message names the target). With `graceMs`, the work
 * gets that long after the abort to answer for itself: a backend that knows
 * its write was never sent says so (a failure, not a timeout), and an
 * answer that arrives in the grace is taken.
 */
export function withDeadline<T>(ms: number, what: string, run: (signal: AbortSignal) => Promise<T>, graceMs = 0): Promise<T> {
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      fn();
    };
    let graceTimer: NodeJS.Timeout | undefined;
    const timeout = new FlightdeckError('timeout', what ? `${what}: timed out after ${ms} ms` : `timed out after ${ms} ms`);
    const timer = setTimeout(() => {
      controller.abort(timeout);
      if (graceMs <= 0) finish(() => reject(timeout));
      else graceTimer = setTimeout(() => finish(() => reject(timeout)), graceMs);
    }, ms);
    let work: Promise<T>;
    try {
      work = run(controller.signal);
    } catch (error) {
      finish(() => reject(error));
      return;
    }
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(controller.signal.aborted && isTimeout(error) ? timeout : error)),
    );
  });
}

function isTimeout(error: unknown): boolean {
  return error instanceof FlightdeckError && error.code === 'timeout';
}

/** The reason an AbortSignal carries, as the timeout error the deadline set. */
export function abortReason(signal: AbortSignal, what: string): FlightdeckError {
  const reason: unknown = signal.reason;
  if (reason instanceof FlightdeckError) return reason;
  return new FlightdeckError('timeout', `${what}: cancelled at the deadline`);
}

/**
 * Settles with `work`, or rejects with the signal's reason when it aborts
 * first (for drivers that take no AbortSignal). A late rejection of `work`
 * is absorbed so it never surfaces as unhandled.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  work.catch(() => undefined);
  if (signal.aborted) return Promise.reject(abortReason(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Most of the caller's deadline for connecting, so a connect that fails still leaves time to say "not sent". */
export function connectDeadline(timeoutMs: number): number {
  return Math.max(25, Math.floor(timeoutMs * 0.8));
}
