/**
 * What the team view shows, folded from the merged chain and this laptop's
 * unshared entries: pure, so the sync, the CLI's status and the tests read
 * the same thing.
 */
import type { TeamItem, TeamItemEvent, TeamMember } from '../../../shared/team-model';
import { PRESENCE_ONLINE_MS } from '../../../shared/team-model';
import type { JournalEntry } from '../../../shared/session-model';
import type { TeamEntry } from './team-entry';
import type { PresenceRow } from './team-store-api';

interface ItemSource {
  type: string;
  data: Record<string, unknown>;
  by: string | null;
  ts: string;
}

function itemEvent(entry: ItemSource, author: string, seq: number | null): { itemId: string; event: TeamItemEvent } | null {
  const itemId = entry.data.itemId;
  if (typeof itemId !== 'string') return null;
  if (entry.type === 'item.ticked') {
    return { itemId, event: { kind: entry.data.checked === true ? 'tick' : 'untick', text: null, author, by: entry.by, at: entry.ts, seq } };
  }
  if (entry.type === 'item.noted') {
    return { itemId, event: { kind: 'note', text: String(entry.data.text ?? ''), author, by: entry.by, at: entry.ts, seq } };
  }
  return null;
}

/** Items as the team sees them: the merged chain in its order, then the unshared entries in theirs. */
export function teamItems(merged: readonly TeamEntry[], unshared: readonly JournalEntry[], you: string): Record<string, TeamItem> {
  const items: Record<string, TeamItem> = {};
  const add = (found: { itemId: string; event: TeamItemEvent } | null): void => {
    if (!found) return;
    const item = (items[found.itemId] ??= { checked: null, history: [] });
    item.history.push(found.event);
    if (found.event.kind !== 'note') item.checked = found.event.kind === 'tick';
  };
  for (const entry of merged) add(itemEvent(entry, entry.name, entry.seq));
  for (const entry of unshared) add(itemEvent(entry, you, null));
  return items;
}

/**
 * Members: every key that joined the chain, with its heartbeat. "Online"
 * is judged against the newest heartbeat the store holds (the database's
 * clock), so a laptop whose clock is off does not show everyone offline.
 */
export function teamMembers(joined: readonly { key: string; name: string }[], presence: readonly PresenceRow[], youKey: string, connected: boolean): TeamMember[] {
  const newest = Math.max(0, ...presence.map((row) => Date.parse(row.lastSeen)).filter(Number.isFinite));
  return joined.map(({ key, name }) => {
    const beat = presence.find((row) => row.member === key);
    const seen = beat ? Date.parse(beat.lastSeen) : NaN;
    const you = key === youKey;
    return {
      key,
      name,
      online: you ? connected : Number.isFinite(seen) && newest - seen <= PRESENCE_ONLINE_MS,
      phase: beat?.phase ?? null,
      item: beat?.item ?? null,
      lastSeen: beat?.lastSeen ?? null,
      you,
    };
  });
}
