/**
 * One interface for every place a feature flag can live. A backend reads
 * and writes one value within a deadline. `write` resolves when the backend
 * acknowledged, rejects with a FlightdeckError('timeout') when the deadline
 * passed with no answer (the write may or may not have landed: unknown),
 * and with another error when it certainly did not land (failed).
 * Deciding ok / failed / unknown and reading back is the caller's job
 * (flags/flag-writer.ts), so every backend gets the same honesty.
 */
export type FlagValue = number | string | boolean | null;

export interface FlagBackend {
  /** "redis 127.0.0.1:6379 key flags:checkout_v2": where it lives, no credentials. */
  readonly target: string;
  read(signal: AbortSignal): Promise<FlagValue>;
  write(value: FlagValue, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}
