/**
 * A restart keeps the graphs: a session's recorded means go back into the
 * metric store before the probes start, for this profile's probes only,
 * within the range a graph can ask for, and closed with a gap so no line
 * bridges the time nothing watched.
 */
import { describe, expect, it } from 'vitest';
import { ProbeSchema } from '../../src/main/services/profile/probes-schema';
import type { RecordedPoint } from '../../src/main/services/telemetry/metrics-recorder';
import { Telemetry } from '../../src/main/services/telemetry/telemetry';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const probe = ProbeSchema.parse({ name: 'shop', kind: 'http', url: 'http://127.0.0.1:9/health' });

function telemetry(): Telemetry {
  return new Telemetry({
    probes: [probe],
    clock: () => NOW,
    emit: () => undefined,
    createProbe: () => {
      throw new Error('no probe runs in this test');
    },
  });
}

const at = (minutesAgo: number) => new Date(NOW - minutesAgo * 60_000).toISOString();
const point = (series: string, metric: string, minutesAgo: number, value: number): RecordedPoint => ({ ts: at(minutesAgo), series, metric, value });

describe('restoring recorded metrics', () => {
  it("takes this profile's series within the range, oldest first, and ends each with a gap", () => {
    const t = telemetry();
    const taken = t.restoreHistory(
      [
        point('shop/error_rate', 'error_rate', 2, 0.4),
        point('shop/error_rate', 'error_rate', 3, 0.3),
        point('shop/error_rate', 'error_rate', 9 * 60, 9), // older than the range asked for
        point('gone/error_rate', 'error_rate', 2, 5), // a probe the profile no longer has
      ],
      NOW - 8 * 3600_000,
    );
    expect(taken).toBe(2);
    const snapshot = t.snapshot(3600);
    expect(snapshot.series.map((s) => s.id)).toEqual(['shop/error_rate']);
    expect(snapshot.series[0]).toMatchObject({ probe: 'shop', metric: 'error_rate' });
    const points = snapshot.points['shop/error_rate']!;
    expect(points.filter(([, v]) => v !== null).map(([time, v]) => [new Date(time).toISOString(), v])).toEqual([
      [at(3), 0.3],
      [at(2), 0.4],
    ]);
    expect(points[points.length - 1]![1]).toBeNull();
  });

  it('takes nothing once the probes run: live samples are newer than anything on disk', () => {
    const t = telemetry();
    t.start();
    expect(t.restoreHistory([point('shop/error_rate', 'error_rate', 2, 0.4)], 0)).toBe(0);
    void t.stop();
  });
});
