/** The team window's sentences (src/shared/team-words.ts), as the panel, the rollback dialog and the items say them. */
import { describe, expect, it } from 'vitest';
import { clockTime } from '../../src/shared/format';
import type { TeamItem, TeamItemEvent, TeamLease } from '../../src/shared/team-model';
import {
  connectionWords,
  followRollbackWords,
  itemEventWords,
  itemNotYetShared,
  lastSeenWords,
  lastTickEvent,
  leaseWords,
  memberWhereWords,
  refusalWords,
  teamChecked,
  unsharedWords,
} from '../../src/shared/team-words';

const store = 'db.example.com:5432/flightdeck';
const lease = (over: Partial<TeamLease> = {}): TeamLease => ({
  holderKey: 'k-ada',
  holder: 'Ada',
  purpose: 'rollback',
  subject: 'plan app-only',
  expiresAt: '2026-12-03T13:02:00Z',
  expired: false,
  you: false,
  ...over,
});
const event = (over: Partial<TeamItemEvent>): TeamItemEvent => ({ kind: 'tick', text: null, author: 'Ada', by: 'Ada', at: '2026-12-03T13:00:00Z', seq: 1, ...over });

describe('team words', () => {
  it('says the connection to the store, with the reason when offline', () => {
    expect(connectionWords({ connection: 'connected', store, lastError: null })).toBe(`Connected to ${store}`);
    expect(connectionWords({ connection: 'connecting', store, lastError: null })).toBe(`Connecting to ${store}…`);
    expect(connectionWords({ connection: 'offline', store, lastError: 'connect ECONNREFUSED 10.0.0.5:5432' })).toBe('Offline: connect ECONNREFUSED 10.0.0.5:5432');
    expect(connectionWords({ connection: 'offline', store, lastError: null })).toBe(`Offline: ${store} cannot be reached`);
  });

  it('counts what is not yet shared, and says nothing when all is', () => {
    expect(unsharedWords(0)).toBeNull();
    expect(unsharedWords(3)).toBe('3 not yet shared');
  });

  it('says when an offline member was last seen, in the one duration format, never in the future', () => {
    const now = new Date('2026-12-03T13:00:12Z');
    expect(lastSeenWords('2026-12-03T13:00:00Z', now)).toBe('last seen 12 s ago');
    expect(lastSeenWords('2026-12-03T12:55:00Z', now)).toBe('last seen 5 min 12 s ago');
    expect(lastSeenWords('2026-12-03T13:00:20Z', now)).toBe('last seen 0 s ago');
    expect(lastSeenWords(null, now)).toBe('never seen');
  });

  it("names a member's phase and item by the runbook's titles where known, else by id", () => {
    const titles = new Map([['deploy', 'Deploy'], ['deploy/flip', 'Flip checkout_v2 to 10 %']]);
    expect(memberWhereWords({ phase: 'deploy', item: 'deploy/flip' }, (id) => titles.get(id) ?? null)).toBe('Deploy · Flip checkout_v2 to 10 %');
    expect(memberWhereWords({ phase: 'verify', item: null }, (id) => titles.get(id) ?? null)).toBe('verify');
    expect(memberWhereWords({ phase: null, item: null })).toBeNull();
  });

  it('says who holds the single flight and for what; an expired lease with its time and why', () => {
    expect(leaseWords(lease())).toBe('Ada is rolling back: plan app-only');
    expect(leaseWords(lease({ purpose: 'flag', subject: 'checkout_v2' }))).toBe('Ada is moving flags: checkout_v2');
    expect(leaseWords(lease({ you: true, subject: null }))).toBe('You are rolling back');
    const at = clockTime(new Date('2026-12-03T13:02:00Z'));
    expect(leaseWords(lease({ expired: true }))).toBe(`Ada's lease expired at ${at} (their laptop stopped answering)`);
  });

  it('makes the rollback button follow only a live rollback someone else holds', () => {
    expect(followRollbackWords({ lease: lease() })).toBe('Ada is rolling back: follow it');
    expect(followRollbackWords({ lease: lease({ you: true }) })).toBeNull();
    expect(followRollbackWords({ lease: lease({ expired: true }) })).toBeNull();
    expect(followRollbackWords({ lease: lease({ purpose: 'flag' }) })).toBeNull();
    expect(followRollbackWords({ lease: null })).toBeNull();
    expect(followRollbackWords(null)).toBeNull();
  });

  it("names the refused entry with the store's reason", () => {
    expect(refusalWords({ seq: 12, message: "(item.ticked by Ada): its signature is not Ada's" })).toBe("Refused from the team store: entry 12 (item.ticked by Ada): its signature is not Ada's");
    expect(refusalWords({ seq: 7, message: 'the previous hash does not match entry 6' })).toBe('Refused from the team store: entry 7: the previous hash does not match entry 6');
  });

  it("says each event of an item's history by its author, and whose name they recorded it under when different", () => {
    expect(itemEventWords(event({}))).toBe('Ada ticked');
    expect(itemEventWords(event({ kind: 'untick', author: 'Bob', by: 'Bob' }))).toBe('Bob unticked');
    expect(itemEventWords(event({ kind: 'note', text: 'restarted the worker', by: null }))).toBe('Ada noted: restarted the worker');
    expect(itemEventWords(event({ by: 'Grace' }))).toBe('Ada (as Grace) ticked');
  });

  it("takes an item's tick state from the team, its last tick, and whether its last event waits in the outbox", () => {
    const item: TeamItem = {
      checked: false,
      history: [event({ seq: 4 }), event({ kind: 'untick', author: 'Bob', seq: 5 }), event({ kind: 'note', text: 'why', seq: null })],
    };
    expect(teamChecked(item)).toBe(false);
    expect(teamChecked(undefined)).toBeNull();
    expect(teamChecked({ checked: null, history: [] })).toBeNull();
    expect(lastTickEvent(item)?.author).toBe('Bob');
    expect(lastTickEvent({ checked: null, history: [event({ kind: 'note' })] })).toBeNull();
    expect(itemNotYetShared(item)).toBe(true);
    expect(itemNotYetShared({ ...item, history: item.history.slice(0, 2) })).toBe(false);
    expect(itemNotYetShared(undefined)).toBe(false);
  });
});
