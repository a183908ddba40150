/**
 * Thins a series to at most `maxPoints` for a graph that cannot show more:
 * the range is cut into equal time slices and each slice becomes one point,
 * the mean of its values at the time of its last sample (so the newest point
 * stays where it happened). A slice holding only gaps stays a gap, so an
 * outage remains visible at every zoom level.
 */
import type { Point } from '../../../shared/telemetry-model';

export function downsample(points: readonly Point[], fromMs: number, toMs: number, maxPoints: number): Point[] {
  if (points.length <= maxPoints) return points.slice();
  if (maxPoints < 1) return [];
  const width = Math.max(1, (toMs - fromMs) / maxPoints);
  const out: Point[] = [];
  let slice = Number.NaN;
  let lastT = 0;
  let sum = 0;
  let count = 0;
  const close = () => {
    if (Number.isNaN(slice)) return;
    out.push([lastT, count === 0 ? null : sum / count]);
  };
  for (const [t, v] of points) {
    const s = Math.min(maxPoints - 1, Math.max(0, Math.floor((t - fromMs) / width)));
    if (s !== slice) {
      close();
      slice = s;
      sum = 0;
      count = 0;
    }
    lastT = t;
    if (v !== null) {
      sum += v;
      count += 1;
    }
  }
  close();
  return out;
}
