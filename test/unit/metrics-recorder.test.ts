/**
 * The window's metrics on disk: one mean per series per 10 s, gaps left as
 * gaps, a hard cap, and lines `flightdeck replay --metrics` reads as they are.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMetricHistory } from '../../src/main/services/gates/metric-history';
import { MetricsRecorder, readRecordedMetrics } from '../../src/main/services/telemetry/metrics-recorder';
import { tempDir } from '../support/app';

const T0 = Date.parse('2026-01-01T10:00:00Z');
const SERIES = [
  { id: 'shop/error_rate', probe: 'shop', metric: 'error_rate', label: 'Error rate', unit: '%' },
  { id: 'shop/latency_p95', probe: 'shop', metric: 'latency_p95', label: 'p95', unit: 'ms' },
  { id: 'cache/connected_clients', probe: 'cache', metric: 'connected_clients', label: 'Clients', unit: 'count' },
];

describe('MetricsRecorder', () => {
  const dirs: Array<{ remove: () => void }> = [];
  const file = () => {
    const dir = tempDir('flightdeck-metrics-');
    dirs.push(dir);
    return join(dir.path, 'metrics.jsonl');
  };
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it('writes the mean of each series per 10 s once the next interval starts, and the rest on flush', () => {
    const path = file();
    const recorder = new MetricsRecorder({ file: path });
    recorder.addBatch({ series: SERIES, points: { 'shop/error_rate': [[T0 + 1000, 0.2], [T0 + 5000, 0.6]], 'shop/latency_p95': [[T0 + 2000, 180]] } });
    expect(readRecordedMetrics(path)).toEqual([]);
    recorder.addBatch({ series: [], points: { 'shop/error_rate': [[T0 + 11_000, 1.5]] } });
    expect(readRecordedMetrics(path)).toEqual([{ ts: '2026-01-01T10:00:00.000Z', series: 'shop/error_rate', metric: 'error_rate', value: 0.4 }]);
    recorder.flush();
    expect(readRecordedMetrics(path)).toEqual([
      { ts: '2026-01-01T10:00:00.000Z', series: 'shop/error_rate', metric: 'error_rate', value: 0.4 },
      { ts: '2026-01-01T10:00:10.000Z', series: 'shop/error_rate', metric: 'error_rate', value: 1.5 },
      { ts: '2026-01-01T10:00:00.000Z', series: 'shop/latency_p95', metric: 'latency_p95', value: 180 },
    ]);
  });

  it('leaves a gap where a probe did not answer and skips readings outside the metric vocabulary', () => {
    const path = file();
    const recorder = new MetricsRecorder({ file: path });
    recorder.addBatch({ series: SERIES, points: { 'shop/error_rate': [[T0, null], [T0 + 10_000, 0.3]], 'cache/connected_clients': [[T0, 12]] } });
    recorder.flush();
    expect(readRecordedMetrics(path).map((p) => [p.ts, p.value])).toEqual([['2026-01-01T10:00:10.000Z', 0.3]]);
  });

  it('stops at its cap and says so once', () => {
    const path = file();
    const problems: string[] = [];
    const recorder = new MetricsRecorder({ file: path, maxBytes: 300, onProblem: (m) => problems.push(m) });
    for (let i = 0; i < 20; i++) recorder.addBatch({ series: SERIES, points: { 'shop/error_rate': [[T0 + i * 10_000, i]] } });
    recorder.flush();
    expect(readFileSync(path).length).toBeLessThanOrEqual(300);
    expect(readRecordedMetrics(path).length).toBeGreaterThan(0);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('300 bytes');
  });

  it('skips a torn last line but refuses a bad line in the middle, naming it', () => {
    const path = file();
    const good = JSON.stringify({ ts: '2026-01-01T10:00:00.000Z', series: 's/error_rate', metric: 'error_rate', value: 1 });
    writeFileSync(path, `${good}\n{"ts":"2026-01-01T10:0`);
    expect(readRecordedMetrics(path)).toHaveLength(1);
    writeFileSync(path, `${good}\nnot json\n${good}\n`);
    expect(() => readRecordedMetrics(path)).toThrow(expect.objectContaining({ line: 2 }));
  });

  it('writes lines that the replay reader accepts as they are', () => {
    const path = file();
    const recorder = new MetricsRecorder({ file: path });
    recorder.addBatch({ series: SERIES, points: { 'shop/error_rate': [[T0, 0.5], [T0 + 10_000, 2.5]], 'shop/latency_p95': [[T0, 200]] } });
    recorder.flush();
    const history = parseMetricHistory(readFileSync(path, 'utf8'), path);
    expect(history.points.map((p) => [p.at, p.metric, p.value])).toEqual([
      [T0, 'error_rate', 0.5],
      [T0, 'latency_p95', 200],
      [T0 + 10_000, 'error_rate', 2.5],
    ]);
  });
});
