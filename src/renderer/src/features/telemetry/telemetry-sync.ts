/**
 * Keeps the telemetry store in step with main: subscribe to telemetryBatch
 * first, then fetch a snapshot (so nothing emitted in between is lost), and
 * fetch again when the range changes or another runbook (and so another
 * profile) is opened.
 *
 * Batches are queued and folded into the store at most once per animation
 * frame: at 50 series and 20 samples a second the panel re-renders once per
 * frame, not once per event. The frame scheduler is injected (the app's
 * backs requestAnimationFrame with a timer, see telemetry-app.ts).
 */
import type { FlightdeckApi } from '../../../../shared/api';
import { FlightdeckError, messageOf } from '../../../../shared/errors';
import type { TelemetryBatch } from '../../../../shared/telemetry-model';
import { onReconnect } from '../connection/connection';
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
  /** Batches wait in the queue while a snapshot is on its way; they are folded on top of it. */
  let fetching = false;
  /** Numbers the requests, so only the newest answer is applied. */
  let latest = 0;
  let stopped = false;

  const flush = () => {
    cancelFrame = null;
    if (fetching || stopped) return;
    const batches = queue;
    queue = [];
    store.getState().applyBatches(batches);
  };
  const requestFlush = () => {
    if (cancelFrame === null && !fetching) cancelFrame = schedule(flush);
  };

  const fetchSnapshot = async () => {
    const rangeSeconds = store.getState().rangeSeconds;
    const request = ++latest;
    fetching = true;
    cancelFrame?.();
    cancelFrame = null;
    try {
      const snapshot = await api.getTelemetry({ rangeSeconds });
      // A newer request (another range) supersedes this answer.
      if (stopped || request !== latest) return;
      store.getState().applySnapshot(snapshot, rangeSeconds);
    } catch (error) {
      if (stopped || request !== latest) return;
      const unavailable = error instanceof FlightdeckError && error.code === 'unsupported';
      store.getState().fail(unavailable ? 'unavailable' : store.getState().phase, messageOf(error));
    } finally {
      if (request === latest) {
        fetching = false;
        if (queue.length > 0) requestFlush();
      }
    }
  };

  const unsubscribe = [
    api.on('telemetryBatch', (batch) => {
      queue.push(batch);
      requestFlush();
    }),
    api.on('cockpitReplaced', () => void fetchSnapshot()),
    onReconnect(() => void fetchSnapshot()),
  ];
  void fetchSnapshot();

  return {
    setRange(rangeSeconds) {
      store.getState().setRange(rangeSeconds);
      return fetchSnapshot();
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
      for (const off of unsubscribe) off();
    },
  };
}
