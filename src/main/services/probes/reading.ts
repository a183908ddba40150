/**
 * Small constructors for ProbeReading, so every probe words "down" the same
 * way and a reading always has all its fields.
 */
import type { ProbeReading, ProbeSample } from './probe';

export function downReading(message: string, latencyMs: number | null = null, details: ProbeReading['details'] = {}): ProbeReading {
  return { health: 'down', message, latencyMs, samples: [], details };
}

export function reading(health: ProbeReading['health'], message: string, latencyMs: number | null, samples: ProbeSample[], details: ProbeReading['details'] = {}): ProbeReading {
  return { health, message, latencyMs, samples: samples.filter((s) => Number.isFinite(s.value)), details };
}

export function elapsedMs(startedAt: number): number {
  return Math.round((performance.now() - startedAt) * 10) / 10;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
