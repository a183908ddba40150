/**
 * What the team sync needs from the team store (issue 16). The PostgreSQL
 * implementation is team-store.ts; the sync, the lease and the tests speak
 * only this interface, so the rule of each operation is written here once.
 */
import type { TeamEntry } from './team-entry';

export interface PresenceBeat {
  session: string;
  /** keyid of the member's key. */
  member: string;
  name: string;
  phase: string | null;
  item: string | null;
}

export interface PresenceRow extends PresenceBeat {
  /** ISO, by the database's clock. */
  lastSeen: string;
}

export interface LeaseRow {
  session: string;
  holderKey: string;
  holder: string;
  purpose: 'rollback' | 'flag';
  subject: string | null;
  /** Bumped on every new holder, so a renewal by a holder who lost it in between fails. */
  epoch: number;
  /** ISO, by the database's clock. */
  expiresAt: string;
  /** expiresAt is in the past by the database's clock. */
  expired: boolean;
}

export type LeaseAttempt = { taken: true; lease: LeaseRow } | { taken: false; lease: LeaseRow };

export interface TeamStore {
  /** Schema versions the database lacks, oldest first, with what each does (for the approval). */
  pendingMigrations(): Promise<{ version: number; summary: string }[]>;
  /** Runs the pending migrations in one transaction each; returns the versions applied. */
  migrate(): Promise<number[]>;

  /**
   * Appends one entry at the end of the session's chain. Appends to one
   * session are serialised in a transaction (the chain never forks): the
   * store reads the head, calls `seal(seq, prev)` (the author signs the
   * entry at that place), inserts it and notifies listeners, then commits.
   * Idempotent per (session, author, origin): when that entry is already
   * there (a retry after a commit whose answer was lost), it is returned
   * with `duplicate: true` and nothing is written.
   */
  append(session: string, author: string, origin: number, seal: (seq: number, prev: string) => TeamEntry): Promise<{ entry: TeamEntry; duplicate: boolean }>;

  /**
   * Appends several entries of one author at the end of the chain, in the
   * given order, in one transaction: one hold of the session's lock for the
   * lot, as an outbox drains. Each is sealed at its place as `append` does;
   * one already there (same author and origin) is skipped. Returns the
   * entries written.
   */
  appendMany(session: string, author: string, entries: readonly { origin: number; seal: (seq: number, prev: string) => TeamEntry }[]): Promise<TeamEntry[]>;

  /** Rows after `afterSeq` (exclusive; -1 for all), in chain order, at most `limit`; as stored, unverified. */
  readSince(session: string, afterSeq: number, limit: number): Promise<unknown[]>;

  /** Highest seq of the session's chain; -1 when empty. */
  headSeq(session: string): Promise<number>;

  /**
   * LISTENs for appends to any session; `onAppend(session, seq)` per
   * notification. `onLost` when the listening connection dies (the caller
   * catches up by seq after it reconnects). Returns a stop function.
   */
  listen(onAppend: (session: string, seq: number) => void, onLost: (error: Error) => void): Promise<() => Promise<void>>;

  heartbeat(beat: PresenceBeat): Promise<void>;
  presence(session: string): Promise<PresenceRow[]>;

  /**
   * Takes the session's single-flight lease for `ttlMs` if it is free,
   * expired, or already this holder's; otherwise reports who holds it.
   */
  acquireLease(request: { session: string; holderKey: string; holder: string; purpose: 'rollback' | 'flag'; subject: string | null; ttlMs: number }): Promise<LeaseAttempt>;
  /** Extends a lease this holder still holds at this epoch; false when it was lost (expired and taken, or released). */
  renewLease(session: string, holderKey: string, epoch: number, ttlMs: number): Promise<boolean>;
  releaseLease(session: string, holderKey: string, epoch: number): Promise<void>;
  currentLease(session: string): Promise<LeaseRow | null>;

  close(): Promise<void>;
}
