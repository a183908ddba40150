import { describe, expect, it } from 'vitest';
import { bandsFor } from '../../src/renderer/src/features/telemetry/bands';
import { groupByMetric, niceCeil, valueDomain } from '../../src/renderer/src/features/telemetry/graph-data';
import type { SeriesInfo } from '../../src/shared/telemetry-model';
import { DEMO_RUNBOOK, parseFile } from '../support/runbooks';

const series = (probe: string, metric: string, unit = '%'): SeriesInfo => ({ id: `${probe}/${metric}`, probe, metric, label: metric, unit });

describe('graph layout', () => {
  it('keeps every band of the runbook in view while readings are far below them', () => {
    const plan = bandsFor('error_rate', '%', parseFile(DEMO_RUNBOOK).thresholds);
    const redStarts = plan.bands.find((b) => b.kind === 'red')!.from!;
    const [lo, hi] = valueDomain([0.05, 0.1], plan.bands, '%');
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(redStarts);
    // ...and grows with a reading past them.
    expect(valueDomain([redStarts * 7], plan.bands, '%')[1]).toBeGreaterThanOrEqual(redStarts * 7);
  });

  it('stops a percentage at 100 unless a reading is above it', () => {
    expect(valueDomain([96, 99], [], '%')).toEqual([0, 100]);
    expect(valueDomain([130], [], '%')[1]).toBeGreaterThanOrEqual(130);
    const [lo, hi] = valueDomain([], [], 'ms');
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0);
  });

  it('rounds the axis top to a number people read', () => {
    expect([0.6, 1.2, 3, 7, 240, 1001].map(niceCeil)).toEqual([1, 2, 5, 10, 250, 2000]);
  });

  it('puts the four metrics the checklists watch first, in order, then the rest', () => {
    const groups = groupByMetric([
      series('db', 'db_connections'),
      series('web', 'latency_p50', 'ms'),
      series('web', 'error_rate'),
      series('api', 'error_rate'),
      series('cache', 'cache_hit_rate'),
      series('web', 'latency_p95', 'ms'),
    ]);
    expect(groups.map((g) => [g.metric, g.primary, g.series.map((s) => s.probe)])).toEqual([
      ['error_rate', true, ['web', 'api']],
      ['latency_p95', true, ['web']],
      ['cache_hit_rate', true, ['cache']],
      ['db_connections', true, ['db']],
      ['latency_p50', false, ['web']],
    ]);
  });
});
