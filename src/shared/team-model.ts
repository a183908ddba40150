/**
 * The team window (issue 16) as the renderer and the CLI see it: who is in
 * the session, whether this laptop reaches the team store, what is not yet
 * shared, who holds the single flight (rollback and flag writes), and any
 * row of the store that was refused as tampered. Main builds it from the
 * team sync; nothing here carries a secret (the store is named by host and
 * database, never with its password).
 */

/** A member of the session: one person, one Ed25519 key on their own laptop. */
export interface TeamMember {
  /** keyid of their Ed25519 key (sha256 of the SPKI DER, hex). */
  key: string;
  name: string;
  /** Heartbeat seen within the presence window. */
  online: boolean;
  /** Where they are in the runbook, as their laptop last said. */
  phase: string | null;
  item: string | null;
  /** ISO time of their last heartbeat; null when never seen. */
  lastSeen: string | null;
  /** This laptop's own member. */
  you: boolean;
}

/** Who holds the single flight, and what it is doing. */
export interface TeamLease {
  holderKey: string;
  holder: string;
  purpose: 'rollback' | 'flag';
  /** The rollback run or flag the lease was taken for. */
  subject: string | null;
  /** ISO; past means the holder stopped renewing (laptop gone or cut off). */
  expiresAt: string;
  expired: boolean;
  you: boolean;
}

/** A row of the store that was refused: never shown as an entry. */
export interface TeamRefusal {
  seq: number;
  message: string;
}

/** One tick or note on an item, from the merged chain or this laptop's outbox. */
export interface TeamItemEvent {
  kind: 'tick' | 'untick' | 'note';
  /** The note's text; null for ticks. */
  text: string | null;
  /** Member name of the author (their signed entry), and the operator name they recorded. */
  author: string;
  by: string | null;
  /** When the author recorded it (ISO), which is earlier than its place in the chain when shared late. */
  at: string;
  /** Its seq in the merged chain; null while it waits in this laptop's outbox. */
  seq: number | null;
}

/** An item as the whole team sees it: the merged chain, then this laptop's unshared entries. */
export interface TeamItem {
  /** The last tick or untick in that order; null when nobody ticked it. */
  checked: boolean | null;
  /** Every tick, untick and note on it, in that order. */
  history: TeamItemEvent[];
}

export type TeamConnection = 'connected' | 'connecting' | 'offline';

export interface TeamView {
  /** The team session id this local session is joined to. */
  session: string;
  /** "db.example.com:5432/flightdeck", never with credentials. */
  store: string;
  you: { key: string; name: string };
  connection: TeamConnection;
  /** Why the store cannot be reached, in words; null while connected. */
  lastError: string | null;
  members: TeamMember[];
  /** Local journal seqs recorded here and not yet held by the store, oldest first. */
  unshared: number[];
  lease: TeamLease | null;
  refused: TeamRefusal[];
  /** Items anyone ticked or noted, by item id. */
  items: Record<string, TeamItem>;
  /** Head of the merged chain this laptop holds (its replica). */
  head: { seq: number; hash: string } | null;
}

/** Heartbeat period and the age after which a member shows offline. */
export const PRESENCE_HEARTBEAT_MS = 2000;
export const PRESENCE_ONLINE_MS = 6000;
/** The single flight's lease: taken for this long, renewed at a third of it. */
export const LEASE_TTL_MS = 9000;
