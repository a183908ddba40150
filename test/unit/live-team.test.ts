/**
 * The team window's main side (src/main/app/live-team.ts): getTeam's answer
 * follows the attached source, and teamChanged is coalesced. The source
 * here is an in-memory fake: the real team sync is being written by
 * someone else at the same time, and this module must not depend on it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { call, tempDir, testApp } from '../support/app';
import { LiveTeam, TEAM_COALESCE_MS, type TeamSource } from '../../src/main/app/live-team';
import type { EventName, EventPayload } from '../../src/shared/contract';
import type { TeamView } from '../../src/shared/team-model';
import { waitFor } from '../support/wait';

function view(n: number): TeamView {
  return {
    session: 'team-1',
    store: '127.0.0.1:5432/flightdeck',
    you: { key: 'k-you', name: 'You' },
    connection: 'connected',
    lastError: null,
    members: [],
    unshared: Array.from({ length: n }, (_, i) => i + 1),
    lease: null,
    refused: [],
    items: {},
    head: null,
  };
}

/** In-memory TeamSource (see the file comment for why a fake). */
class FakeTeam implements TeamSource {
  current = view(0);
  private readonly listeners = new Set<(v: TeamView) => void>();
  view() {
    return this.current;
  }
  onChange(listener: (v: TeamView) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  set(v: TeamView) {
    this.current = v;
    for (const l of this.listeners) l(v);
  }
  get subscribers() {
    return this.listeners.size;
  }
}

const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

let team: LiveTeam | null = null;
afterEach(() => team?.close());

function recorder() {
  const sent: Array<TeamView | null> = [];
  const events = { emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void (name === 'teamChanged' && sent.push(payload as TeamView | null)) };
  return { sent, events };
}

describe('LiveTeam', () => {
  it('answers null until a source is attached, then its view; leaving the team says null to the renderers at once', () => {
    const { sent, events } = recorder();
    team = new LiveTeam({ events, log: quietLog });
    expect(team.view()).toBeNull();
    const source = new FakeTeam();
    team.attach(source);
    expect(team.view()).toEqual(view(0));
    expect(sent).toEqual([view(0)]);
    team.attach(null);
    expect(team.view()).toBeNull();
    expect(sent).toEqual([view(0), null]);
    expect(source.subscribers).toBe(0);
  });

  it('sends at most one teamChanged per coalescing window, and the latest view wins', async () => {
    const { sent, events } = recorder();
    team = new LiveTeam({ events, log: quietLog });
    const source = new FakeTeam();
    team.attach(source);
    // 200 changes in one burst (ten members ticking at 20 Hz make as many in a second), right after the attach's own event.
    for (let i = 1; i <= 200; i++) source.set(view(i));
    expect(sent.map((v) => v?.unshared.length)).toEqual([0]);
    await waitFor('the last view sent', () => sent[sent.length - 1]?.unshared.length === 200);
    // The attach's view, then only the burst's latest.
    expect(sent.map((v) => v?.unshared.length)).toEqual([0, 200]);
    // A quiet spell later, the next change goes out at once.
    await new Promise((resolve) => setTimeout(resolve, TEAM_COALESCE_MS * 2));
    const before = sent.length;
    source.set(view(7));
    expect(sent.length).toBe(before + 1);
    expect(sent[sent.length - 1]?.unshared.length).toBe(7);
  });

  it('a source that throws gives null, not a failed getTeam', () => {
    const errors: string[] = [];
    team = new LiveTeam({ events: recorder().events, log: { ...quietLog, error: (m: string) => void errors.push(m) } });
    team.attach({ view: () => { throw new Error('boom'); }, onChange: () => () => undefined });
    expect(team.view()).toBeNull();
    expect(errors).toContain('the team view could not be read');
  });
});

describe('getTeam and teamChanged through the app', () => {
  it('answer null when not joined, then the attached view, through the same event path as every event', async () => {
    const dir = tempDir('flightdeck-live-team-');
    const app = testApp(dir.path);
    try {
      expect(await call(app, 'getTeam')).toBeNull();
      const seen: unknown[] = [];
      const off = app.events.subscribe((name, payload) => void (name === 'teamChanged' && seen.push(payload)));
      const source = new FakeTeam();
      app.team.attach(source);
      expect(await call(app, 'getTeam')).toEqual(view(0));
      expect(seen).toEqual([view(0)]);
      off();
    } finally {
      await app.close();
      dir.remove();
    }
  });
});
