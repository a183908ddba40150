/**
 * Comparisons of a metric with a line, shared by every condition: the
 * comparison as written, its opposite (a target "Error rate < 1%" is
 * missed when "error rate >= 1%"), and the margin a value must clear
 * before a condition that held is let go (hysteresis).
 */
import { formatValue } from '../../../shared/format';
import { compare, METRICS, type Comparator, type MetricName } from '../../../shared/metrics';
import type { AbsoluteCondition } from './gate-plan';

// The comparison lives in shared/metrics.ts, so the renderer's alarm rule reads a line the same way.
export { compare };

export function negate(op: Comparator): Comparator {
  return ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<' } as const)[op];
}

/**
 * True when `value` is clearly out of "value op line": beyond the line by
 * `marginPercent` of it on the other side. "error_rate > 2" with a 5 %
 * margin lets go at 1.9, not at 1.99.
 */
export function clearlyOut(value: number, op: Comparator, line: number, marginPercent: number): boolean {
  const margin = (Math.abs(line) * marginPercent) / 100;
  return op === '>' || op === '>=' ? value <= line - margin : value >= line + margin;
}

/** Whether a comparison describes the unhealthy side of its metric ("error rate > 2%", "cache hit rate < 50%"). */
export function pointsAtTrouble(metric: MetricName, op: Comparator): boolean {
  const upward = op === '>' || op === '>=';
  return METRICS[metric].better === 'lower' ? upward : !upward;
}

/** The worse of two readings of the same metric (several probes report it). */
export function worse(metric: MetricName, a: number, b: number): number {
  return METRICS[metric].better === 'lower' ? Math.max(a, b) : Math.min(a, b);
}

/** "error_rate > 2 % for 300 s": the comparison as the evaluator runs it. */
export function describeCondition(condition: AbsoluteCondition, forSeconds: number): string {
  const text = `${condition.metric} ${condition.op} ${formatValue(condition.value, condition.unit)}`;
  return forSeconds > 0 ? `${text} for ${forSeconds} s` : text;
}
