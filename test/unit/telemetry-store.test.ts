import { describe, expect, it } from 'vitest';
import { MAX_POINTS_PER_SERIES, resolutionFor, SeriesBuffer } from '../../src/renderer/src/features/telemetry/telemetry-buffer';
import { createTelemetryStore } from '../../src/renderer/src/features/telemetry/telemetry-store';
import { startTelemetrySync } from '../../src/renderer/src/features/telemetry/telemetry-sync';
import { FlightdeckError } from '../../src/shared/errors';
import type { Point, ProbeStatus, SeriesInfo, TelemetryBatch, TelemetrySnapshot } from '../../src/shared/telemetry-model';

const T0 = 1_800_000_000_000;
const info = (probe: string, metric: string): SeriesInfo => ({ id: `${probe}/${metric}`, probe, metric, label: metric, unit: '%' });
const probe = (name: string, health: ProbeStatus['health'], checkedAt: number | null): ProbeStatus => ({
  name,
  kind: 'http',
  target: 'http://127.0.0.1/health',
  health,
  message: health,
  checkedAt,
  latencyMs: null,
  details: {},
});
const snapshot = (over: Partial<TelemetrySnapshot> = {}): TelemetrySnapshot => ({
  now: T0,
  active: true,
  probes: [],
  series: [],
  points: {},
  markers: [],
  baseline: null,
  ...over,
});
const batch = (over: Partial<TelemetryBatch> = {}): TelemetryBatch => ({ at: T0, series: [], points: {}, probes: [], markers: [], ...over });

/** A telemetry api whose answers and events the test releases by hand. */
function controlledApi() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const requests: Array<{ rangeSeconds: number; resolve: (s: TelemetrySnapshot) => void; reject: (e: unknown) => void }> = [];
  const api = {
    on(event: string, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    getTelemetry(input: { rangeSeconds: number }) {
      return new Promise<TelemetrySnapshot>((resolve, reject) => requests.push({ rangeSeconds: input.rangeSeconds, resolve, reject }));
    },
    captureBaseline() {
      return Promise.resolve({ at: T0, by: 'Dana', values: { 'shop/error_rate': 0.2 } });
    },
  };
  return {
    api: api as unknown as Parameters<typeof startTelemetrySync>[0],
    requests,
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    listenerCount: (event: string) => listeners.get(event)?.size ?? 0,
  };
}

/** A frame scheduler the test advances by hand. */
function manualFrames() {
  let pending: Array<() => void> = [];
  return {
    schedule: (fn: () => void) => {
      pending.push(fn);
      return () => (pending = pending.filter((f) => f !== fn));
    },
    frame() {
      const run = pending;
      pending = [];
      for (const fn of run) fn();
    },
    get waiting() {
      return pending.length;
    },
  };
}

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('a series buffer', () => {
  it('keeps every point when they are further apart than its resolution', () => {
    const buffer = new SeriesBuffer(100);
    buffer.append([
      [T0, 1],
      [T0 + 200, null],
      [T0 + 400, 3],
    ]);
    expect(buffer.toPoints()).toEqual([
      [T0, 1],
      [T0 + 200, null],
      [T0 + 400, 3],
    ]);
    expect(buffer.lastValue()).toBe(3);
  });

  it('folds close points into their mean at the time of the last, and a gap only when all were gaps', () => {
    const buffer = new SeriesBuffer(1000);
    buffer.append([
      [T0 + 100, 1],
      [T0 + 300, null],
      [T0 + 500, 3],
      [T0 + 1100, null],
      [T0 + 1200, null],
    ]);
    expect(buffer.toPoints()).toEqual([
      [T0 + 500, 2],
      [T0 + 1200, null],
    ]);
  });

  it('drops points not newer than its last one, so a snapshot and a batch can overlap', () => {
    const buffer = new SeriesBuffer(0);
    buffer.append([
      [T0, 1],
      [T0 + 10, 2],
    ]);
    expect(
      buffer.append([
        [T0 + 10, 99],
        [T0 + 5, 99],
        [T0 + 20, 3],
      ]),
    ).toBe(1);
    expect(buffer.toPoints().map(([, v]) => v)).toEqual([1, 2, 3]);
  });

  it('holds no more than the graphs draw over a range, however fast samples come', () => {
    const range = 300;
    const buffer = new SeriesBuffer(resolutionFor(range));
    // Five minutes at 20 Hz, then trimmed to the range.
    for (let i = 0; i < range * 20; i++) buffer.append([[T0 + i * 50, i % 7]]);
    buffer.trim(T0 + range * 20 * 50 - range * 1000);
    expect(buffer.length).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES + 1);
    expect(buffer.length).toBeGreaterThan(MAX_POINTS_PER_SERIES / 2);
  });

  it('finds the point nearest a time, for the tooltip', () => {
    const buffer = new SeriesBuffer(0);
    expect(buffer.nearest(T0)).toBeNull();
    buffer.append([
      [T0, 1],
      [T0 + 100, null],
      [T0 + 200, 3],
    ]);
    expect(buffer.nearest(T0 - 50)).toEqual([T0, 1]);
    expect(buffer.nearest(T0 + 40)).toEqual([T0, 1]);
    expect(buffer.nearest(T0 + 90)).toEqual([T0 + 100, null]);
    expect(buffer.nearest(T0 + 160)).toEqual([T0 + 200, 3]);
    expect(buffer.nearest(T0 + 9999)).toEqual([T0 + 200, 3]);
  });

  it('trims points older than the range', () => {
    const buffer = new SeriesBuffer(0);
    for (let i = 0; i < 1000; i++) buffer.append([[T0 + i, i]]);
    buffer.trim(T0 + 900);
    expect(buffer.length).toBe(100);
    expect(buffer.toPoints()[0]).toEqual([T0 + 900, 900]);
  });
});

describe('the telemetry sync', () => {
  it('subscribes before it fetches, and folds batches that came meanwhile on top of the snapshot', async () => {
    const store = createTelemetryStore();
    const frames = manualFrames();
    const { api, requests, emit, listenerCount } = controlledApi();
    startTelemetrySync(api, store, frames.schedule);
    expect(listenerCount('telemetryBatch')).toBe(1);
    expect(requests).toHaveLength(1);

    const s = info('shop', 'error_rate');
    emit('telemetryBatch', batch({ at: T0 + 2000, series: [s], points: { [s.id]: [[T0 + 1000, 0.3], [T0 + 2000, 0.4]] }, probes: [probe('shop', 'down', T0 + 2000)] }));
    expect(frames.waiting).toBe(0); // nothing is applied before the snapshot is in

    requests[0]!.resolve(snapshot({ now: T0 + 1500, series: [s], points: { [s.id]: [[T0, 0.1], [T0 + 1000, 0.3]] }, probes: [probe('shop', 'up', T0 + 1000)] }));
    await flushPromises();
    frames.frame();
    const state = store.getState();
    expect(state.phase).toBe('ready');
    expect(state.buffers.get(s.id)!.toPoints()).toEqual([
      [T0, 0.1],
      [T0 + 1000, 0.3],
      [T0 + 2000, 0.4],
    ]);
    expect(state.probes.map((p) => p.health)).toEqual(['down']);
    expect(state.now).toBe(T0 + 2000);
  });

  it('applies any number of batches in one store update per frame', async () => {
    const store = createTelemetryStore();
    const frames = manualFrames();
    const { api, requests, emit } = controlledApi();
    startTelemetrySync(api, store, frames.schedule);
    const series = Array.from({ length: 50 }, (_, i) => info(`p${i}`, 'error_rate'));
    requests[0]!.resolve(snapshot({ series }));
    await flushPromises();

    let updates = 0;
    store.subscribe(() => updates++);
    // 50 series, five samples each a second apart, one event per sample: 250 events before the frame.
    for (let tick = 1; tick <= 5; tick++) {
      for (const s of series) emit('telemetryBatch', batch({ at: T0 + tick * 1000, points: { [s.id]: [[T0 + tick * 1000, tick]] } }));
    }
    expect(updates).toBe(0);
    expect(frames.waiting).toBe(1);
    frames.frame();
    expect(updates).toBe(1);
    for (const s of series) expect(store.getState().buffers.get(s.id)!.length).toBe(5);
  });

  it('keeps a newer probe reading when an older one arrives behind it', async () => {
    const store = createTelemetryStore();
    const frames = manualFrames();
    const { api, requests, emit } = controlledApi();
    startTelemetrySync(api, store, frames.schedule);
    requests[0]!.resolve(snapshot({ probes: [probe('shop', 'down', T0 + 5000)] }));
    await flushPromises();
    emit('telemetryBatch', batch({ probes: [probe('shop', 'up', T0 + 3000), probe('db', 'unknown', null)] }));
    frames.frame();
    expect(store.getState().probes.map((p) => `${p.name}:${p.health}`)).toEqual(['shop:down', 'db:unknown']);
  });

  it('fetches again for another range and ignores the answer to the range it replaced', async () => {
    const store = createTelemetryStore();
    const { api, requests } = controlledApi();
    const sync = startTelemetrySync(api, store, manualFrames().schedule);
    void sync.setRange(3600);
    expect(requests.map((r) => r.rangeSeconds)).toEqual([300, 3600]);
    const s = info('shop', 'error_rate');
    requests[1]!.resolve(snapshot({ series: [s], points: { [s.id]: [[T0 - 3_000_000, 1]] } }));
    await flushPromises();
    requests[0]!.resolve(snapshot({ series: [s], points: { [s.id]: [[T0, 2]] } }));
    await flushPromises();
    expect(store.getState().rangeSeconds).toBe(3600);
    expect(store.getState().buffers.get(s.id)!.toPoints()).toEqual([[T0 - 3_000_000, 1]]);
  });

  it('fetches again when another runbook is opened', async () => {
    const store = createTelemetryStore();
    const { api, requests, emit } = controlledApi();
    startTelemetrySync(api, store, manualFrames().schedule);
    requests[0]!.resolve(snapshot({ active: false }));
    await flushPromises();
    expect(store.getState().active).toBe(false);
    emit('cockpitReplaced', {});
    expect(requests).toHaveLength(2);
    requests[1]!.resolve(snapshot({ active: true, probes: [probe('shop', 'unknown', null)] }));
    await flushPromises();
    expect(store.getState().active).toBe(true);
  });

  it('says telemetry is unavailable when main refuses it, and stops listening when stopped', async () => {
    const store = createTelemetryStore();
    const { api, requests, listenerCount } = controlledApi();
    const sync = startTelemetrySync(api, store, manualFrames().schedule);
    requests[0]!.reject(new FlightdeckError('unsupported', 'Not available yet.'));
    await flushPromises();
    expect(store.getState()).toMatchObject({ phase: 'unavailable', active: false, error: 'Not available yet.' });
    sync.stop();
    expect(listenerCount('telemetryBatch')).toBe(0);
    expect(listenerCount('cockpitReplaced')).toBe(0);
  });

  it('trims each series to the chosen range as batches arrive', async () => {
    const store = createTelemetryStore();
    const frames = manualFrames();
    const { api, requests, emit } = controlledApi();
    startTelemetrySync(api, store, frames.schedule);
    const s = info('shop', 'error_rate');
    const old: Point[] = [[T0 - 400_000, 1]];
    requests[0]!.resolve(snapshot({ series: [s], points: { [s.id]: old } }));
    await flushPromises();
    emit('telemetryBatch', batch({ at: T0, points: { [s.id]: [[T0, 2]] } }));
    frames.frame();
    expect(store.getState().buffers.get(s.id)!.toPoints()).toEqual([[T0, 2]]);
  });

  it('stores the captured baseline', async () => {
    const store = createTelemetryStore();
    const { api } = controlledApi();
    const sync = startTelemetrySync(api, store, manualFrames().schedule);
    await sync.captureBaseline();
    expect(store.getState().baseline).toEqual({ at: T0, by: 'Dana', values: { 'shop/error_rate': 0.2 } });
    expect(store.getState().capturing).toBe(false);
  });
});
