/**
 * The team window in the live column (issue 16), below the trust bar and
 * above the flags, shown only while this session is joined to a team: the
 * store's connection and what is not yet shared, who is in the session and
 * where, who holds the single flight, and any row the store held that was
 * refused as tampered. The sentences are team-words.ts's.
 */
import type { TeamMember, TeamView } from '../../../../shared/team-model';
import { connectionWords, lastSeenWords, leaseWords, memberWhereWords, refusalWords, unsharedWords } from '../../../../shared/team-words';
import { indexRunbook } from '../checklist/store/derived';
import { useStore } from '../checklist/store/store';
import { useNow } from '../gates/useNow';
import { useTeam } from './team-store';
import { JoinTeam } from './JoinTeam';
import './team.css';

export function TeamPanel() {
  const team = useTeam((s) => s.team);
  const hasSession = useStore((s) => Boolean(s.cockpit?.session));
  if (!team) return hasSession ? <JoinTeam /> : null;
  return <TeamWindow team={team} />;
}

function TeamWindow({ team }: { team: TeamView }) {
  const unshared = unsharedWords(team.unshared.length);
  return (
    <section className={`team-panel team-${team.connection}`} data-testid="team-panel" data-connection={team.connection} aria-labelledby="team-title">
      <div className="team-head">
        <h2 id="team-title" className="panel-title">
          Team
        </h2>
        <span className="team-connection" data-testid="team-connection" title={`Team session ${team.session}`}>
          <span className={`team-dot ${team.connection}`} aria-hidden="true" />
          {connectionWords(team)}
        </span>
        {unshared && (
          <span className="team-unshared" data-testid="team-unshared" title="Kept on this laptop's journal; sent to the team store when it is reachable.">
            {unshared}
          </span>
        )}
      </div>
      {team.lease && (
        <p className={`team-lease${team.lease.expired ? ' expired' : ''}`} data-testid="team-lease" data-purpose={team.lease.purpose} data-expired={team.lease.expired ? 'true' : 'false'}>
          {leaseWords(team.lease)}
        </p>
      )}
      <Members members={team.members} />
      {team.refused.length > 0 && (
        <ul className="team-refused" aria-label="Refused from the team store" role="alert">
          {team.refused.map((refusal) => (
            <li key={refusal.seq} data-testid="team-refusal">
              {refusalWords(refusal)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Members({ members }: { members: readonly TeamMember[] }) {
  // "last seen 12 s ago" moves on by itself, but only while someone is offline.
  const now = useNow(1000, members.some((m) => !m.online));
  const runbook = useStore((s) => s.cockpit?.runbook);
  const index = indexRunbook(runbook);
  const phaseTitles = new Map((runbook?.phases ?? []).map((phase) => [phase.id, phase.title]));
  const titleOf = (id: string) => phaseTitles.get(id) ?? index.itemsById.get(id)?.text ?? null;
  return (
    <ul className="team-members" aria-label="Members">
      {members.map((member) => {
        const where = memberWhereWords(member, titleOf);
        return (
          <li key={member.key} className="team-member" data-testid="team-member" data-online={member.online ? 'true' : 'false'} data-you={member.you ? 'true' : undefined}>
            <span className={`team-dot ${member.online ? 'connected' : 'offline'}`} role="img" aria-label={member.online ? 'online' : 'offline'} />
            <span className="team-member-name">{member.name}</span>
            {member.you && <span className="badge badge-muted">you</span>}
            {where && (
              <span className="team-member-where" title={where}>
                {where}
              </span>
            )}
            {!member.online && <span className="team-member-seen muted">{lastSeenWords(member.lastSeen, new Date(now))}</span>}
          </li>
        );
      })}
    </ul>
  );
}
