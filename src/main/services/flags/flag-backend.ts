/**
 * One interface for every place a feature flag can live. A backend reads
 * and writes one value within a deadline. `write` resolves when the backend
 * acknowledged, rejects with a FlightdeckError('timeout') when the deadline
 * passed with no answer (the write may or may not have landed: unknown),
 * and with another error when it certainly did not land (failed).
 * Deciding ok / failed / unknown and reading back is the caller's job
 * (flags/flag-writer.ts), so every backend gets the same honesty.
 */
import { FlightdeckError } from '../../../shared/errors';

export type FlagValue = number | string | boolean | null;

/** What a read after an unanswered write proves about that write. */
export interface ReadAfterUnknownWrite {
  value: FlagValue;
  /**
   * True when this backend guarantees that the unanswered write can no
   * longer take effect after this read, so a read showing another value
   * means the write failed. Redis: the read travelled the same connection
   * after the write (the server answers in order), or that connection is
   * gone. False where a server may still be working on the request (HTTP,
   * platform APIs, MongoDB): another value then leaves the outcome unknown.
   */
  conclusive: boolean;
  /** Why a conclusive read settles it, for the user ("read on the same connection after the write"). */
  reason?: string;
}

export interface FlagBackend {
  /** "redis 127.0.0.1:6379 key flags:checkout_v2": where it lives, no credentials. */
  readonly target: string;
  read(signal: AbortSignal): Promise<FlagValue>;
  write(value: FlagValue, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
  /**
   * Optional: the read-back after a write that ended unknown. Backends
   * without it are read with `read` and are never conclusive.
   */
  readAfterUnknownWrite?(signal: AbortSignal): Promise<ReadAfterUnknownWrite>;
  /**
   * Optional: a conditional write, applied only while the flag still holds
   * `expected` (the value Flightdeck last read), so a write that waited in
   * a queue or a frozen server can never overwrite a newer value. Rejects
   * with WriteConflict when the condition did not hold (nothing written).
   * Resolves `false` when the backend could not make this one conditional
   * (an HTTP server that gave no ETag) and wrote it plainly.
   * - redis: WATCH, GET, compare, MULTI/SET/EXEC on one connection.
   * - http: If-Match with the ETag of the last read, when it gave one.
   * - mongodb: updateOne with the old value in the filter.
   */
  writeIf?(expected: FlagValue, value: FlagValue, signal: AbortSignal): Promise<boolean>;
}

/**
 * The backend answered the write with an error that does not say whether
 * it was applied (HTTP 5xx, a body that is not what was promised): the
 * writer reads back before it chooses an outcome.
 */
export class WriteAnswerUnclear extends FlightdeckError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'WriteAnswerUnclear';
  }
}

/** A conditional write found another value than expected: nothing was written. */
export class WriteConflict extends FlightdeckError {
  constructor(
    message: string,
    /** What the flag held instead, when the backend said. */
    readonly seen?: FlagValue,
  ) {
    super('conflict', message);
    this.name = 'WriteConflict';
  }
}

/**
 * A write whose fate is not known: the deadline passed, or the connection
 * dropped while the request was in flight. Code 'timeout' keeps the
 * contract above: the caller reports it as unknown, never as failed.
 */
export class WriteOutcomeUnknown extends FlightdeckError {
  constructor(message: string) {
    super('timeout', message);
    this.name = 'WriteOutcomeUnknown';
  }
}

/** True for errors after which a write may have landed (timeout, lost answer). */
export function isOutcomeUnknown(error: unknown): boolean {
  return error instanceof FlightdeckError && error.code === 'timeout';
}

/**
 * Flag values as backends store them differ in type (Redis and platform
 * variables hold strings, JSON APIs numbers): 50 and "50" are the same
 * setting, and so are true and "true".
 */
export function sameFlagValue(a: FlagValue | undefined, b: FlagValue | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === null || b === null) return a === b;
  if (typeof a === typeof b) return a === b;
  return String(a).trim() === String(b).trim();
}

/** A value as the journal and messages show it: 50, on, null; "unknown" when never read. */
export function describeFlagValue(value: FlagValue | undefined): string {
  if (value === undefined) return 'unknown';
  return String(value);
}
