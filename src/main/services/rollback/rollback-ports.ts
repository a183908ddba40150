/**
 * What a rollback needs from the rest of main, as small interfaces: set a
 * flag honestly (write, read back, say ok / failed / unknown), wait until
 * named probes report up, and restore a verified backup. The app binds them to the flag
 * service and to telemetry; the CLI and the tests bind them to backends
 * and probes directly (flagSetterFromBackends, probeHealthWaiter).
 */
import { setFlag } from '../flags/flag-writer';
import { describeFlagValue, type FlagBackend, type FlagValue } from '../flags/flag-backend';
import type { Probe } from '../probes/probe';

export interface FlagSetResult {
  outcome: 'ok' | 'failed' | 'unknown';
  /** What is known, in a sentence, without secrets. */
  message: string;
  /** The value the read-back showed; undefined when none answered. */
  readBack: FlagValue | undefined;
}

export interface FlagSetter {
  /** Writes the value and reads it back; resolves with an honest outcome (ok only when the read-back equals). */
  set(flag: string, value: FlagValue, signal: AbortSignal): Promise<FlagSetResult>;
  /** The flag's current value; rejects when it cannot be read. */
  read(flag: string, signal: AbortSignal): Promise<FlagValue>;
}

export interface HealthResult {
  ok: boolean;
  message: string;
}

/**
 * Restores the newest verified backup of a profile's backup target into
 * its database (backups/backup-service.ts binds it). Verifies the files
 * before anything is written; rejects with the reason when it cannot.
 * Resolves with what it did, in a sentence.
 */
export interface BackupRestorer {
  restore(backup: string, options: { clean: boolean }, signal: AbortSignal): Promise<string>;
  /** The target's own deadline (backups[].timeoutSeconds), for a step that names none. */
  timeoutSeconds(backup: string): number;
}

/** Resolves when every named probe reports up (ok) or when `timeoutMs` passed without that (not ok, saying which is not up). */
export type HealthWaiter = (probeNames: readonly string[], timeoutMs: number, signal: AbortSignal) => Promise<HealthResult>;

/**
 * A FlagSetter over backends, through flags/flag-writer.ts (not journaled
 * there: the rollback journals the step itself).
 */
export function flagSetterFromBackends(backends: ReadonlyMap<string, { backend: FlagBackend; timeoutMs: number }>): FlagSetter {
  const find = (flag: string) => {
    const entry = backends.get(flag);
    if (!entry) throw new Error(`flag "${flag}" has no backend`);
    return entry;
  };
  return {
    async set(flag, value) {
      const { backend, timeoutMs } = find(flag);
      const result = await setFlag(backend, value, { flag, timeoutMs, journal: null, by: null });
      return { outcome: result.outcome, message: result.message, readBack: result.readBack };
    },
    async read(flag, signal) {
      const { backend, timeoutMs } = find(flag);
      return backend.read(AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]));
    },
  };
}

/** A HealthWaiter that runs the probes itself until they are all up (the CLI has no telemetry running). */
export function probeHealthWaiter(probes: ReadonlyMap<string, Probe>, options: { intervalMs?: number } = {}): HealthWaiter {
  return async (names, timeoutMs, signal) => {
    const deadline = Date.now() + timeoutMs;
    let last: Map<string, string>;
    for (;;) {
      const readings = await Promise.all(
        names.map(async (name) => {
          const probe = probes.get(name);
          if (!probe) return [name, 'no such probe'] as const;
          const reading = await probe.run(signal);
          return [name, reading.health === 'up' ? null : `${reading.health}: ${reading.message}`] as const;
        }),
      );
      last = new Map(readings.filter((r): r is readonly [string, string] => r[1] !== null));
      if (last.size === 0) return { ok: true, message: `${names.join(', ')} up` };
      const wait = Math.min(options.intervalMs ?? 500, deadline - Date.now());
      if (wait <= 0 || signal.aborted) break;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
    return { ok: false, message: `not up within ${Math.round(timeoutMs / 100) / 10} s: ${[...last].map(([n, why]) => `${n} ${why}`).join('; ')}` };
  };
}

export { describeFlagValue };
