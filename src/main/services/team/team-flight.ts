/**
 * The single flight (issue 16): one rollback or flag write in the whole
 * team at a time, through a lease row in the team store.
 *
 * The holder renews the lease at a third of its life. Before each step it
 * fences: the lease must be renewed now, and everything it recorded so far
 * (the step's own intent included) must be in the store. So a step never
 * runs unless the team can see that it was about to run, and a holder cut
 * off from the store stops before its next step, while its lease runs out
 * and another member can take over from the merged journal.
 */
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { LEASE_TTL_MS } from '../../../shared/team-model';
import type { LeaseRow } from './team-store-api';
import type { TeamSync } from './team-sync';

export interface FlightRequest {
  purpose: 'rollback' | 'flag';
  subject: string | null;
  ttlMs?: number;
}

export type FlightAttempt = { held: FlightLease } | { heldBy: LeaseRow };

/** Takes the session's lease, or says who holds it. Expired leases are taken over (ask the person first: `takeoverNeeded`). */
export async function takeFlight(sync: TeamSync, request: FlightRequest): Promise<FlightAttempt> {
  const ttlMs = request.ttlMs ?? LEASE_TTL_MS;
  const store = sync.connectedStore();
  const sent = Date.now();
  const attempt = await store.acquireLease({ session: sync.session, holderKey: sync.member.key, holder: sync.member.name, purpose: request.purpose, subject: request.subject, ttlMs });
  await sync.refreshLease().catch(() => null);
  if (!attempt.taken) return { heldBy: attempt.lease };
  return { held: new FlightLease(sync, attempt.lease, ttlMs, sent) };
}

/** The lease, while this laptop holds it. */
export class FlightLease {
  private validUntil: number;
  private lost: string | null = null;
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> | null = null;

  constructor(
    private readonly sync: TeamSync,
    readonly lease: LeaseRow,
    private readonly ttlMs: number,
    sentAt: number,
  ) {
    // Counted from when the request left, by this laptop's clock: never later than the store's own expiry.
    this.validUntil = sentAt + ttlMs;
    this.timer = setInterval(() => void this.renew(), Math.max(200, Math.floor(ttlMs / 3)));
    this.timer.unref?.();
  }

  get held(): boolean {
    return this.lost === null && Date.now() < this.validUntil;
  }

  /**
   * Before a step: renewed now and everything recorded so far shared, or
   * this throws and the step does not run.
   */
  async fence(): Promise<void> {
    await this.renew();
    if (!this.held) throw this.lostError();
    const left = this.validUntil - Date.now();
    try {
      await this.sync.flush(Math.max(100, left - 200));
    } catch (error) {
      throw new FlightdeckError('conflict', `Not run: this step's intent could not be shared with the team (${messageOf(error)}); another member can take over once the lease runs out.`);
    }
    if (!this.held) throw this.lostError();
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (this.lost) return;
    this.lost = 'released';
    try {
      await this.sync.connectedStore().releaseLease(this.sync.session, this.lease.holderKey, this.lease.epoch);
      await this.sync.refreshLease();
    } catch {
      // Unreachable: the lease runs out by itself.
    }
  }

  private renew(): Promise<void> {
    if (this.renewing) return this.renewing;
    this.renewing = (async () => {
      if (this.lost) return;
      const sent = Date.now();
      try {
        const ok = await this.sync.connectedStore().renewLease(this.sync.session, this.lease.holderKey, this.lease.epoch, this.ttlMs);
        if (ok) this.validUntil = sent + this.ttlMs;
        else this.lost = 'the lease ran out and another member took it';
      } catch (error) {
        // Not renewed: it stays valid only until the last renewal runs out.
        if (Date.now() >= this.validUntil) this.lost = `the team store could not be reached (${messageOf(error)})`;
      }
    })().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  private lostError(): FlightdeckError {
    clearInterval(this.timer);
    return new FlightdeckError('conflict', `Not run: this laptop lost the team's single flight (${this.lost ?? 'the lease ran out before it could be renewed'}); another member can take over.`);
  }
}

/** What the team's merged journal shows of a rollback run someone else holds: for "Ada is rolling back: step 2 of 3". */
export function describeHolder(lease: LeaseRow): string {
  const what = lease.purpose === 'rollback' ? 'rolling back' : 'moving flags';
  return lease.expired
    ? `${lease.holder}'s lease for ${what} ran out at ${lease.expiresAt.slice(11, 19)} UTC (their laptop stopped answering)`
    : `${lease.holder} is ${what}${lease.subject ? ` (${lease.subject})` : ''}`;
}
