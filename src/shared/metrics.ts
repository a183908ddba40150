/**
 * The metric vocabulary: the one list of metric names a runbook threshold,
 * a probe, a gate or a recorded metric history may use. Every name has one
 * normalised unit, so "p95 < 0.5s" and "p95 < 500ms" compare as equals.
 *
 * `better` says which direction is healthy; gates and graphs use it to tell
 * a regression from an improvement.
 */
export const METRICS = {
  error_rate: { unit: '%', better: 'lower', label: 'Error rate' },
  latency_avg: { unit: 'ms', better: 'lower', label: 'Latency (average)' },
  latency_p50: { unit: 'ms', better: 'lower', label: 'Latency p50' },
  latency_p90: { unit: 'ms', better: 'lower', label: 'Latency p90' },
  latency_p95: { unit: 'ms', better: 'lower', label: 'Latency p95' },
  latency_p99: { unit: 'ms', better: 'lower', label: 'Latency p99' },
  cache_hit_rate: { unit: '%', better: 'higher', label: 'Cache hit rate' },
  cpu: { unit: '%', better: 'lower', label: 'CPU usage' },
  memory: { unit: '%', better: 'lower', label: 'Memory usage' },
  db_connections: { unit: '%', better: 'lower', label: 'Database connections in use' },
  disk_free: { unit: '%', better: 'higher', label: 'Free disk' },
  uptime: { unit: '%', better: 'higher', label: 'Uptime' },
  cert_expiry: { unit: 's', better: 'higher', label: 'TLS certificate validity left' },
  rollback_time: { unit: 's', better: 'lower', label: 'Time to roll back' },
} as const;

export type MetricName = keyof typeof METRICS;
export const METRIC_NAMES = Object.keys(METRICS) as MetricName[];

/** The unit a metric is measured in ("%", "ms"), or none for a metric Flightdeck does not know. */
export function unitOfMetric(metric: string): string {
  return metric in METRICS ? METRICS[metric as MetricName].unit : '';
}

/**
 * Units after normalisation. `%` for rates and ratios, `ms` for latencies,
 * `s` for durations, `bytes` and `count` where a runbook states an absolute
 * amount ("memory < 2 GB", "db connections < 200").
 */
export const UNITS = ['%', 'ms', 's', 'bytes', 'count'] as const;
export type Unit = (typeof UNITS)[number];

export const COMPARATORS = ['<', '<=', '>', '>='] as const;
export type Comparator = (typeof COMPARATORS)[number];

/** Whether "value op line" holds: the one comparison main's conditions and the shared alarm rule use. */
export function compare(value: number, op: Comparator, line: number): boolean {
  switch (op) {
    case '<':
      return value < line;
    case '<=':
      return value <= line;
    case '>':
      return value > line;
    case '>=':
      return value >= line;
  }
}
