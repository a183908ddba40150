/**
 * A recorded metric history for a rehearsal, as JSON lines:
 *
 *   {"ts": "2026-01-01T10:00:00Z", "metric": "error_rate", "value": 0.4}
 *   {"ts": "2026-01-01T10:00:10Z", "metric": "error_rate", "value": null}
 *   {"baseline": true, "metric": "error_rate", "value": 0.3, "noise": 0.02}
 *
 * `metric` is a name of the vocabulary (src/shared/metrics.ts) and `value`
 * is in its normalised unit (error_rate in %, latencies in ms); null is a
 * gap (the source had no reading). A `"baseline": true` line gives the
 * value "unchanged or lower" compares against (`ts` optional there), and
 * optionally its noise (standard deviation over the baseline window), the
 * floor of the allowed drift (tolerance.ts).
 * Blank lines are skipped. Any other line is refused with its file, line
 * and field. Points are replayed in time order (a stable sort, so lines of
 * several sources may interleave).
 */
import { FlightdeckError } from '../../../shared/errors';
import { METRIC_NAMES, type MetricName } from '../../../shared/metrics';

export interface HistoryPoint {
  at: number;
  metric: MetricName;
  value: number | null;
  line: number;
}

export interface MetricHistory {
  points: HistoryPoint[];
  baseline: Partial<Record<MetricName, number>>;
  /** Noise per metric, where a baseline line gives one. */
  noise: Partial<Record<MetricName, number>>;
}

// `series` names the probe's series in a session's recorded metrics.jsonl; replay reads it as information only.
const KEYS = new Set(['ts', 'metric', 'value', 'baseline', 'series', 'noise']);
/** ISO 8601 with a date and time and an explicit zone: a history is compared across machines. */
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})$/;

/** One non-blank line of a history: a point (value null is a gap) or the baseline of a metric. */
export type HistoryLine =
  | { kind: 'point'; ts: string; at: number; metric: MetricName; value: number | null; series: string | null }
  | { kind: 'baseline'; metric: MetricName; value: number; noise: number | null };

/**
 * Reads one line of the format; null for a blank line. Refuses anything
 * else with its file, line and field. Shared with the session's recorded
 * metrics (telemetry/metrics-recorder.ts), which are written in this format.
 */
export function readHistoryLine(raw: string, file: string, line: number): HistoryLine | null {
  if (raw.trim() === '') return null;
  const fail = (message: string, field?: string): never => {
    throw new FlightdeckError('bad-input', message, { file, line, ...(field ? { field } : {}) });
  };
  let entry: unknown;
  try {
    entry = JSON.parse(raw);
  } catch (error) {
    fail(`is not JSON: ${(error as Error).message}`);
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) fail('must be a JSON object such as {"ts": "2026-01-01T10:00:00Z", "metric": "error_rate", "value": 0.4}.');
  const record = entry as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!KEYS.has(key)) fail(`has an unknown field "${key}" (fields: ts, metric, value, baseline, series, noise).`, key);
  if (record.baseline !== undefined && typeof record.baseline !== 'boolean') fail('baseline must be true or false.', 'baseline');
  if (record.series !== undefined && typeof record.series !== 'string') fail('series must be a string.', 'series');
  const metric = record.metric;
  if (typeof metric !== 'string' || !(METRIC_NAMES as string[]).includes(metric)) {
    fail(`metric ${JSON.stringify(metric ?? null)} is not a metric of the vocabulary (${METRIC_NAMES.join(', ')}).`, 'metric');
  }
  const value = record.value;
  const isBaseline = record.baseline === true;
  if (!(value === null && !isBaseline) && (typeof value !== 'number' || !Number.isFinite(value))) {
    fail(isBaseline ? 'value must be a number for a baseline.' : 'value must be a number in the metric\'s unit, or null for a gap.', 'value');
  }
  const noise = record.noise;
  if (noise !== undefined && (!isBaseline || typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0)) fail('noise must be a number of 0 or more, on a baseline line.', 'noise');
  if (isBaseline) return { kind: 'baseline', metric: metric as MetricName, value: value as number, noise: (noise as number | undefined) ?? null };
  const ts = record.ts;
  if (typeof ts !== 'string' || !ISO.test(ts) || Number.isNaN(Date.parse(ts))) fail(`ts must be an ISO 8601 time with a zone, e.g. "2026-01-01T10:00:00Z"; got ${JSON.stringify(ts ?? null)}.`, 'ts');
  return { kind: 'point', ts: ts as string, at: Date.parse(ts as string), metric: metric as MetricName, value: value as number | null, series: (record.series as string | undefined) ?? null };
}

export function parseMetricHistory(text: string, file: string): MetricHistory {
  const points: HistoryPoint[] = [];
  const baseline: Partial<Record<MetricName, number>> = {};
  const noise: Partial<Record<MetricName, number>> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const read = readHistoryLine(raw, file, index + 1);
    if (read?.kind === 'baseline') {
      baseline[read.metric] = read.value;
      if (read.noise !== null) noise[read.metric] = read.noise;
    } else if (read) points.push({ at: read.at, metric: read.metric, value: read.value, line: index + 1 });
  });
  points.sort((a, b) => a.at - b.at);
  return { points, baseline, noise };
}
