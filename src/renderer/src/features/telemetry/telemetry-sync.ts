/**
 * Keeps the telemetry store in step with main through the one sync
 * mechanism (lib/live-state.ts): the snapshot for the chosen range read at
 * start, after a reconnect, when another runbook (and so another profile)
 * is opened and when the range changes; telemetryBatch events folded on top.
 *
 * Batches are queued and folded into the store at most once per animation
 * frame: at 50 series and 20 samples a second the panel re-renders once per
 * frame, not once per event. The frame scheduler is injected (the app's
 * backs requestAnimationFrame with a timer, see telemetry-app.ts).
 */
import type { FlightdeckApi } from '../../../../shared/api';
import { FlightdeckError, messageOf } from '../../../../shared/errors';
import type { TelemetryBatch, TelemetrySnapshot } from '../../../../shared/telemetry-model';
import { liveState } from '../../lib/live-state';
import type { RangeSeconds, TelemetryStore } from './telemetry-store';

export interface FrameScheduler {
  /** Runs fn before the next paint (or soon, where there are no frames); returns a cancel function. */
  (fn: () => void): () => void;
}

export interface TelemetrySync {
  /** Changes the range and fetches the snapshot for it. */
  setRange(rangeSeconds: RangeSeconds): Promise<void>;
  captureBaseline(): Promise<void>;
  stop(): void;
}

type TelemetryApi = Pick<FlightdeckApi, 'on' | 'getTelemetry' | 'captureBaseline'>;

export function startTelemetrySync(api: TelemetryApi, store: TelemetryStore, schedule: FrameScheduler): TelemetrySync {
  let queue: TelemetryBatch[] = [];
  let cancelFrame: (() => void) | null = null;
  let stopped = false;

  const flush = () => {
    cancelFrame = null;
    if (stopped) return;
    const batches = queue;
    queue = [];
    store.getState().applyBatches(batches);
  };
  const requestFlush = () => {
    if (cancelFrame === null) cancelFrame = schedule(flush);
  };

  const live = liveState<{ snapshot: TelemetrySnapshot; rangeSeconds: RangeSeconds }>(api, {
    read: async () => {
      const rangeSeconds = store.getState().rangeSeconds;
      return { snapshot: await api.getTelemetry({ rangeSeconds }), rangeSeconds };
    },
    apply: ({ snapshot, rangeSeconds }) => store.getState().applySnapshot(snapshot, rangeSeconds),
    fail: (error) => {
      const unavailable = error instanceof FlightdeckError && error.code === 'unsupported';
      store.getState().fail(unavailable ? 'unavailable' : store.getState().phase, messageOf(error));
    },
    events: {
      telemetryBatch: (batch) => {
        queue.push(batch);
        requestFlush();
      },
    },
  });

  return {
    setRange(rangeSeconds) {
      store.getState().setRange(rangeSeconds);
      return live.refresh();
    },
    async captureBaseline() {
      store.getState().setCapturing(true);
      try {
        store.getState().setBaseline(await api.captureBaseline());
      } catch (error) {
        store.getState().fail(store.getState().phase, messageOf(error));
      }
    },
    stop() {
      stopped = true;
      cancelFrame?.();
      cancelFrame = null;
      queue = [];
      live.stop();
    },
  };
}
