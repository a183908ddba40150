/**
 * "Unchanged or lower" against the baseline captured before the rollout.
 * A metric passes when it is no worse than its baseline plus the allowed
 * drift, in the metric's own `better` direction: the relative tolerance
 * (10 % of the baseline by default), or the profile's absolute tolerance
 * for that metric when it sets one. A relative rule allows nothing around
 * a baseline of 0 (an error rate of 0 %), which is why the profile can give
 * an absolute drift such as `error_rate: 0.1` (percentage points).
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

export function allowedDrift(metric: MetricName, baseline: number, tolerance: Tolerance): number {
  return tolerance.absolute[metric] ?? (Math.abs(baseline) * tolerance.relativePercent) / 100;
}

export function compareWithBaseline(metric: MetricName, value: number, baseline: number, tolerance: Tolerance): BaselineVerdict {
  const { unit, better } = METRICS[metric];
  const drift = allowedDrift(metric, baseline, tolerance);
  const limit = better === 'lower' ? baseline + drift : baseline - drift;
  const pass = better === 'lower' ? value <= limit : value >= limit;
  const sign = better === 'lower' ? '≤' : '≥';
  const failSign = better === 'lower' ? '>' : '<';
  const plusMinus = better === 'lower' ? '+' : '−';
  const evidence = `${metric} ${formatValue(value, unit)} ${pass ? sign : failSign} baseline ${formatValue(baseline, unit)} ${plusMinus} ${formatValue(drift, unit)}`;
  return { pass, limit, evidence };
}
