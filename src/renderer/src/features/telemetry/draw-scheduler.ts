/**
 * Hands out turns to redraw graphs within a time budget per frame. A
 * recharts graph with ten lines costs milliseconds to redraw, and fifty
 * series at 20 Hz ask for a redraw of every graph every frame; drawing them
 * all at once would drop frames, and the release manager would see a
 * stuttering window. Graphs that are due queue here once (asking again
 * while queued does not add a second turn) and are drawn in order, as many
 * per frame as fit in the budget (at least one), the rest in the next frame.
 * A graph drawn goes to the back of the queue, so none starves.
 */

export interface DrawScheduler {
  /** Queues draw for a turn; a no-op when it is already queued. */
  request(draw: () => void): void;
  /** Takes draw out of the queue (the graph went away). */
  cancel(draw: () => void): void;
  /** Draws what fits in the budget now (the telemetry frame calls this right after applying batches). */
  runNow(): void;
  readonly pending: number;
}

export interface DrawSchedulerOptions {
  /** Schedules fn for the next frame. */
  frame: (fn: () => void) => void;
  /** Milliseconds, monotonic. */
  clock: () => number;
  budgetMs: number;
}

export function createDrawScheduler({ frame, clock, budgetMs }: DrawSchedulerOptions): DrawScheduler {
  const queue = new Set<() => void>();
  let scheduled = false;

  const schedule = () => {
    if (scheduled || queue.size === 0) return;
    scheduled = true;
    frame(() => {
      scheduled = false;
      runNow();
    });
  };

  const runNow = () => {
    const start = clock();
    // A snapshot: a graph asking again while it draws waits for the next frame.
    for (const draw of [...queue]) {
      if (!queue.has(draw)) continue;
      queue.delete(draw);
      try {
        draw();
      } catch (error) {
        // One broken graph must not stop the others from drawing; React's boundary reports it.
        queueMicrotask(() => {
          throw error;
        });
      }
      if (clock() - start >= budgetMs) break;
    }
    schedule();
  };

  return {
    request(draw) {
      queue.add(draw);
      schedule();
    },
    cancel(draw) {
      queue.delete(draw);
    },
    runNow,
    get pending() {
      return queue.size;
    },
  };
}
