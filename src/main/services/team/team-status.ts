/**
 * A joined session's team status read offline, from its folder alone: the
 * replica of the merged chain checked entry by entry, its members, and the
 * local entries not yet shared. `flightdeck session status` and
 * `flightdeck verify` read it; neither needs the store or the vault.
 */
import type { JournalEntry } from '../../../shared/session-model';
import { readTeamConfig, storeLabel } from './team-config';
import { checkTeamChain, MEMBER_JOINED } from './team-entry';
import { readReplica } from './team-replica';

export interface TeamStatus {
  session: string;
  store: string;
  you: { name: string; key: string };
  members: { name: string; key: string; entries: number; lastAt: string | null }[];
  entries: number;
  head: string;
  unshared: number[];
  refused: { seq: number; message: string }[];
}

export function teamStatus(sessionDir: string, local: readonly JournalEntry[]): TeamStatus {
  const config = readTeamConfig(sessionDir);
  const rows = readReplica(sessionDir);
  const { accepted, refused, head } = checkTeamChain(config.session, rows);
  const members = accepted
    .filter((entry) => entry.type === MEMBER_JOINED)
    .map((join) => {
      const own = accepted.filter((entry) => entry.author === join.author && entry.type !== MEMBER_JOINED);
      return { name: join.name, key: join.author, entries: own.length, lastAt: own.at(-1)?.ts ?? null };
    });
  const shared = Math.max(-1, ...accepted.filter((entry) => entry.author === config.member.key).map((entry) => entry.origin));
  return {
    session: config.session,
    store: storeLabel(config.store.url),
    you: config.member,
    members,
    entries: rows.length,
    head,
    unshared: local.filter((entry) => entry.seq > shared).map((entry) => entry.seq),
    refused,
  };
}
