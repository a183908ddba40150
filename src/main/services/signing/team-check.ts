/**
 * Whether a session folder still holds the team chain a report covers
 * (issue 16): the evidence bundle names the team session and the replica's
 * row count and head; the folder's replica (team/chain.jsonl) must hold
 * that head at that count, and every row up to it must pass the chain
 * verifier (author's signature, name, link), offline. The chain's rule is
 * team-entry.ts's; this only says what it means for a report.
 */
import type { ReportPredicate } from '../../../shared/report-bundle';
import type { JournalEntry } from '../../../shared/session-model';
import { messageOf } from '../../../shared/errors';
import { isJoined, readTeamConfig } from '../team/team-config';
import { checkTeamChain, type TeamEntry } from '../team/team-entry';
import { CHAIN_FILE, readReplica } from '../team/team-replica';
import { keyIdOf } from './ed25519';
import { short } from './journal-check';

export interface TeamCoverage {
  problems: string[];
  missing: string[];
  /** The covered team entries that were accepted, as journal entries (for the sign-offs). */
  entries: JournalEntry[];
  /**
   * Public keys (SPKI base64) of sign-offs whose team entry is signed by that
   * very key: the signer signed it on their own laptop, checked offline.
   */
  signedOff: Set<string>;
}

export function checkTeamCoverage(sessionDir: string, team: NonNullable<ReportPredicate['team']>): TeamCoverage {
  const result: TeamCoverage = { problems: [], missing: [], entries: [], signedOff: new Set() };
  if (!isJoined(sessionDir)) {
    result.missing.push(`the report covers team session ${team.session}, but ${sessionDir} is not joined to a team session (no team/member.json): its team chain cannot be checked`);
    return result;
  }
  let rows: unknown[];
  let session: string;
  try {
    session = readTeamConfig(sessionDir).session;
    rows = readReplica(sessionDir);
  } catch (error) {
    result.problems.push(`the team chain cannot be read: ${messageOf(error)}`);
    return result;
  }
  if (session !== team.session) {
    result.problems.push(`the report covers team session ${team.session}, this folder is joined to ${session}`);
    return result;
  }
  if (rows.length === 0 && team.entries > 0) {
    result.missing.push(`the session folder holds no team chain (team/${CHAIN_FILE}): the ${team.entries} team entries the report covers cannot be checked`);
    return result;
  }
  const covered = rows.slice(0, team.entries);
  const checked = checkTeamChain(session, covered);
  for (const refusal of checked.refused) result.problems.push(`team chain: ${refusal.message}`);
  if (rows.length < team.entries) {
    result.problems.push(`team chain truncated: ${rows.length} entries, the report covers ${team.entries}`);
  } else if (checked.head !== team.head) {
    result.problems.push(`team chain changed after the report: entry ${team.entries - 1} has hash ${short(checked.head)}, the report's team head is ${short(team.head)}`);
  }
  result.entries = checked.accepted.map((e: TeamEntry) => ({ seq: e.seq, ts: e.ts, type: e.type, by: e.name, data: e.data, prev: e.prev, hash: e.hash }) as JournalEntry);
  for (const entry of checked.accepted) {
    const publicKey = entry.type === 'signoff.recorded' ? (entry.data as { publicKey?: unknown }).publicKey : null;
    if (typeof publicKey === 'string' && keyIdOf(Buffer.from(publicKey, 'base64')) === entry.author) result.signedOff.add(publicKey);
  }
  return result;
}
