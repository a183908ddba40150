import { describe, expect, it } from 'vitest';
import { foldEntry } from '../../src/renderer/src/features/checklist/store/fold-entry';
import type { CockpitSession } from '../../src/shared/contract';
import { GENESIS_HASH, type JournalEntry } from '../../src/shared/session-model';

const session: CockpitSession = {
  id: 's1',
  dir: '/tmp/s1',
  runbook: { name: 'r.md', path: null, sha256: 'x', title: 'R' },
  startedAt: '2026-11-22T10:00:00.000Z',
  updatedAt: '2026-11-22T10:00:00.000Z',
  closedAt: null,
  ticks: {},
  notes: {},
  entries: 1,
  head: 'a'.repeat(64),
};

const tick = (seq: number, prev: string): JournalEntry => ({
  seq,
  ts: '2026-11-22T10:01:00.000Z',
  type: 'item.ticked',
  by: 'dana',
  data: { itemId: 'item-1', checked: true, itemText: 'Backup taken' },
  prev,
  hash: 'b'.repeat(64),
});

describe('folding entries into the session on screen', () => {
  it('applies the next entry of the chain and shows who ticked and when', () => {
    const outcome = foldEntry(session, tick(1, session.head), 's1');
    expect(outcome.kind).toBe('applied');
    if (outcome.kind !== 'applied') return;
    expect(outcome.session.ticks['item-1']).toEqual({ checked: true, by: 'dana', at: '2026-11-22T10:01:00.000Z', seq: 1 });
    expect(outcome.session).toMatchObject({ entries: 2, head: 'b'.repeat(64), dir: '/tmp/s1' });
  });

  it('drops an entry it already has (the call answer and the event both deliver it)', () => {
    expect(foldEntry(session, tick(0, GENESIS_HASH), null)).toEqual({ kind: 'duplicate' });
  });

  it('asks for the whole cockpit when entries are missing or the chain does not line up', () => {
    expect(foldEntry(session, tick(2, 'c'.repeat(64)), 's1')).toEqual({ kind: 'resync' });
    expect(foldEntry(session, tick(1, 'c'.repeat(64)), null)).toEqual({ kind: 'resync' });
  });

  it('ignores entries of another session', () => {
    expect(foldEntry(session, tick(1, session.head), 'other')).toEqual({ kind: 'ignored' });
    expect(foldEntry(null, tick(1, session.head), 's1')).toEqual({ kind: 'ignored' });
  });
});
