/**
 * Keeps the key metrics of a whole deployment window on disk, beside the
 * journal, so the completion report can draw them later, also from the CLI
 * where no live store exists, and `flightdeck replay --metrics` can replay
 * them. The live store keeps a bounded, shrinking history in memory; this
 * keeps one mean per series per interval (10 s by default), for the metrics
 * of the vocabulary (src/shared/metrics.ts), as a JSON line:
 *
 *   {"ts":"2026-01-01T10:00:00.000Z","series":"shop-metrics/error_rate","metric":"error_rate","value":0.4}
 *
 * The cost is bounded: a line is about 110 bytes, one per series per
 * interval, so 8 hours at 10 s is 2,880 lines, about 320 KB per series
 * (2.5 MB for the demo profile's eight vocabulary series); past MAX_FILE_BYTES (32 MB)
 * the recorder stops writing and says so once.
 * Metrics are evidence, not the truth: lines are appended without fsync, and
 * a torn last line is skipped when read.
 */
import { appendFileSync, existsSync, statSync } from 'node:fs';
import { FILE_LIMITS, readRegularFileSync } from '../storage/read-regular-file';
import { readHistoryLine } from '../gates/metric-history';
import { METRICS } from '../../../shared/metrics';
import type { TelemetryBatch } from '../../../shared/telemetry-model';
import { PRIVATE_FILE_MODE } from '../storage/private-fs';

export const METRICS_FILE = 'metrics.jsonl';
export const DEFAULT_RECORD_INTERVAL_MS = 10_000;
export const MAX_FILE_BYTES = 32 * 1024 * 1024;

export interface RecordedPoint {
  ts: string;
  series: string;
  metric: string;
  value: number;
}

export interface MetricsRecorderOptions {
  file: string;
  intervalMs?: number;
  maxBytes?: number;
  /** Told once when the file reaches its cap or cannot be written. */
  onProblem?: (message: string) => void;
}

interface Bucket {
  index: number;
  metric: string;
  sum: number;
  count: number;
}

export class MetricsRecorder {
  private readonly intervalMs: number;
  private readonly maxBytes: number;
  private readonly open = new Map<string, Bucket>();
  private readonly metrics = new Map<string, string>();
  private bytes: number;
  private stopped = false;

  constructor(private readonly options: MetricsRecorderOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_RECORD_INTERVAL_MS;
    this.maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
    this.bytes = existsSync(options.file) ? statSync(options.file).size : 0;
  }

  /** Takes the points of one telemetry batch; a bucket is written when a later one starts. */
  addBatch(batch: Pick<TelemetryBatch, 'series' | 'points'>): void {
    for (const info of batch.series) this.metrics.set(info.id, info.metric);
    const lines: string[] = [];
    for (const [id, points] of Object.entries(batch.points)) {
      // The vocabulary's metrics only: what the report graphs and what replay accepts.
      if (!(this.metricOf(id) in METRICS)) continue;
      for (const [t, value] of points) {
        const line = this.add(id, t, value);
        if (line) lines.push(line);
      }
    }
    this.write(lines);
  }

  /** Writes the buckets still open (the session is closing or switching). */
  flush(): void {
    const lines: string[] = [];
    for (const [id, bucket] of this.open) {
      const line = this.line(id, bucket);
      if (line) lines.push(line);
    }
    this.open.clear();
    this.write(lines);
  }

  private add(id: string, t: number, value: number | null): string | null {
    const index = Math.floor(t / this.intervalMs);
    let bucket = this.open.get(id);
    let done: string | null = null;
    if (bucket && bucket.index !== index) {
      // A late point of an earlier bucket is dropped rather than rewriting the file.
      if (index < bucket.index) return null;
      done = this.line(id, bucket);
      bucket = undefined;
    }
    if (!bucket) {
      bucket = { index, metric: this.metricOf(id), sum: 0, count: 0 };
      this.open.set(id, bucket);
    }
    // A gap (null) adds nothing: a bucket with no value writes no line, which reads as a gap.
    if (value !== null && Number.isFinite(value)) {
      bucket.sum += value;
      bucket.count++;
    }
    return done;
  }

  /** Series ids are `<probe>/<metric>`; the batch that introduced the series says so too. */
  private metricOf(id: string): string {
    return this.metrics.get(id) ?? id.slice(id.lastIndexOf('/') + 1);
  }

  private line(id: string, bucket: Bucket): string | null {
    if (bucket.count === 0) return null;
    const point: RecordedPoint = { ts: new Date(bucket.index * this.intervalMs).toISOString(), series: id, metric: bucket.metric, value: Number((bucket.sum / bucket.count).toPrecision(6)) };
    return JSON.stringify(point);
  }

  private write(lines: string[]): void {
    if (lines.length === 0 || this.stopped) return;
    const text = `${lines.join('\n')}\n`;
    if (this.bytes + text.length > this.maxBytes) {
      this.stop(`Recorded metrics reached ${this.maxBytes} bytes; later points are not recorded for the report.`);
      return;
    }
    try {
      // Owner-only when created, like the journal beside it.
      appendFileSync(this.options.file, text, { mode: PRIVATE_FILE_MODE });
      this.bytes += Buffer.byteLength(text);
    } catch (error) {
      this.stop(`Recording metrics failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private stop(message: string): void {
    this.stopped = true;
    this.options.onProblem?.(message);
  }
}

/**
 * Reads a recorded metrics file, in file order. A torn last line (a crash
 * mid-append) is skipped; any other bad line is refused with its line
 * number, by the same reader `flightdeck replay` uses.
 */
export function readRecordedMetrics(file: string): RecordedPoint[] {
  if (!existsSync(file)) return [];
  // A session directory can be named on the command line: refuse a FIFO or device there rather than block on it.
  const lines = readRegularFileSync(file, { maxBytes: FILE_LIMITS.metricHistoryBytes, what: 'recorded metrics' }).toString('utf8').split('\n');
  const points: RecordedPoint[] = [];
  lines.forEach((text, i) => {
    if (i >= lines.length - 2 && !isJson(text)) return;
    const read = readHistoryLine(text, file, i + 1);
    if (read?.kind === 'point' && read.value !== null) points.push({ ts: read.ts, series: read.series ?? read.metric, metric: read.metric, value: read.value });
  });
  return points;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
