/**
 * What the renderer sees of live telemetry: probe status lights, series of
 * samples, markers on the time axis and the baseline. Times are epoch
 * milliseconds; a `null` value is a gap (the probe did not answer), never 0.
 */
import { z } from 'zod';

export const PROBE_KINDS = ['http', 'tls', 'prometheus', 'redis', 'postgres', 'mongodb'] as const;
export const PROBE_HEALTH = ['up', 'degraded', 'down', 'unknown'] as const;
export type ProbeHealth = (typeof PROBE_HEALTH)[number];

export const ProbeStatusSchema = z.object({
  name: z.string(),
  kind: z.enum(PROBE_KINDS),
  /** Where it points, without credentials (user info and secrets stripped). */
  target: z.string(),
  /** A probe that has not answered yet is unknown, not up. */
  health: z.enum(PROBE_HEALTH),
  /** One line for the status light's tooltip: "200 in 42 ms", "timed out after 3000 ms (headers)". */
  message: z.string(),
  checkedAt: z.number().nullable(),
  latencyMs: z.number().nullable(),
  /** Probe-specific readings for the detail view (days left, connections, ...). */
  details: z.record(z.string(), z.union([z.number(), z.string(), z.null()])),
});
export type ProbeStatus = z.infer<typeof ProbeStatusSchema>;

export const SeriesInfoSchema = z.object({
  /** `<probe>/<metric>`, e.g. "shop-metrics/error_rate". */
  id: z.string(),
  probe: z.string(),
  /** A name of the metric vocabulary (src/shared/metrics.ts) or a probe-specific reading. */
  metric: z.string(),
  label: z.string(),
  unit: z.string(),
});
export type SeriesInfo = z.infer<typeof SeriesInfoSchema>;

/** [time, value]; value null is a gap. */
export const PointSchema = z.tuple([z.number(), z.number().nullable()]);
export type Point = z.infer<typeof PointSchema>;

export const MARKER_KINDS = ['flag', 'rollback', 'gate', 'baseline', 'command', 'backup'] as const;
export const MarkerSchema = z.object({
  at: z.number(),
  kind: z.enum(MARKER_KINDS),
  label: z.string(),
});
export type Marker = z.infer<typeof MarkerSchema>;

export const BaselineSchema = z.object({
  at: z.number(),
  by: z.string().nullable(),
  /** Series id to value at capture time (the mean of the last minute). */
  values: z.record(z.string(), z.number()),
  /** Series id to its standard deviation over the same minute: the noise floor of "unchanged or lower". */
  noise: z.record(z.string(), z.number()).optional(),
});
export type Baseline = z.infer<typeof BaselineSchema>;

export const TelemetrySnapshotSchema = z.object({
  now: z.number(),
  /** False when there is no profile and no demo environment: nothing to probe. */
  active: z.boolean(),
  probes: z.array(ProbeStatusSchema),
  series: z.array(SeriesInfoSchema),
  /** Points per series id over the asked range, at the store's best resolution for it. */
  points: z.record(z.string(), z.array(PointSchema)),
  markers: z.array(MarkerSchema),
  baseline: BaselineSchema.nullable(),
});
export type TelemetrySnapshot = z.infer<typeof TelemetrySnapshotSchema>;

/**
 * One coalesced event: what changed since the last batch. When the renderer
 * falls behind, batches merge and keep only the latest points per series,
 * so the queue never grows.
 */
export const TelemetryBatchSchema = z.object({
  at: z.number(),
  series: z.array(SeriesInfoSchema),
  points: z.record(z.string(), z.array(PointSchema)),
  probes: z.array(ProbeStatusSchema),
  markers: z.array(MarkerSchema),
  baseline: BaselineSchema.nullable().optional(),
});
export type TelemetryBatch = z.infer<typeof TelemetryBatchSchema>;
