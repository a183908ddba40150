/**
 * `flightdeck rollback --session DIR` on a session joined to a team: the
 * same plan, under the team's single flight. This laptop takes the lease
 * and runs the plan with every step fenced (team-flight.ts); when another
 * member holds the lease it follows their run instead of starting a
 * second; when a holder's lease ran out mid-run, `--take-over` (after
 * showing what already ran) resumes that run from the merged journal,
 * with the same rules as a crash resume, so no finished step runs again.
 */
import type { RollbackRun } from '../../shared/control-model';
import { FlightdeckError } from '../../shared/errors';
import type { JournalEntry } from '../../shared/session-model';
import type { ActionJournal } from '../services/actions/action-journal';
import { foldRollbackRuns, runView, type RunHistory } from '../services/rollback/rollback-history';
import type { Session } from '../services/session/session';
import { describeHolder, takeFlight, type FlightLease } from '../services/team/team-flight';
import type { TeamSync } from '../services/team/team-sync';
import type { LeaseRow } from '../services/team/team-store-api';
import { EXIT, type Io } from './io';

const CONNECT_WAIT_MS = 15_000;

export type TeamRollbackPlan =
  /** Run the plan here, under this lease, journaling through `journal`. */
  | { kind: 'run'; lease: FlightLease; journal: ActionJournal; takeover: RunHistory | null }
  /** Someone else's run: it was followed to its end; exit with this status. */
  | { kind: 'followed'; status: number };

/** The local session journal, read as the merged team journal: what a takeover resumes from. */
export function mergedJournal(session: Session, sync: TeamSync): ActionJournal {
  return {
    record: (type, by, data) => {
      const entry = session.record(type, by, data);
      sync.kick();
      return entry;
    },
    entries: (): readonly JournalEntry[] => sync.mergedJournal(),
  };
}

/** Connects, then takes the flight, follows the holder, or refuses a takeover that was not confirmed. */
/**
 * Presses this close together are one press: a run of the same plan
 * another member started at most this long before this press (or after
 * it) answers it, so it follows or reports that run instead of running
 * the plan a second time.
 */
export const PRESS_JOIN_MS = 5000;

/** Starts the sync and waits until this laptop is in step with the store, or refuses: the single flight needs the store. */
export async function connectForFlight(sync: TeamSync, refusal: string): Promise<void> {
  sync.start();
  try {
    await sync.until(() => sync.status().connection === 'connected', CONNECT_WAIT_MS, 'the team store');
    await sync.flush(CONNECT_WAIT_MS);
  } catch {
    throw new FlightdeckError('conflict', `${refusal}: the team store is not reachable (${sync.status().lastError ?? 'no answer'}), so the team's single flight cannot be taken. Nothing ran.`);
  }
}

export async function teamRollbackPlan(session: Session, sync: TeamSync, plan: string, takeOver: boolean, pressedAt: number, io: Io): Promise<TeamRollbackPlan> {
  await connectForFlight(sync, 'Rollback not started');
  const lease = await sync.refreshLease();
  const me = sync.member.key;
  if (lease && !lease.expired && lease.holderKey !== me) return { kind: 'followed', status: await followHolder(sync, lease, io) };
  const runs = foldRollbackRuns(sync.mergedJournal());
  const mine = (run: RunHistory) => session.entries().some((entry) => entry.type === 'rollback.started' && entry.data.runId === run.runId);
  const answered = runs.findLast((run) => run.finished !== null && run.plan === plan && !mine(run) && Date.parse(run.startedAt) >= pressedAt - PRESS_JOIN_MS);
  if (answered?.finished) {
    io.err(`${answered.by ?? 'Another member'} rolled back with plan ${plan} at ${answered.startedAt.slice(11, 19)} UTC, as this was pressed: that run answers this press, so the plan is not run a second time.`);
    io.out(`Rollback ${plan} by ${answered.by ?? 'another member'}: ${answered.finished.outcome} — ${answered.finished.message}`);
    return { kind: 'followed', status: answered.finished.outcome === 'ok' ? EXIT.ok : EXIT.failure };
  }
  const interrupted = runs.filter((run) => run.finished === null).at(-1) ?? null;
  const othersRun = interrupted && !mine(interrupted) ? interrupted : null;
  if (othersRun) {
    io.err(describeInterrupted(othersRun, lease));
    if (!takeOver) {
      throw new FlightdeckError('forbidden', `Rollback not started: ${othersRun.by ?? 'another member'}'s run ${othersRun.runId} stopped mid-plan. Check what ran above, then run again with --take-over to resume it from the merged journal (finished steps are not repeated).`, { field: 'take-over' });
    }
  }
  const attempt = await takeFlight(sync, { purpose: 'rollback', subject: othersRun?.runId ?? plan });
  if ('heldBy' in attempt) return { kind: 'followed', status: await followHolder(sync, attempt.heldBy, io) };
  if (othersRun) io.err(`Taking over rollback ${othersRun.runId} from ${othersRun.by ?? 'another member'}.`);
  return { kind: 'run', lease: attempt.held, journal: mergedJournal(session, sync), takeover: othersRun };
}

function describeInterrupted(run: RunHistory, lease: LeaseRow | null): string {
  const view = runView(run);
  const steps = view.steps.map((step) => {
    const state = step.outcome === 'pending' ? 'not started' : step.endedAt === null ? 'started, no outcome shared with the team' : `${step.outcome} — ${step.message}`;
    return `  [${step.index + 1}/${view.steps.length}] ${step.title}: ${state}`;
  });
  return [`${lease ? describeHolder(lease) : `${run.by ?? 'Another member'}'s rollback stopped`}. What already ran of ${run.plan} (${run.runId}):`, ...steps].join('\n');
}

/** Prints the holder's run as the merged journal shows it, until it ends or their lease runs out. */
async function followHolder(sync: TeamSync, lease: LeaseRow, io: Io): Promise<number> {
  io.err(`${describeHolder(lease)}: following their run instead of starting a second.`);
  const since = sync.merged().length;
  const printed = new Map<number, string>();
  const ended = (run: RunHistory): number => {
    const finished = run.finished!;
    io.out(`Rollback ${run.plan} by ${lease.holder}: ${finished.outcome} — ${finished.message}`);
    return finished.outcome === 'ok' ? EXIT.ok : EXIT.failure;
  };
  let releasedAt: number | undefined;
  for (;;) {
    const theirs = foldRollbackRuns(sync.mergedJournal()).findLast((r) => r.by !== null);
    if (theirs) {
      const view: RollbackRun = runView(theirs);
      for (const step of view.steps) {
        if (step.outcome === 'pending' || printed.get(step.index) === step.outcome) continue;
        printed.set(step.index, step.outcome);
        io.err(`${lease.holder} [${step.index + 1}/${view.steps.length}] ${step.title}: ${step.endedAt === null ? '…' : `${step.outcome} — ${step.message}`}`);
      }
      if (theirs.finished && sync.merged().length > since) return ended(theirs);
    }
    const now = await sync.refreshLease().catch(() => null);
    if (!now || now.expired) {
      if (theirs?.finished) return ended(theirs);
      if (now?.expired) {
        io.err(`${describeHolder(now)} before the run finished: run again with --take-over to resume it.`);
        return EXIT.failure;
      }
      // Released: their end is on its way; but a follower never waits without bound.
      releasedAt ??= Date.now();
      if (Date.now() - releasedAt > CONNECT_WAIT_MS) {
        io.err(`${lease.holder} released the single flight, but no end of their run reached this laptop within ${CONNECT_WAIT_MS / 1000} s: check \`flightdeck session status\` before pressing again.`);
        return EXIT.failure;
      }
    }
    await sync.until(() => false, 500, 'the holder').catch(() => undefined);
  }
}
