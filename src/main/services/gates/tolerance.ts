/**
 * "Unchanged or lower" against the baseline captured before the rollout.
 * A metric passes when it is no worse than its baseline plus the allowed
 * drift, in the metric's own `better` direction. The drift is the larger
 * of the relative tolerance (10 % of the baseline by default) and an
 * absolute floor: the profile's absolute tolerance for that metric when it
 * sets one (`error_rate: 0.1`, percentage points), else the metric's own
 * noise over the baseline window (NOISE_SIGMAS standard deviations,
 * recorded with the baseline). Without the floor, 10 % of a 0.05 % error
 * rate allows 0.005 points, far below a shop's normal jitter, and "unchanged"
 * fails seconds after the baseline; a relative rule alone also allows
 * nothing at all around a baseline of 0.
 */
import { METRICS, type MetricName } from '../../../shared/metrics';
import { formatValue } from '../../../shared/format';
import type { Tolerance } from './gate-plan';

export interface BaselineVerdict {
  pass: boolean;
  /** The worst value that still passes. */
  limit: number;
  evidence: string;
}

/**
 * Three standard deviations: a reading that jitters as it did while the
 * baseline was taken stays inside (a bounded jitter of ±a has σ = a/√3, so
 * 3σ ≈ 1.7a), while a real rise of a few σ still fails.
 */
export const NOISE_SIGMAS = 3;

/** `noise`: the metric's standard deviation over the baseline window, when it was recorded. */
export function allowedDrift(metric: MetricName, baseline: number, tolerance: Tolerance, noise?: number): number {
  const relative = (Math.abs(baseline) * tolerance.relativePercent) / 100;
  const floor = tolerance.absolute[metric] ?? (noise !== undefined && Number.isFinite(noise) ? NOISE_SIGMAS * Math.abs(noise) : 0);
  return Math.max(relative, floor);
}

/** The spread that sets the noise floor: the standard deviation of a baseline window's values; null under two values. */
export function noiseOf(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (values.length - 1));
}

export function compareWithBaseline(metric: MetricName, value: number, baseline: number, tolerance: Tolerance, noise?: number): BaselineVerdict {
  const { unit, better } = METRICS[metric];
  const drift = allowedDrift(metric, baseline, tolerance, noise);
  const limit = better === 'lower' ? baseline + drift : baseline - drift;
  const pass = better === 'lower' ? value <= limit : value >= limit;
  const sign = better === 'lower' ? '≤' : '≥';
  const failSign = better === 'lower' ? '>' : '<';
  const plusMinus = better === 'lower' ? '+' : '−';
  const evidence = `${metric} ${formatValue(value, unit)} ${pass ? sign : failSign} baseline ${formatValue(baseline, unit)} ${plusMinus} ${formatValue(drift, unit)}`;
  return { pass, limit, evidence };
}
