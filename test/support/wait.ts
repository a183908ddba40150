/**
 * Waiting for a condition instead of sleeping. vitest's vi.waitUntil does
 * the polling; this only makes a timeout say what was awaited (and what was
 * last seen) instead of "Timed out in waitUntil!".
 */
import { vi } from 'vitest';

export interface WaitOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  /** Default 20 ms. */
  intervalMs?: number;
  /** Added to the timeout message, for a failure that explains itself. */
  lastSeen?: () => string;
}

type Truthy<T> = T extends false | '' | 0 | null | undefined ? never : T;

/** Resolves with the first truthy value `check` returns; a check that throws ends the wait at once. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, options: number | WaitOptions = {}): Promise<Truthy<T>> {
  const { timeoutMs = 10_000, intervalMs = 20, lastSeen } = typeof options === 'number' ? { timeoutMs: options } : options;
  const started = Date.now();
  try {
    return (await vi.waitUntil(check, { timeout: timeoutMs, interval: intervalMs })) as Truthy<T>;
  } catch (error) {
    if (Date.now() - started < timeoutMs) throw error;
    throw new Error(`${what}: not within ${timeoutMs} ms${lastSeen ? `; last: ${lastSeen()}` : ''}`, { cause: error });
  }
}
