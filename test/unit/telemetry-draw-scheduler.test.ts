import { describe, expect, it } from 'vitest';
import { createDrawScheduler } from '../../src/renderer/src/features/telemetry/draw-scheduler';

/** A clock the graphs' draws advance, and frames the test runs by hand. */
function harness(budgetMs: number) {
  let now = 0;
  let frames: Array<() => void> = [];
  const scheduler = createDrawScheduler({ frame: (fn) => frames.push(fn), clock: () => now, budgetMs });
  const drawn: string[] = [];
  const graph = (name: string, costMs: number) => () => {
    now += costMs;
    drawn.push(name);
  };
  const frame = () => {
    const run = frames;
    frames = [];
    for (const fn of run) fn();
    const out = drawn.splice(0);
    return out;
  };
  return { scheduler, graph, frame };
}

describe('graph redraw turns', () => {
  it('draws as many graphs per frame as fit in the budget, at least one, and the rest next frame', () => {
    const { scheduler, graph, frame } = harness(8);
    const graphs = ['a', 'b', 'c', 'd', 'e'].map((name) => graph(name, 3));
    for (const draw of graphs) scheduler.request(draw);
    expect(frame()).toEqual(['a', 'b', 'c']); // 9 ms spent: over the budget after the third
    expect(frame()).toEqual(['d', 'e']);
    expect(frame()).toEqual([]);

    const slow = graph('slow', 50);
    scheduler.request(slow);
    expect(frame()).toEqual(['slow']);
  });

  it('gives one turn however often a graph asks while it waits, and lets none starve', () => {
    const { scheduler, graph, frame } = harness(5);
    const a = graph('a', 5);
    const b = graph('b', 5);
    const c = graph('c', 5);
    for (let i = 0; i < 10; i++) {
      scheduler.request(a);
      scheduler.request(b);
    }
    scheduler.request(c);
    expect(scheduler.pending).toBe(3);
    // a asks again every frame (its series keep changing); b and c still get theirs.
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      order.push(...frame());
      scheduler.request(a);
    }
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('forgets a graph that went away', () => {
    const { scheduler, graph, frame } = harness(8);
    const gone = graph('gone', 1);
    scheduler.request(gone);
    scheduler.cancel(gone);
    expect(frame()).toEqual([]);
    expect(scheduler.pending).toBe(0);
  });
});
