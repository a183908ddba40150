/**
 * The cockpit runs in the benchmark's own process (the groups build the
 * app in-process), so an event loop blocked for longer than HANG_MS is the
 * cockpit not answering, whatever was awaited at the time: a FIFO read
 * synchronously, say. A timer that fires late by that much says so.
 */
import { HANG_MS } from './tally';

/** Calls `onStall` with when the stall began and ended whenever the loop was blocked longer than HANG_MS; returns the stop. */
export function watchStalls(onStall: (from: number, to: number) => void, intervalMs = 250): () => void {
  let last = performance.now();
  const check = () => {
    const now = performance.now();
    const late = now - last - intervalMs;
    last = now;
    if (late > HANG_MS) onStall(now - late, now);
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  return () => {
    // A stall just before the stop, with no timer run since, counts too.
    check();
    clearInterval(timer);
  };
}
