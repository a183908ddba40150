/**
 * Live telemetry as the renderer holds it: probe lights, the series and
 * their points over the chosen range, markers and the baseline. Kept apart
 * from the cockpit store because it changes many times a second and the
 * checklist must not re-render with it.
 *
 * Points live in mutable SeriesBuffers (see telemetry-buffer.ts); the state
 * only carries a revision per series, so a graph re-renders when one of its
 * own series changed and nothing else does.
 */
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Baseline, Marker, ProbeStatus, SeriesInfo, TelemetryBatch, TelemetrySnapshot } from '../../../../shared/telemetry-model';
import { resolutionFor, SeriesBuffer } from './telemetry-buffer';

export const RANGES = [
  { seconds: 300, label: '5 min' },
  { seconds: 900, label: '15 min' },
  { seconds: 3600, label: '1 h' },
  { seconds: 8 * 3600, label: '8 h' },
] as const;
export type RangeSeconds = (typeof RANGES)[number]['seconds'];

/** Markers kept at most; older ones fall off first. */
const MAX_MARKERS = 500;

export interface TelemetryState {
  /** loading until the first snapshot; unavailable when main refused (no telemetry in this build or mode). */
  phase: 'loading' | 'ready' | 'unavailable';
  /** Why the last call failed, for the panel to say. */
  error: string | null;
  /** False when nothing is configured: the placeholder shows. */
  active: boolean;
  rangeSeconds: RangeSeconds;
  /** Main's clock at the newest snapshot or batch: the right edge of the graphs. */
  now: number;
  /** This window's clock minus main's, measured at the last snapshot. */
  clockOffset: number;
  probes: ProbeStatus[];
  series: SeriesInfo[];
  markers: Marker[];
  baseline: Baseline | null;
  capturing: boolean;
  /** Bumped per series id whenever its buffer changed. */
  revisions: Record<string, number>;
  /** The points, read through the SeriesBuffer methods; identity never changes. */
  buffers: Map<string, SeriesBuffer>;

  setRange(rangeSeconds: RangeSeconds): void;
  applySnapshot(snapshot: TelemetrySnapshot, rangeSeconds: RangeSeconds): void;
  /** Folds batches in arrival order; called at most once per frame. */
  applyBatches(batches: readonly TelemetryBatch[]): void;
  setBaseline(baseline: Baseline): void;
  setCapturing(capturing: boolean): void;
  fail(phase: 'loading' | 'ready' | 'unavailable', error: string): void;
  /** Moves the right edge on when no batch came (a stalled stream still shows time passing). */
  advanceTo(now: number): void;
}

export type TelemetryStore = StoreApi<TelemetryState>;

export function createTelemetryStore(): TelemetryStore {
  return createStore<TelemetryState>()((set, get) => ({
    phase: 'loading',
    error: null,
    active: false,
    rangeSeconds: 300,
    now: 0,
    clockOffset: 0,
    probes: [],
    series: [],
    markers: [],
    baseline: null,
    capturing: false,
    revisions: {},
    buffers: new Map(),

    setRange(rangeSeconds) {
      set({ rangeSeconds });
    },

    applySnapshot(snapshot, rangeSeconds) {
      const buffers = get().buffers;
      buffers.clear();
      const revisions: Record<string, number> = {};
      const previous = get().revisions;
      const resolution = resolutionFor(rangeSeconds);
      for (const info of snapshot.series) {
        const buffer = new SeriesBuffer(resolution);
        buffer.append(snapshot.points[info.id] ?? []);
        buffers.set(info.id, buffer);
        revisions[info.id] = (previous[info.id] ?? 0) + 1;
      }
      set({
        phase: 'ready',
        error: null,
        active: snapshot.active,
        rangeSeconds,
        now: snapshot.now,
        clockOffset: Date.now() - snapshot.now,
        probes: snapshot.probes,
        series: snapshot.series,
        markers: snapshot.markers.slice(-MAX_MARKERS),
        baseline: snapshot.baseline,
        revisions,
      });
    },

    applyBatches(batches) {
      if (batches.length === 0) return;
      const state = get();
      const resolution = resolutionFor(state.rangeSeconds);
      let now = state.now;
      let series = state.series;
      let probes = state.probes;
      let markers = state.markers;
      let baseline = state.baseline;
      const touched = new Set<string>();
      const known = new Set(series.map((s) => s.id));
      for (const batch of batches) {
        now = Math.max(now, batch.at);
        const fresh = batch.series.filter((s) => !known.has(s.id));
        if (fresh.length > 0) {
          series = [...series, ...fresh];
          for (const s of fresh) known.add(s.id);
        }
        for (const [id, points] of Object.entries(batch.points)) {
          let buffer = state.buffers.get(id);
          if (!buffer) {
            buffer = new SeriesBuffer(resolution);
            state.buffers.set(id, buffer);
          }
          if (buffer.append(points) > 0) touched.add(id);
        }
        if (batch.probes.length > 0) probes = mergeProbes(probes, batch.probes);
        if (batch.markers.length > 0) markers = mergeMarkers(markers, batch.markers);
        if (batch.baseline !== undefined) baseline = batch.baseline;
      }
      const cutoff = now - state.rangeSeconds * 1000;
      const revisions = { ...state.revisions };
      for (const id of touched) {
        state.buffers.get(id)!.trim(cutoff);
        revisions[id] = (revisions[id] ?? 0) + 1;
      }
      // A probe's first batch makes the panel live even if the snapshot said nothing was configured.
      const active = state.active || series.length > 0 || probes.length > 0;
      set({ now, series, probes, markers, baseline, revisions, active });
    },

    setBaseline(baseline) {
      set({ baseline, capturing: false, error: null });
    },

    setCapturing(capturing) {
      set({ capturing });
    },

    fail(phase, error) {
      set({ phase, error, capturing: false });
    },

    advanceTo(now) {
      if (now > get().now) set({ now });
    },
  }));
}

/** Newer readings replace older ones; a batch queued behind a snapshot cannot turn a light back. */
function mergeProbes(current: ProbeStatus[], changed: ProbeStatus[]): ProbeStatus[] {
  const merged = [...current];
  for (const probe of changed) {
    const i = merged.findIndex((p) => p.name === probe.name);
    if (i < 0) merged.push(probe);
    else if ((probe.checkedAt ?? -Infinity) >= (merged[i]!.checkedAt ?? -Infinity)) merged[i] = probe;
  }
  return merged;
}

/** Markers a snapshot already held arrive again in batches queued behind it. */
function mergeMarkers(current: Marker[], fresh: Marker[]): Marker[] {
  const key = (m: Marker) => `${m.at}|${m.kind}|${m.label}`;
  const seen = new Set(current.map(key));
  const added = fresh.filter((m) => !seen.has(key(m)));
  return added.length === 0 ? current : [...current, ...added].slice(-MAX_MARKERS);
}

/** The app's one telemetry store. */
export const telemetryStore = createTelemetryStore();

export function useTelemetry<T>(selector: (state: TelemetryState) => T): T {
  return useStore(telemetryStore, selector);
}
