import { describe, expect, it } from 'vitest';
import { histogramQuantile, type Bucket } from '../../src/main/services/prometheus/histogram-quantile';

const INF = Number.POSITIVE_INFINITY;
const b = (pairs: Array<[number, number]>): Bucket[] => pairs.map(([upperBound, count]) => ({ upperBound, count }));

/*
 * Worked example A (cumulative counts, 100 observations):
 *   le=0.1: 50, le=0.25: 80, le=0.5: 95, le=1: 99, le=+Inf: 100
 * PromQL: rank = q × 100; take the first bucket whose count ≥ rank; interpolate
 * linearly between the previous bound (0 for the first bucket) and its bound.
 *   q=0.3   rank 30 → bucket 0.1 (50):  0 + 0.1 × 30/50                = 0.06
 *   q=0.5   rank 50 → bucket 0.1 (50):  0 + 0.1 × 50/50                = 0.1
 *   q=0.9   rank 90 → bucket 0.5 (95):  0.25 + 0.25 × (90-80)/(95-80)  = 0.41666…
 *   q=0.95  rank 95 → bucket 0.5 (95):  0.25 + 0.25 × 15/15            = 0.5
 *   q=0.99  rank 99 → bucket 1 (99):    0.5 + 0.5 × (99-95)/(99-95)    = 1
 *   q=0.995 rank 99.5 → only +Inf reaches it: the highest finite bound  = 1
 */
const A = b([
  [0.1, 50],
  [0.25, 80],
  [0.5, 95],
  [1, 99],
  [INF, 100],
]);

describe('histogram_quantile with PromQL semantics', () => {
  it.each([
    [0.3, 0.06],
    [0.5, 0.1],
    [0.9, 0.25 + 0.25 * (10 / 15)],
    [0.95, 0.5],
    [0.99, 1],
    [0.995, 1],
  ])('worked example A: q=%s → %s', (q, expected) => {
    expect(histogramQuantile(q, A)).toBeCloseTo(expected, 12);
  });

  it('a quantile in the +Inf bucket is the upper bound of the highest finite bucket', () => {
    /*
     * Worked example B: le=0.1: 10, le=0.5: 20, le=+Inf: 100 (80 slow requests).
     *   q=0.5  rank 50: 10 < 50 and 20 < 50, only +Inf reaches it → 0.5
     *   q=0.15 rank 15 → bucket 0.5 (20): 0.1 + 0.4 × (15-10)/(20-10) = 0.3
     */
    const B = b([
      [0.1, 10],
      [0.5, 20],
      [INF, 100],
    ]);
    expect(histogramQuantile(0.5, B)).toBe(0.5);
    expect(histogramQuantile(0.99, B)).toBe(0.5);
    expect(histogramQuantile(0.15, B)).toBeCloseTo(0.3, 12);
  });

  it('sorts buckets given out of order', () => {
    expect(histogramQuantile(0.9, [...A].reverse())).toBeCloseTo(0.25 + 0.25 * (10 / 15), 12);
  });

  it('a lowest bucket bound ≤ 0 is returned as is, not interpolated from 0', () => {
    // le=-1: 10, le=0: 20, le=1: 30, +Inf: 30. q=0.2 → rank 6 → first bucket, bound -1 ≤ 0 → -1.
    // q=0.5 → rank 15 → bucket 0 (20): -1 + 1 × (15-10)/(20-10) = -0.5
    const C = b([
      [-1, 10],
      [0, 20],
      [1, 30],
      [INF, 30],
    ]);
    expect(histogramQuantile(0.2, C)).toBe(-1);
    expect(histogramQuantile(0.5, C)).toBeCloseTo(-0.5, 12);
  });

  it('forces monotonic counts and sums duplicate bounds, as PromQL does', () => {
    // le=0.1: 10, le=0.2: 8 (broken), le=0.5: 20, +Inf: 20 → 0.2 is lifted to 10.
    // q=0.5 → rank 10 → bucket 0.1 (10) → 0.1 × 10/10 = 0.1
    expect(
      histogramQuantile(
        0.5,
        b([
          [0.1, 10],
          [0.2, 8],
          [0.5, 20],
          [INF, 20],
        ]),
      ),
    ).toBeCloseTo(0.1, 12);
    // Two series with le=0.1 (5 + 5) and two +Inf (10 + 10): q=0.25 → rank 5 → 0.1 × 5/10 = 0.05
    expect(
      histogramQuantile(
        0.25,
        b([
          [0.1, 5],
          [INF, 10],
          [0.1, 5],
          [INF, 10],
        ]),
      ),
    ).toBeCloseTo(0.05, 12);
  });

  it('treats float noise after a decrease as noise against the last good count, as PromQL does', () => {
    // le=0.1: 10, le=0.2: 5 (broken), +Inf: 10 + 1e-11 (rate noise). PromQL keeps 10 as the reference
    // through the decrease, so +Inf is noise on 10 and becomes 10: q=1 → rank 10 → bucket 0.1 → 0.1.
    // Judging the noise against the lowered 5 instead leaves +Inf above 10 and answers 0.2.
    expect(
      histogramQuantile(
        1,
        b([
          [0.1, 10],
          [0.2, 5],
          [INF, 10 + 1e-11],
        ]),
      ),
    ).toBeCloseTo(0.1, 12);
  });

  it('is NaN without observations, without a +Inf bucket or with a single bucket; ±Inf outside [0, 1]', () => {
    expect(histogramQuantile(0.5, b([[0.1, 0], [INF, 0]]))).toBeNaN();
    expect(histogramQuantile(0.5, b([[0.1, 3], [1, 5]]))).toBeNaN();
    expect(histogramQuantile(0.5, b([[INF, 5]]))).toBeNaN();
    expect(histogramQuantile(Number.NaN, A)).toBeNaN();
    expect(histogramQuantile(1.5, A)).toBe(INF);
    expect(histogramQuantile(-0.1, A)).toBe(Number.NEGATIVE_INFINITY);
  });
});
