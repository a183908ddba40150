/**
 * "Latest wins" for telemetry batches: folds any number of batches into one
 * whose size has a ceiling, so a renderer that falls behind gets the newest
 * values in one event instead of a queue that grows until memory runs out.
 * Telemetry uses it to coalesce samples between two emits, and the event
 * stream uses it per subscriber while the socket is full.
 *
 * What survives a merge: every series seen (by id, newest info wins), the
 * newest `pointsPerSeries` points of each, the newest status of each probe,
 * the newest `markers` markers, and the newest baseline when any batch set
 * one (a batch without the field leaves it as it was).
 */
import type { Baseline, Marker, Point, ProbeStatus, SeriesInfo, TelemetryBatch } from '../../../shared/telemetry-model';

export interface MergeLimits {
  pointsPerSeries: number;
  markers: number;
}

export const DEFAULT_MERGE_LIMITS: MergeLimits = { pointsPerSeries: 120, markers: 200 };

export class BatchMerger {
  private readonly limits: MergeLimits;
  private at = 0;
  private readonly series = new Map<string, SeriesInfo>();
  private readonly points = new Map<string, Point[]>();
  private readonly probes = new Map<string, ProbeStatus>();
  private markers: Marker[] = [];
  private baseline: Baseline | null | undefined = undefined;
  private empty = true;

  constructor(limits: Partial<MergeLimits> = {}) {
    this.limits = { ...DEFAULT_MERGE_LIMITS, ...limits };
  }

  /** True when nothing was added since the last take. */
  get isEmpty(): boolean {
    return this.empty;
  }

  add(batch: TelemetryBatch): void {
    this.empty = false;
    this.at = Math.max(this.at, batch.at);
    for (const info of batch.series) this.series.set(info.id, info);
    for (const [id, points] of Object.entries(batch.points)) this.addPoints(id, points);
    for (const status of batch.probes) this.probes.set(status.name, status);
    if (batch.markers.length > 0) {
      this.markers.push(...batch.markers);
      if (this.markers.length > this.limits.markers) this.markers = this.markers.slice(-this.limits.markers);
    }
    if (batch.baseline !== undefined) this.baseline = batch.baseline;
  }

  addPoints(id: string, points: readonly Point[]): void {
    if (points.length === 0) return;
    this.empty = false;
    const held = this.points.get(id);
    if (!held) {
      this.points.set(id, points.slice(-this.limits.pointsPerSeries));
      return;
    }
    for (const point of points) held.push(point);
    // Trim in steps rather than on every push: amortised O(1) per point.
    if (held.length >= 2 * this.limits.pointsPerSeries) held.splice(0, held.length - this.limits.pointsPerSeries);
  }

  addSeries(info: SeriesInfo): void {
    this.empty = false;
    this.series.set(info.id, info);
  }

  addProbe(status: ProbeStatus): void {
    this.empty = false;
    this.probes.set(status.name, status);
  }

  stamp(at: number): void {
    this.at = Math.max(this.at, at);
  }

  /** The merged batch, or null when nothing was added; the merger is empty afterwards. */
  take(): TelemetryBatch | null {
    if (this.empty) return null;
    const points: Record<string, Point[]> = {};
    for (const [id, held] of this.points) points[id] = held.length > this.limits.pointsPerSeries ? held.slice(-this.limits.pointsPerSeries) : held;
    const batch: TelemetryBatch = {
      at: this.at,
      series: [...this.series.values()],
      points,
      probes: [...this.probes.values()],
      markers: this.markers,
    };
    if (this.baseline !== undefined) batch.baseline = this.baseline;
    this.series.clear();
    this.points.clear();
    this.probes.clear();
    this.markers = [];
    this.baseline = undefined;
    this.empty = true;
    return batch;
  }
}

/** Two batches as one, older first; neither is changed. */
export function mergeBatches(older: TelemetryBatch, newer: TelemetryBatch, limits?: Partial<MergeLimits>): TelemetryBatch {
  const merger = new BatchMerger(limits);
  merger.add(older);
  merger.add(newer);
  return merger.take()!;
}
