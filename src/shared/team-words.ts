/**
 * The team window's sentences (issue 16), in one place: the team panel,
 * the rollback dialog and the checklist's item history say them the same
 * way. Pure functions of the TeamView (team-model.ts) and the time now.
 */
import { formatClock, formatSeconds } from './format';
import type { TeamItem, TeamItemEvent, TeamLease, TeamMember, TeamRefusal, TeamView } from './team-model';

/** "Connected to db.example.com:5432/flightdeck", "Connecting to …", "Offline: connection refused". */
export function connectionWords(view: Pick<TeamView, 'connection' | 'store' | 'lastError'>): string {
  switch (view.connection) {
    case 'connected':
      return `Connected to ${view.store}`;
    case 'connecting':
      return `Connecting to ${view.store}…`;
    case 'offline':
      return view.lastError ? `Offline: ${view.lastError}` : `Offline: ${view.store} cannot be reached`;
  }
}

/** "3 not yet shared"; null when the store holds everything. */
export function unsharedWords(count: number): string | null {
  return count > 0 ? `${count} not yet shared` : null;
}

/** "last seen 12 s ago" (never in the future, even with skewed clocks); "never seen" without a heartbeat. */
export function lastSeenWords(lastSeen: string | null, now: Date): string {
  if (lastSeen === null) return 'never seen';
  const at = new Date(lastSeen).getTime();
  if (Number.isNaN(at)) return `last seen ${lastSeen}`;
  return `last seen ${formatSeconds((now.getTime() - at) / 1000)} ago`;
}

/** Where a member is: "Deploy · Flip checkout_v2 to 10 %", with the runbook's titles where this laptop knows them. */
export function memberWhereWords(member: Pick<TeamMember, 'phase' | 'item'>, titleOf: (id: string) => string | null = () => null): string | null {
  const parts = [member.phase, member.item].filter((p): p is string => p !== null && p !== '').map((id) => titleOf(id) ?? id);
  return parts.length > 0 ? parts.join(' · ') : null;
}

const DOING: Record<TeamLease['purpose'], string> = { rollback: 'rolling back', flag: 'moving flags' };

/**
 * The single flight: "Ada is rolling back: plan app-only", "You are moving flags: checkout_v2",
 * or, once it expired, "Ada's lease expired at 13:02 (their laptop stopped answering)".
 */
export function leaseWords(lease: TeamLease): string {
  if (lease.expired) {
    const whose = lease.you ? 'Your' : `${lease.holder}'s`;
    const why = lease.you ? 'this laptop stopped renewing it' : 'their laptop stopped answering';
    return `${whose} lease expired at ${formatClock(lease.expiresAt)} (${why})`;
  }
  const who = lease.you ? 'You are' : `${lease.holder} is`;
  return `${who} ${DOING[lease.purpose]}${lease.subject ? `: ${lease.subject}` : ''}`;
}

/**
 * What the rollback button says instead of offering a second plan when someone
 * else holds the single flight for a rollback: "Ada is rolling back: follow it".
 * Null when nobody else does (no lease, this laptop's own, expired, or a flag move).
 */
export function followRollbackWords(view: Pick<TeamView, 'lease'> | null): string | null {
  const lease = view?.lease;
  if (!lease || lease.you || lease.expired || lease.purpose !== 'rollback') return null;
  return `${lease.holder} is rolling back: follow it`;
}

/** "Refused from the team store: entry 12 (item.ticked by Ada): its signature is not Ada's". */
export function refusalWords(refusal: TeamRefusal): string {
  const joint = refusal.message.startsWith('(') ? ' ' : ': ';
  return `Refused from the team store: entry ${refusal.seq}${joint}${refusal.message}`;
}

const VERB: Record<TeamItemEvent['kind'], string> = { tick: 'ticked', untick: 'unticked', note: 'noted' };

/** "Ada ticked", "Ada (as Bob) unticked", "Ada noted: restarted the worker". */
export function itemEventWords(event: TeamItemEvent): string {
  const who = event.by && event.by !== event.author ? `${event.author} (as ${event.by})` : event.author;
  return `${who} ${VERB[event.kind]}${event.kind === 'note' && event.text ? `: ${event.text}` : ''}`;
}

/** The team's tick state of an item: null when nobody in the team ticked or unticked it (the local journal decides). */
export function teamChecked(item: TeamItem | undefined): boolean | null {
  return item?.checked ?? null;
}

/** True when the item's last tick, untick or note still waits in this laptop's outbox. */
export function itemNotYetShared(item: TeamItem | undefined): boolean {
  const last = item?.history[item.history.length - 1];
  return last !== undefined && last.seq === null;
}

/** The last tick or untick of an item, for "✓ Ada · 13:02" beside its box. */
export function lastTickEvent(item: TeamItem | undefined): TeamItemEvent | null {
  if (!item) return null;
  for (let i = item.history.length - 1; i >= 0; i--) if (item.history[i]!.kind !== 'note') return item.history[i]!;
  return null;
}
