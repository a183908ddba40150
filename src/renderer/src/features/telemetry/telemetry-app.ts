/**
 * The app's telemetry sync, bound to the real api and the one store, and
 * the actions the panel calls on it. Apart from telemetry-sync.ts so that
 * the sync logic can be tested without a window or a bridge.
 */
import { api } from '../../api';
import { createDrawScheduler } from './draw-scheduler';
import { telemetryStore, type RangeSeconds } from './telemetry-store';
import { startTelemetrySync, type FrameScheduler, type TelemetrySync } from './telemetry-sync';

/** Graphs redraw in turns, at most this many milliseconds of drawing per frame (see draw-scheduler.ts). */
const DRAW_BUDGET_MS = 8;

export const drawScheduler = createDrawScheduler({ frame: (fn) => requestAnimationFrame(fn), clock: () => performance.now(), budgetMs: DRAW_BUDGET_MS });

/**
 * requestAnimationFrame, with a timer for windows that get no frames (the
 * queue of batches must not grow while nobody looks). The graphs whose
 * series changed draw in the same frame, within the budget.
 */
const animationFrame: FrameScheduler = (fn) => {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
    fn();
    if (!document.hidden) drawScheduler.runNow();
  };
  const frame = requestAnimationFrame(run);
  const timer = setTimeout(run, 250);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
};

let current: TelemetrySync | null = null;

/** Starts the sync; returns the cleanup for a useEffect. */
export function startTelemetry(): () => void {
  const sync = startTelemetrySync(api, telemetryStore, animationFrame);
  current = sync;
  return () => {
    sync.stop();
    if (current === sync) current = null;
  };
}

export const telemetryActions = {
  setRange: (rangeSeconds: RangeSeconds) => current?.setRange(rangeSeconds),
  captureBaseline: () => current?.captureBaseline(),
};
