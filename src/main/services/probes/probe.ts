/**
 * One interface for every probe kind. A probe reads its target once per
 * call, within its own deadline, and reports health plus samples in the
 * metric vocabulary (src/shared/metrics.ts) where it can. It never throws:
 * a failure is a reading with health "down" and a message that names what
 * failed (connect, headers, body, TLS, authentication), without secrets.
 */
import type { ProbeHealth } from '../../../shared/telemetry-model';
import type { Redactor, SecretResolver } from '../vault/secrets';

export interface ProbeSample {
  /** A metric of the vocabulary (error_rate, latency_p95, cache_hit_rate, db_connections, ...) or a probe-specific reading. */
  metric: string;
  value: number;
  /** For series the vocabulary lacks: their unit and label. */
  unit?: string;
  label?: string;
}

export interface ProbeReading {
  health: Exclude<ProbeHealth, 'unknown'>;
  message: string;
  /** Time from start to answer; null when there was no answer. */
  latencyMs: number | null;
  samples: ProbeSample[];
  details: Record<string, number | string | null>;
}

export interface Probe {
  readonly name: string;
  readonly kind: 'http' | 'tls' | 'prometheus' | 'redis' | 'postgres' | 'mongodb';
  /** Display target without credentials. */
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Runs once; resolves within timeoutMs (plus a little) even when the target stalls. `signal` aborts early. */
  run(signal?: AbortSignal): Promise<ProbeReading>;
  /** Releases connections (redis, postgres, mongodb clients, undici agents). */
  close(): Promise<void>;
}

export interface ProbeDeps {
  secrets: SecretResolver;
  /** Epoch milliseconds; used for certificate days left and counter windows. */
  clock?: () => number;
  /** PEM CA certificates trusted in addition to Node's roots (an internal PKI; tests). */
  trustedCa?: readonly string[];
  /**
   * Hides every secret the vault knows in what a reading says: a target's
   * answer (an error text, a TLS subject) may quote one in any encoding,
   * which a probe's own scrub of the values it sent cannot all catch.
   */
  redactor?: Redactor;
}
