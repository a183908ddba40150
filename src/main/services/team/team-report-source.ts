/**
 * What a report covers for a session folder (issue 16), one rule for the
 * CLI and the app: a session on its own reports its journal; a session
 * joined to a team reports the merged chain its replica accepted (every
 * member's ticks, notes, decisions, rollback steps and sign-offs, in chain
 * order, each by the member whose key signed it), then this laptop's
 * entries the store does not hold yet, marked "not yet shared".
 *
 * Unshared entries are reported, not refused: the release manager may have
 * to export while the store is down, and a report that says plainly what is
 * not in the team chain is more honest than one that leaves it out or none.
 * Rows the replica refused (tampering) are not reported; verify names them.
 */
import type { JournalEntry } from '../../../shared/session-model';
import type { ReportTeam } from '../../../shared/report-model';
import { formatFingerprint } from '../signing/ed25519';
import { isJoined, readTeamConfig } from './team-config';
import { checkTeamChain, MEMBER_JOINED } from './team-entry';
import { readReplica } from './team-replica';
import { teamStatus } from './team-status';

/** Appended to the author of an entry only this laptop holds. */
export const NOT_YET_SHARED = 'not yet shared';

export interface ReportSource {
  /** The entries the report shows, oldest first. */
  entries: JournalEntry[];
  /** This laptop's own journal: the session and the chain the PDF's signature names. */
  local: readonly JournalEntry[];
  /** The team chain and its authors; null for a session not joined to a team. */
  team: ReportTeam | null;
  /** The keyid of the team member whose key signed an entry; null for a local entry. */
  authorKeyOf(entry: JournalEntry): string | null;
}

export function reportEntries(sessionDir: string, local: readonly JournalEntry[]): ReportSource {
  if (!isJoined(sessionDir)) return { entries: [...local], local, team: null, authorKeyOf: () => null };
  const config = readTeamConfig(sessionDir);
  const status = teamStatus(sessionDir, local);
  const { accepted } = checkTeamChain(config.session, readReplica(sessionDir));
  const authors = new Map<JournalEntry, string>();
  const entries: JournalEntry[] = [];
  for (const e of accepted) {
    if (e.type === MEMBER_JOINED) continue;
    // The author is the member name the signature proves, not what the row's `by` claims.
    const entry = { seq: e.seq, ts: e.ts, type: e.type, by: e.name, data: e.data, prev: e.prev, hash: e.hash } as JournalEntry;
    authors.set(entry, e.author);
    entries.push(entry);
  }
  const unshared = new Set(status.unshared);
  const next = accepted.length;
  local
    .filter((entry) => unshared.has(entry.seq))
    .forEach((entry, index) => {
      // Numbered after the team chain so no two reported entries share a seq.
      entries.push({ ...entry, seq: next + index, by: `${entry.by ?? config.member.name} (${NOT_YET_SHARED})` });
    });
  return {
    entries,
    local,
    team: {
      session: status.session,
      store: status.store,
      // Every row the replica holds, refused ones too: verify checks the same rows up to the same head.
      entries: status.entries,
      head: status.head,
      members: status.members.map((m) => ({ name: m.name, keyid: m.key, fingerprint: formatFingerprint(m.key), entries: m.entries })),
      unshared: status.unshared.length,
      refused: status.refused.length,
    },
    authorKeyOf: (entry) => authors.get(entry) ?? null,
  };
}
