/**
 * A renderer that falls behind gets one batch with the newest values, never
 * a queue: merged batches keep every series, the newest points, the newest
 * probe status and baseline, and a bounded list of markers.
 */
import { describe, expect, it } from 'vitest';
import { BatchMerger, mergeBatches } from '../../src/main/services/telemetry/batch-merger';
import type { ProbeStatus, TelemetryBatch } from '../../src/shared/telemetry-model';

const status = (name: string, health: ProbeStatus['health'], checkedAt: number): ProbeStatus => ({
  name,
  kind: 'http',
  target: 'http://127.0.0.1:4810/health',
  health,
  message: health === 'up' ? '200 in 12 ms' : 'connection refused',
  checkedAt,
  latencyMs: health === 'up' ? 12 : null,
  details: {},
});

function batch(at: number, values: Record<string, number | null>, extra: Partial<TelemetryBatch> = {}): TelemetryBatch {
  return {
    at,
    series: Object.keys(values).map((id) => ({ id, probe: id.split('/')[0]!, metric: id.split('/')[1]!, label: id, unit: '%' })),
    points: Object.fromEntries(Object.entries(values).map(([id, v]) => [id, [[at, v]]])),
    probes: [],
    markers: [],
    ...extra,
  };
}

describe('BatchMerger', () => {
  it('merges thousands of batches into one of bounded size that ends with the newest values', () => {
    const merger = new BatchMerger({ pointsPerSeries: 10, markers: 5 });
    for (let i = 1; i <= 5000; i++) {
      merger.add(
        batch(i, { 'shop/error_rate': i / 100, [`shop/latency_p95`]: i, ...(i === 42 ? { 'db/db_connections': 30 } : {}) }, {
          probes: [status('shop', i % 2 ? 'up' : 'down', i)],
          markers: i % 100 === 0 ? [{ at: i, kind: 'flag', label: `checkout_v2 → ${i / 100}%` }] : [],
        }),
      );
    }
    const merged = merger.take()!;
    expect(merged.at).toBe(5000);
    expect(merged.series.map((s) => s.id).sort()).toEqual(['db/db_connections', 'shop/error_rate', 'shop/latency_p95']);
    expect(merged.points['shop/latency_p95']).toHaveLength(10);
    expect(merged.points['shop/latency_p95']!.at(-1)).toEqual([5000, 5000]);
    expect(merged.points['shop/error_rate']!.map(([t]) => t)).toEqual([4991, 4992, 4993, 4994, 4995, 4996, 4997, 4998, 4999, 5000]);
    expect(merged.points['db/db_connections']).toEqual([[42, 30]]);
    expect(merged.probes).toEqual([status('shop', 'down', 5000)]);
    expect(merged.markers.map((m) => m.label)).toEqual(['checkout_v2 → 46%', 'checkout_v2 → 47%', 'checkout_v2 → 48%', 'checkout_v2 → 49%', 'checkout_v2 → 50%']);
    expect(merged.baseline).toBeUndefined();
    expect(merger.take()).toBeNull();
  });

  it('keeps gaps: a null point survives the merge', () => {
    const merged = mergeBatches(batch(1, { 'shop/error_rate': 0.2 }), batch(2, { 'shop/error_rate': null }));
    expect(merged.points['shop/error_rate']).toEqual([
      [1, 0.2],
      [2, null],
    ]);
  });

  it('keeps the newest baseline, and a batch without one does not erase it; a cleared baseline stays cleared', () => {
    const base = { at: 5, by: 'maria', values: { 'shop/error_rate': 0.2 } };
    const withBase = mergeBatches(batch(5, {}, { baseline: base }), batch(6, { 'shop/error_rate': 0.3 }));
    expect(withBase.baseline).toEqual(base);
    const cleared = mergeBatches(batch(5, {}, { baseline: base }), batch(6, {}, { baseline: null }));
    expect(cleared.baseline).toBeNull();
  });

  it('does not change the batches it merges', () => {
    const a = batch(1, { 'shop/error_rate': 1 });
    const b = batch(2, { 'shop/error_rate': 2 });
    const before = JSON.stringify([a, b]);
    mergeBatches(a, b);
    expect(JSON.stringify([a, b])).toBe(before);
  });
});
