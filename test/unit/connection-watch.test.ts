/**
 * The renderer's connection rule: silence past LOST_AFTER_MS or a dropped
 * stream is "Not connected"; the next beat reconnects and every registered
 * sync refetches; a beat from a restarted main refetches even if the
 * restart was too quick to be noticed as lost.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HEARTBEAT_INTERVAL_MS, LOST_AFTER_MS } from '../../src/shared/connection';
import { onReconnect, startConnectionWatch, useConnection } from '../../src/renderer/src/features/connection/connection';

type Beat = { bootId: string; at: number };

function fakeApi() {
  let beat: ((payload: Beat) => void) | null = null;
  let link: ((up: boolean) => void) | null = null;
  const api = {
    on: (_name: string, listener: (payload: Beat) => void) => {
      beat = listener;
      return () => (beat = null);
    },
    onLink: (listener: (up: boolean) => void) => {
      link = listener;
      return () => (link = null);
    },
  };
  return { api: api as never, beat: (bootId: string) => beat!({ bootId, at: Date.now() }), link: (up: boolean) => link!(up) };
}

let stop: () => void = () => undefined;
let refetches = 0;
let offReconnect: () => void = () => undefined;

beforeEach(() => {
  vi.useFakeTimers();
  useConnection.setState({ state: 'connected', since: Date.now() });
  refetches = 0;
  offReconnect = onReconnect(() => refetches++);
});
afterEach(() => {
  stop();
  offReconnect();
  vi.useRealTimers();
});

describe('the connection watch', () => {
  it('stays connected while beats come, and is lost after LOST_AFTER_MS of silence', () => {
    const fake = fakeApi();
    stop = startConnectionWatch(fake.api);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(HEARTBEAT_INTERVAL_MS);
      fake.beat('boot-1');
    }
    expect(useConnection.getState().state).toBe('connected');
    vi.advanceTimersByTime(LOST_AFTER_MS + 250);
    expect(useConnection.getState().state).toBe('lost');
    expect(refetches).toBe(0);

    fake.beat('boot-1');
    expect(useConnection.getState().state).toBe('connected');
    expect(refetches).toBe(1);
  });

  it('is lost the moment the stream drops, and a restarted main is refetched from even without a loss', () => {
    const fake = fakeApi();
    stop = startConnectionWatch(fake.api);
    fake.beat('boot-1');
    fake.link(false);
    expect(useConnection.getState().state).toBe('lost');
    fake.link(true);
    // The stream is open, but only main's own beat says it answers.
    expect(useConnection.getState().state).toBe('lost');
    fake.beat('boot-2');
    expect(useConnection.getState().state).toBe('connected');
    expect(refetches).toBe(1);
    fake.beat('boot-3');
    expect(refetches).toBe(2);
    fake.beat('boot-3');
    expect(refetches).toBe(2);
  });
});
