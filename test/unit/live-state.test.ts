/**
 * The renderer's one rule for keeping a feature in step with main
 * (lib/live-state.ts): subscribe first, read at start and on invalidation,
 * the newest read wins, events wait for a read in flight and land on top.
 * The api is a hand-driven fake: no main process exists in a unit test.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { liveState, type LiveState } from '../../src/renderer/src/lib/live-state';
import { startConnectionWatch } from '../../src/renderer/src/features/connection/connection';

/** Events the test emits by hand, and reads it answers by hand. */
function fakeMain() {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const reads: Array<{ resolve: (v: number) => void; reject: (e: unknown) => void }> = [];
  return {
    api: {
      on(event: string, listener: (payload: unknown) => void) {
        const set = listeners.get(event) ?? new Set();
        listeners.set(event, set);
        set.add(listener);
        return () => set.delete(listener);
      },
      onLink: () => () => undefined,
    } as never,
    read: () => new Promise<number>((resolve, reject) => reads.push({ resolve, reject })),
    reads,
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload)),
    count: (event: string) => listeners.get(event)?.size ?? 0,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let running: LiveState[] = [];
afterEach(() => {
  for (const live of running) live.stop();
  running = [];
});

function start(main: ReturnType<typeof fakeMain>, log: string[], invalidateOn?: Parameters<typeof liveState>[1]['invalidateOn']) {
  const live = liveState<number>(main.api, {
    read: main.read,
    apply: (n) => log.push(`read ${n}`),
    fail: (e) => log.push(`failed ${String(e)}`),
    events: { gatesChanged: (payload) => log.push(`event ${String(payload)}`) },
    ...(invalidateOn ? { invalidateOn } : {}),
  });
  running.push(live);
  return live;
}

describe('live state', () => {
  it('subscribes before it reads, and applies events that came meanwhile on top of the answer', async () => {
    const main = fakeMain();
    const log: string[] = [];
    start(main, log);
    expect(main.count('gatesChanged')).toBe(1);
    expect(main.reads).toHaveLength(1);
    main.emit('gatesChanged', 'a');
    main.emit('gatesChanged', 'b');
    expect(log).toEqual([]);
    main.reads[0]!.resolve(1);
    await settle();
    main.emit('gatesChanged', 'c');
    expect(log).toEqual(['read 1', 'event a', 'event b', 'event c']);
  });

  it('applies only the newest read: an older answer arriving last is dropped', async () => {
    const main = fakeMain();
    const log: string[] = [];
    const live = start(main, log);
    const refreshed = live.refresh();
    main.reads[1]!.resolve(2);
    main.reads[0]!.resolve(1);
    await refreshed;
    expect(log).toEqual(['read 2']);
  });

  it('holds events until the newest read settles, even when an older read settles first', async () => {
    const main = fakeMain();
    const log: string[] = [];
    const live = start(main, log);
    let firstDone = false;
    void live.refresh().then(() => (firstDone = true));
    main.emit('gatesChanged', 'x');
    main.reads[0]!.resolve(1);
    await settle();
    expect(log).toEqual([]);
    expect(firstDone).toBe(false);
    main.reads[1]!.resolve(2);
    await settle();
    expect(log).toEqual(['read 2', 'event x']);
    expect(firstDone).toBe(true);
  });

  it('reads again when another runbook opens and when main answers again after a restart', async () => {
    const main = fakeMain();
    const log: string[] = [];
    start(main, log);
    main.reads[0]!.resolve(1);
    await settle();
    main.emit('cockpitReplaced', {});
    expect(main.reads).toHaveLength(2);

    const stopWatch = startConnectionWatch(main.api);
    main.emit('heartbeat', { bootId: 'first', at: 0 });
    main.emit('heartbeat', { bootId: 'restarted', at: 0 });
    stopWatch();
    expect(main.reads).toHaveLength(3);
  });

  it('reports a failed read and still applies the events it held', async () => {
    const main = fakeMain();
    const log: string[] = [];
    start(main, log, []);
    main.emit('gatesChanged', 'a');
    main.reads[0]!.reject('down');
    await settle();
    main.emit('cockpitReplaced', {});
    expect(log).toEqual(['failed down', 'event a']);
    expect(main.reads).toHaveLength(1);
  });

  it('stops listening and applies nothing once stopped', async () => {
    const main = fakeMain();
    const log: string[] = [];
    const live = start(main, log);
    live.stop();
    main.reads[0]!.resolve(1);
    main.emit('gatesChanged', 'late');
    await settle();
    expect(log).toEqual([]);
    expect(main.count('gatesChanged')).toBe(0);
    expect(main.count('cockpitReplaced')).toBe(0);
  });
});
