/**
 * PromQL's `histogram_quantile` for classic (le-bucketed) histograms, so a
 * p95 shown here is the number the team's Grafana shows for the same data:
 * linear interpolation inside the bucket, a lower bound of 0 for the first
 * bucket when its upper bound is positive, the upper bound of the highest
 * finite bucket when the rank lands in +Inf, NaN without observations or
 * without a +Inf bucket. Duplicate bounds are summed and counts are forced
 * monotonic, as PromQL does.
 */

export interface Bucket {
  /** The `le` bound; +Inf for the last bucket. */
  upperBound: number;
  /** Cumulative count (or rate) of observations up to this bound. */
  count: number;
}

function coalesce(sorted: Bucket[]): Bucket[] {
  const out: Bucket[] = [];
  for (const bucket of sorted) {
    const last = out[out.length - 1];
    if (last && last.upperBound === bucket.upperBound) last.count += bucket.count;
    else out.push({ ...bucket });
  }
  return out;
}

/** Go's almost.Equal, which PromQL uses to tell float noise from a real difference. */
const MIN_NORMAL = 2.2250738585072014e-308;
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * PromQL's ensureMonotonicAndIgnoreSmallDeltas, in one pass as there: float
 * noise and decreases both take the previous count, and neither moves the
 * reference (two passes would compare the next bucket with a lowered count).
 */
function ensureMonotonic(buckets: Bucket[]): void {
  let previous = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const current = buckets[i]!.count;
    if (current === previous) continue;
    if (almostEqual(previous, current, 1e-12) || current < previous) buckets[i]!.count = previous;
    else previous = current;
  }
}

export function histogramQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  if (input.length === 0) return Number.NaN;
  const sorted = [...input].sort((a, b) => a.upperBound - b.upperBound);
  if (sorted[sorted.length - 1]!.upperBound !== Number.POSITIVE_INFINITY) return Number.NaN;
  const buckets = coalesce(sorted);
  ensureMonotonic(buckets);
  if (buckets.length < 2) return Number.NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0 || Number.isNaN(observations)) return Number.NaN;
  let rank = q * observations;
  // The first bucket among all but +Inf whose cumulative count reaches the rank.
  let b = buckets.findIndex((bucket, i) => i < buckets.length - 1 && bucket.count >= rank);
  if (b === -1) b = buckets.length - 1;
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
