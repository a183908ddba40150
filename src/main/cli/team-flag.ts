/**
 * `flightdeck flag set --session DIR` on a session joined to a team: the
 * write takes the team's single flight first (team-flight.ts), so two
 * people never move flags at once; another member's lease refuses the
 * write, naming them. What the write recorded is shared before the
 * command ends, when the store answers.
 */
import { FlightdeckError } from '../../shared/errors';
import type { Session } from '../services/session/session';
import { describeHolder, takeFlight } from '../services/team/team-flight';
import type { Io } from './io';
import { openTeamMember } from './team-member';
import { connectForFlight } from './team-rollback';

export async function withFlagFlight<T>(dir: string, env: NodeJS.ProcessEnv, session: Session, flag: string, io: Io, write: () => Promise<T>): Promise<T> {
  const member = await openTeamMember(dir, env, session);
  try {
    const { sync } = member;
    await connectForFlight(sync, 'Not written');
    const attempt = await takeFlight(sync, { purpose: 'flag', subject: flag });
    if ('heldBy' in attempt) throw new FlightdeckError('conflict', `Not written: ${describeHolder(attempt.heldBy)}; wait for them to finish.`, { field: 'flag' });
    try {
      await attempt.held.fence();
      return await write();
    } finally {
      await attempt.held.release();
      await sync.flush(5000).catch(() => io.err(`Not yet shared with the team: ${sync.status().unshared} entries stay in ${dir} until it is joined again.`));
    }
  } finally {
    await member.close();
  }
}
