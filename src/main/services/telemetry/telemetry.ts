/**
 * Live telemetry for one deployment profile: runs its probes on their
 * intervals, keeps each probe's status light (unknown until it answers,
 * down when it misses its deadline), writes their samples into the metric
 * store as `<probe>/<metric>` series with a gap whenever a probe fails, and
 * hands the renderer one coalesced TelemetryBatch per emit interval, only
 * when something changed. Markers (flag changes, rollbacks, gate decisions)
 * and the baseline live here too, so a snapshot carries everything a graph
 * draws.
 */
import { FlightdeckError } from '../../../shared/errors';
import { MARKER_KINDS, type Baseline, type Marker, type ProbeStatus, type SeriesInfo, type TelemetryBatch, type TelemetrySnapshot } from '../../../shared/telemetry-model';
import { MetricStore } from '../metrics/metric-store';
import { noiseOf } from '../gates/tolerance';
import type { ProbeConfig } from '../profile/probes-schema';
import type { Probe, ProbeReading } from '../probes/probe';
import { BatchMerger } from './batch-merger';
import type { RecordedPoint } from './metrics-recorder';
import { ProbeRunner } from './probe-runner';
import { configTarget, seriesId, seriesInfo } from './series-info';

export type MarkerKind = Marker['kind'];

export interface TelemetryOptions {
  probes: readonly ProbeConfig[];
  /** Builds a probe from its config; the caller binds secrets and clock (probes/create-probe.ts). */
  createProbe: (config: ProbeConfig) => Probe;
  /** Receives each coalesced batch, e.g. `(batch) => events.emit('telemetryBatch', batch)`. */
  emit: (batch: TelemetryBatch) => void;
  /** Epoch milliseconds for samples, markers and the baseline. */
  clock?: () => number;
  /** For the jitter of each probe's first run. */
  random?: () => number;
  store?: MetricStore;
  /** How often batches leave; at most one batch per interval. */
  emitIntervalMs?: number;
  /** Markers kept for snapshots; the oldest go first. */
  maxMarkers?: number;
}

/**
 * Ten batches a second: sample-to-paint p95 stays under 150 ms at 50 series
 * × 20 Hz (bench:stream), for a few percent of main's CPU; at 250 ms it was
 * 275 ms.
 */
export const DEFAULT_EMIT_INTERVAL_MS = 100;

/** The baseline is the mean of each series over this last stretch. */
export const BASELINE_WINDOW_MS = 60_000;
const MAX_LABEL = 200;

export class Telemetry {
  /** False when the profile has no probes: nothing to watch. */
  readonly active: boolean;
  readonly store: MetricStore;
  private readonly clock: () => number;
  private readonly emitIntervalMs: number;
  private readonly maxMarkers: number;
  private readonly runners: ProbeRunner[];
  private readonly statuses = new Map<string, ProbeStatus>();
  private readonly series = new Map<string, SeriesInfo>();
  private readonly seriesOfProbe = new Map<string, Set<string>>();
  private readonly statusListeners = new Set<(status: ProbeStatus) => void>();
  private readonly pending = new BatchMerger({ pointsPerSeries: 256, markers: 200 });
  private markers: Marker[] = [];
  private currentBaseline: Baseline | null = null;
  /** Per rate-computing probe: since when it has answered without a break (null while down). */
  private readonly upSince = new Map<string, number | null>();
  private emitTimer: NodeJS.Timeout | null = null;
  private state: 'new' | 'running' | 'stopped' = 'new';

  constructor(private readonly options: TelemetryOptions) {
    this.clock = options.clock ?? Date.now;
    this.emitIntervalMs = options.emitIntervalMs ?? DEFAULT_EMIT_INTERVAL_MS;
    this.maxMarkers = options.maxMarkers ?? 1000;
    this.store = options.store ?? new MetricStore();
    this.active = options.probes.length > 0;
    const random = options.random ?? Math.random;
    const names = new Set<string>();
    for (const config of options.probes) {
      if (names.has(config.name)) throw new FlightdeckError('bad-input', `Two probes are named "${config.name}"; probe names must be unique.`, { field: 'probes' });
      names.add(config.name);
      this.statuses.set(config.name, {
        name: config.name,
        kind: config.kind,
        target: configTarget(config),
        health: 'unknown',
        message: 'not checked yet',
        checkedAt: null,
        latencyMs: null,
        details: {},
      });
    }
    this.runners = options.probes.map((config) => {
      const runner: ProbeRunner = new ProbeRunner({
        config,
        createProbe: options.createProbe,
        clock: this.clock,
        random,
        onReading: (reading, at) => this.record(config, runner, reading, at),
      });
      return runner;
    });
  }

  /** Starts every probe and the batch timer. Once only. */
  start(): void {
    if (this.state !== 'new') return;
    this.state = 'running';
    for (const runner of this.runners) runner.start();
    this.emitTimer = setInterval(() => this.flush(), this.emitIntervalMs);
    this.emitTimer.unref();
  }

  /**
   * Puts a session's recorded means (metrics.jsonl, 10 s each) back into the
   * store before the probes start, so after a restart or a reopen the graphs
   * still show the window so far. Only series of this profile's probes, only
   * from `fromMs` on, oldest first. Each restored series ends with a gap, so
   * no line bridges the time nothing was watching. Returns the points taken;
   * 0 once started (live samples are newer than anything on disk).
   */
  restoreHistory(points: readonly RecordedPoint[], fromMs: number): number {
    if (this.state !== 'new') return 0;
    const configs = new Map(this.options.probes.map((config) => [config.name, config]));
    const timed = points.map((point) => ({ point, at: Date.parse(point.ts) })).filter(({ at }) => at >= fromMs);
    timed.sort((a, b) => a.at - b.at);
    const lastAt = new Map<string, number>();
    let restored = 0;
    for (const { point, at } of timed) {
      const probe = point.series.slice(0, Math.max(0, point.series.lastIndexOf('/')));
      const config = configs.get(probe);
      if (!config || seriesId(probe, point.metric) !== point.series) continue;
      const info = this.series.get(point.series) ?? this.newSeries(config, seriesInfo(probe, { metric: point.metric, value: point.value }));
      if (!info || !this.store.add(info.id, at, point.value)) continue;
      const owned = this.seriesOfProbe.get(probe) ?? new Set<string>();
      this.seriesOfProbe.set(probe, owned.add(info.id));
      lastAt.set(info.id, at);
      restored++;
    }
    for (const [id, at] of lastAt) this.store.add(id, at + 1, null);
    return restored;
  }

  /** Clears every timer, aborts runs in flight and closes every probe. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    if (this.emitTimer) clearInterval(this.emitTimer);
    this.emitTimer = null;
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  probeStatuses(): ProbeStatus[] {
    return [...this.statuses.values()];
  }

  probeStatus(name: string): ProbeStatus | null {
    return this.statuses.get(name) ?? null;
  }

  /** Called with each new status of any probe (a rollback waiting for health listens here). */
  onProbeStatus(listener: (status: ProbeStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => {
      this.statusListeners.delete(listener);
    };
  }

  get baseline(): Baseline | null {
    return this.currentBaseline;
  }

  /** Everything a graph needs for the last `rangeSeconds`, at most `maxPoints` per series. */
  snapshot(rangeSeconds: number, maxPoints = 1000): TelemetrySnapshot {
    const now = this.clock();
    const from = now - rangeSeconds * 1000;
    const points: TelemetrySnapshot['points'] = {};
    for (const id of this.series.keys()) points[id] = this.store.range(id, from, now, maxPoints);
    return {
      now,
      active: this.active,
      probes: this.probeStatuses(),
      series: [...this.series.values()],
      points,
      markers: this.markers.filter((m) => m.at >= from && m.at <= now).sort((a, b) => a.at - b.at),
      baseline: this.currentBaseline,
    };
  }

  /** A mark on every graph's time axis; `at` defaults to now (pass the journal entry's time when replaying). */
  addMarker(kind: MarkerKind, label: string, at: number = this.clock()): Marker {
    if (!(MARKER_KINDS as readonly string[]).includes(kind)) throw new FlightdeckError('bad-input', `Unknown marker kind "${kind}"; use one of ${MARKER_KINDS.join(', ')}.`, { field: 'kind' });
    const text = label.trim().slice(0, MAX_LABEL);
    const marker: Marker = { at, kind, label: text === '' ? kind : text };
    this.markers.push(marker);
    if (this.markers.length > this.maxMarkers) this.markers = this.markers.slice(-this.maxMarkers);
    this.pending.add({ at: this.clock(), series: [], points: {}, probes: [], markers: [marker] });
    return marker;
  }

  /**
   * Takes the mean of each series over the last minute as the baseline to
   * compare against, and marks the moment on the graphs. Refused while no
   * series has a value yet: an empty baseline would compare against nothing.
   */
  captureBaseline(by: string | null): Baseline {
    const now = this.clock();
    const values: Record<string, number> = {};
    // Each series' own jitter over the same minute: the floor under "unchanged or lower" (gates/tolerance.ts).
    const noise: Record<string, number> = {};
    for (const id of this.series.keys()) {
      const mean = this.store.meanOver(id, BASELINE_WINDOW_MS, now);
      if (mean !== null) values[id] = mean;
      const spread = noiseOf(this.store.range(id, now - BASELINE_WINDOW_MS, now).flatMap(([, v]) => (v === null ? [] : [v])));
      if (mean !== null && spread !== null) noise[id] = spread;
    }
    if (Object.keys(values).length === 0) {
      throw new FlightdeckError('not-found', this.active ? 'No probe has reported a value in the last minute yet, so there is nothing to take as a baseline. Try again once the graphs show data.' : 'There are no probes in the profile, so there is nothing to take as a baseline.');
    }
    const baseline: Baseline = { at: now, by, values, noise };
    this.setBaseline(baseline);
    this.addMarker('baseline', by ? `Baseline captured by ${by}` : 'Baseline captured', now);
    return baseline;
  }

  /** Restores a baseline (from the journal's baseline.captured entry), or clears it with null. */
  setBaseline(baseline: Baseline | null): void {
    this.currentBaseline = baseline;
    this.pending.add({ at: this.clock(), series: [], points: {}, probes: [], markers: [], baseline });
  }

  /**
   * From when a series' readings may be judged (epoch ms). A Prometheus
   * probe's rates cover its window (windowSeconds): right after a start or
   * a reconnect they cover a few seconds, where one failed request is a
   * false spike. Its points still show on the graphs, but the gates treat
   * them as not yet judged until the window has filled since it came up.
   * Other probes read the present: judged at once. Infinity while down.
   */
  judgedFrom(seriesId: string): number {
    const probe = seriesId.slice(0, Math.max(0, seriesId.lastIndexOf('/')));
    const config = this.options.probes.find((p) => p.name === probe);
    if (!config || config.kind !== 'prometheus') return Number.NEGATIVE_INFINITY;
    const since = this.upSince.get(probe);
    return since === undefined || since === null ? Number.POSITIVE_INFINITY : since + config.windowSeconds * 1000;
  }

  private record(config: ProbeConfig, runner: ProbeRunner, reading: ProbeReading, at: number): void {
    if (config.kind === 'prometheus') this.upSince.set(config.name, reading.health === 'down' ? null : (this.upSince.get(config.name) ?? at));
    const status: ProbeStatus = {
      name: config.name,
      kind: config.kind,
      target: runner.target ?? configTarget(config),
      health: reading.health,
      message: reading.message,
      checkedAt: at,
      latencyMs: reading.latencyMs,
      details: reading.details,
    };
    this.statuses.set(config.name, status);
    this.pending.addProbe(status);

    const owned = this.seriesOfProbe.get(config.name) ?? new Set<string>();
    this.seriesOfProbe.set(config.name, owned);
    const written = new Set<string>();
    for (const sample of reading.samples) {
      const info = this.series.get(seriesId(config.name, sample.metric)) ?? this.newSeries(config, seriesInfo(config.name, sample));
      if (!info) continue;
      owned.add(info.id);
      written.add(info.id);
      this.write(info, at, sample.value);
    }
    // Series this reading did not mention (the probe failed, or lost a reading) get a gap, so no line bridges the outage.
    for (const id of owned) if (!written.has(id)) this.write(this.series.get(id)!, at, null);

    for (const listener of this.statusListeners) {
      try {
        listener(status);
      } catch {
        this.statusListeners.delete(listener);
      }
    }
  }

  private newSeries(config: ProbeConfig, info: SeriesInfo): SeriesInfo | null {
    if (!this.store.define(info.id, config.intervalSeconds * 1000)) return null;
    this.series.set(info.id, info);
    return info;
  }

  private write(info: SeriesInfo, at: number, value: number | null): void {
    const v = value !== null && Number.isFinite(value) ? value : null;
    if (!this.store.add(info.id, at, v)) return;
    this.pending.addSeries(info);
    this.pending.addPoints(info.id, [[at, v]]);
  }

  private flush(): void {
    if (this.pending.isEmpty) return;
    this.pending.stamp(this.clock());
    const batch = this.pending.take()!;
    try {
      this.options.emit(batch);
    } catch {
      // A sink that throws (a closed window) must not stop telemetry; the hub drops such listeners.
    }
  }
}
