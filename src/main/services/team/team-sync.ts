/**
 * Keeps one local session and its team session in step (issue 16).
 *
 * Local entries are recorded as always, in this laptop's journal (on disk
 * before anyone is told); the sync shares them afterwards, in order, each
 * signed by this member's key at its place in the merged chain. Until the
 * store holds one it is "not yet shared"; appends are idempotent per
 * (author, local seq), so a retry after a lost answer never shares twice.
 *
 * The merged chain comes back through LISTEN/NOTIFY and, after any
 * reconnect, a catch-up read by seq. Every row is checked by the chain
 * verifier before it is shown, and kept in the replica (team/chain.jsonl)
 * first. The store being unreachable is a state, not a failure: the
 * laptop keeps working, and the sync reconnects with backoff.
 */
import { FlightdeckError, messageOf } from '../../../shared/errors';
import type { JournalEntry } from '../../../shared/session-model';
import { LEASE_TTL_MS, PRESENCE_HEARTBEAT_MS, type TeamConnection, type TeamView } from '../../../shared/team-model';
import type { Ed25519Key } from '../signing/ed25519';
import { storeLabel, type TeamConfig } from './team-config';
import { JOIN_ORIGIN, joinEntry, sealTeamEntry, TeamChainVerifier, type TeamEntry } from './team-entry';
import { readReplica, ReplicaWriter } from './team-replica';
import type { LeaseRow, PresenceRow, TeamStore } from './team-store-api';
import { teamItems, teamMembers } from './team-view';

/** The local journal, as far as sharing needs it (Session and a read-only journal both give it). */
export interface LocalJournal {
  entries(): readonly JournalEntry[];
}

export interface TeamSyncDeps {
  sessionDir: string;
  config: TeamConfig;
  key: Ed25519Key;
  openStore(): Promise<TeamStore>;
  local: LocalJournal;
  /** Where this person is in the runbook, for presence. */
  position?(): { phase: string | null; item: string | null };
  /** Rows read per catch-up query. */
  pageSize?: number;
}

const TICK_MS = 250;
// A laptop back on the network is back within this (bench:team's heal target is 5 s); a retry is one connect.
const MAX_BACKOFF_MS = 1000;
const CLOSE_DEADLINE_MS = 1000;
/** Longer than a connect and a few queries at their own 5 s deadlines. */
const WORK_DEADLINE_MS = 12_000;
/** Local entries shared per transaction: one hold of the session's lock for the lot. */
const DRAIN_BATCH = 200;

export class TeamSync {
  private readonly verifier: TeamChainVerifier;
  private readonly replica: ReplicaWriter;
  private readonly accepted: TeamEntry[] = [];
  private readonly refused: { seq: number; message: string }[] = [];
  private readonly changeListeners = new Set<() => void>();
  private readonly entryListeners = new Set<(entry: TeamEntry) => void>();
  private store: TeamStore | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  private connection: TeamConnection = 'connecting';
  private lastError: string | null = null;
  private presenceRows: PresenceRow[] = [];
  private leaseRow: LeaseRow | null = null;
  /** Highest local seq the store is known to hold. */
  private sharedUpTo = -1;
  private failures = 0;
  private retryAt = 0;
  private nextBeat = 0;
  private pullWanted = true;
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly deps: TeamSyncDeps) {
    this.verifier = new TeamChainVerifier(deps.config.session);
    for (const row of readReplica(deps.sessionDir)) this.take(row, false);
    this.replica = new ReplicaWriter(deps.sessionDir);
  }

  get session(): string {
    return this.deps.config.session;
  }

  get member(): { key: string; name: string } {
    return { key: this.deps.key.keyid, name: this.deps.config.member.name };
  }

  /** Starts sharing and following; it keeps trying until `stop`. */
  start(): this {
    if (!this.timer && !this.stopped) {
      this.timer = setInterval(() => this.kick(), TICK_MS);
      this.timer.unref?.();
      this.kick();
    }
    return this;
  }

  /** A local entry was recorded: share it soon. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.boundedWork().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
    await this.disconnect();
    this.replica.close();
    for (const wake of this.waiters) wake();
  }

  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Each entry accepted into the merged chain, as it arrives (others' and this laptop's own). */
  onEntry(listener: (entry: TeamEntry) => void): () => void {
    this.entryListeners.add(listener);
    return () => this.entryListeners.delete(listener);
  }

  /** The merged chain's accepted entries, in order. */
  merged(): readonly TeamEntry[] {
    return this.accepted;
  }

  /** Local entries the store does not hold yet, oldest first. */
  unshared(): JournalEntry[] {
    return this.deps.local.entries().filter((entry) => entry.seq > this.sharedUpTo);
  }

  /**
   * The merged chain as journal entries (then the unshared ones): what a
   * rollback resumes from when it takes over another member's run.
   */
  mergedJournal(): JournalEntry[] {
    const merged = this.accepted.map((e) => ({ seq: e.seq, ts: e.ts, type: e.type, by: e.by, data: e.data, prev: e.prev, hash: e.hash }));
    return [...merged, ...this.unshared()];
  }

  /** The connection and the outbox, without folding the chain: for waits and progress lines. */
  status(): { connection: TeamConnection; lastError: string | null; unshared: number } {
    return { connection: this.connection, lastError: this.lastError, unshared: this.unshared().length };
  }

  view(): TeamView {
    const connected = this.connection === 'connected';
    const joined = this.verifier.memberKeys().map((key) => ({ key, name: this.verifier.memberName(key) ?? key }));
    const lease = this.leaseRow;
    const last = this.accepted.at(-1);
    return {
      session: this.session,
      store: storeLabel(this.deps.config.store.url),
      you: this.member,
      connection: this.connection,
      lastError: this.lastError,
      members: teamMembers(joined, this.presenceRows, this.deps.key.keyid, connected),
      unshared: this.unshared().map((entry) => entry.seq),
      lease: lease
        ? { holderKey: lease.holderKey, holder: lease.holder, purpose: lease.purpose, subject: lease.subject, expiresAt: lease.expiresAt, expired: lease.expired, you: lease.holderKey === this.deps.key.keyid }
        : null,
      refused: [...this.refused],
      items: teamItems(this.accepted, this.unshared(), this.deps.config.member.name),
      head: last ? { seq: last.seq, hash: last.hash } : null,
    };
  }

  /**
   * Resolves once every local entry recorded before the call is in the
   * store; throws when that cannot happen within `timeoutMs` (offline).
   */
  async flush(timeoutMs: number): Promise<void> {
    const target = (this.deps.local.entries().at(-1)?.seq ?? -1);
    const deadline = Date.now() + timeoutMs;
    while (this.sharedUpTo < target) {
      if (this.stopped) throw new FlightdeckError('timeout', 'The team sync stopped.');
      if (Date.now() >= deadline) {
        throw new FlightdeckError('timeout', `Not shared with the team within ${Math.round(timeoutMs / 1000)} s${this.lastError ? `: ${this.lastError}` : ''}.`);
      }
      this.kick();
      await this.waitForChange(Math.min(200, deadline - Date.now()));
    }
  }

  /** Waits until `test` holds for the view or the merged chain; throws after `timeoutMs`. */
  async until(test: () => boolean, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (this.stopped || Date.now() >= deadline) throw new FlightdeckError('timeout', `Waited ${Math.round(timeoutMs / 1000)} s for ${what}.`);
      await this.waitForChange(Math.min(500, deadline - Date.now()));
    }
  }

  /** The store while connected; the single flight's operations go through it. */
  connectedStore(): TeamStore {
    if (!this.store || this.connection !== 'connected') {
      throw new FlightdeckError('timeout', `The team store ${storeLabel(this.deps.config.store.url)} is not reachable${this.lastError ? ` (${this.lastError})` : ''}.`);
    }
    return this.store;
  }

  private waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.waiters.add(done);
    });
  }

  private changed(): void {
    for (const wake of [...this.waiters]) wake();
    for (const listener of this.changeListeners) listener();
  }

  /**
   * One round of work, given a deadline: a query stuck on a connection
   * whose network vanished must not stop the sync from trying a new one.
   * The stuck round is left behind, and the store it used is let go.
   */
  private async boundedWork(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<'stuck'>((resolve) => {
      timer = setTimeout(() => resolve('stuck'), WORK_DEADLINE_MS);
      timer.unref?.();
    });
    try {
      if ((await Promise.race([this.work(), stuck])) === 'stuck') await this.drop(new Error(`the team store stopped answering (nothing for ${WORK_DEADLINE_MS / 1000} s)`));
    } finally {
      clearTimeout(timer);
    }
  }

  private async work(): Promise<void> {
    try {
      if (!this.store) {
        if (Date.now() < this.retryAt) return;
        await this.connect();
      }
      await this.ensureJoined();
      // This laptop's own entries first: after a long cut its outbox is what the team is missing, while the
      // rows it missed can be read in any order later. What was shared comes back as rows: read them now.
      if ((await this.drain()) > 0) this.pullWanted = true;
      if (this.pullWanted) await this.pull();
      if (Date.now() >= this.nextBeat) await this.beat();
      if (this.connection !== 'connected' || this.lastError !== null) {
        this.connection = 'connected';
        this.lastError = null;
        this.failures = 0;
        this.changed();
      }
    } catch (error) {
      await this.drop(error);
    }
  }

  private async connect(): Promise<void> {
    this.connection = 'connecting';
    const store = await this.deps.openStore();
    this.store = store;
    try {
      this.stopListening = await store.listen(
        (session) => {
          if (session !== this.session) return;
          this.pullWanted = true;
          this.kick();
        },
        (error) => void this.drop(error),
      );
    } catch (error) {
      this.store = null;
      await store.close().catch(() => undefined);
      throw error;
    }
    // Anything appended while we were away: read by seq from where the replica ends.
    this.pullWanted = true;
    this.nextBeat = 0;
  }

  private async drop(error: unknown): Promise<void> {
    const message = messageOf(error);
    const wasOnline = this.store !== null;
    await this.disconnect();
    this.failures += 1;
    this.retryAt = Date.now() + Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.failures - 1, 5));
    if (this.connection !== 'offline' || this.lastError !== message || wasOnline) {
      this.connection = 'offline';
      this.lastError = message;
      this.changed();
    }
  }

  /**
   * Lets go of the store. Closing a connection whose network is gone can
   * wait on it for long, so the close is given a deadline: the sync never
   * waits on a dead connection to try a new one.
   */
  private async disconnect(): Promise<void> {
    const store = this.store;
    const stopListening = this.stopListening;
    this.store = null;
    this.stopListening = null;
    const closing = (async () => {
      await stopListening?.().catch(() => undefined);
      await store?.close().catch(() => undefined);
    })();
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, CLOSE_DEADLINE_MS).unref())]);
  }

  /** Reads the rows after the replica's end, checks each, keeps them, then shows them. */
  private async pull(): Promise<void> {
    const store = this.store;
    if (!store) return;
    this.pullWanted = false;
    const pageSize = this.deps.pageSize ?? 500;
    for (;;) {
      const rows = await store.readSince(this.session, this.verifier.nextSeq - 1, pageSize);
      if (rows.length === 0) return;
      this.replica.append(rows);
      for (const row of rows) this.take(row, true);
      this.changed();
      if (rows.length < pageSize) return;
    }
  }

  private take(row: unknown, live: boolean): void {
    const position = this.verifier.nextSeq;
    const problem = this.verifier.accept(row);
    if (problem) {
      this.refused.push({ seq: position, message: problem });
      return;
    }
    const entry = row as TeamEntry;
    this.accepted.push(entry);
    if (entry.author === this.deps.key.keyid && entry.origin > this.sharedUpTo) this.sharedUpTo = entry.origin;
    if (live) for (const listener of this.entryListeners) listener(entry);
  }

  private async ensureJoined(): Promise<void> {
    const store = this.store;
    if (!store || this.verifier.memberName(this.deps.key.keyid) !== null) return;
    // The replica may be behind the store: read it before deciding this key has not joined.
    await this.pull();
    if (this.verifier.memberName(this.deps.key.keyid) !== null) return;
    const { name } = this.deps.config.member;
    const owner = this.verifier.memberKeys().find((key) => this.verifier.memberName(key) === name);
    if (owner) {
      throw new FlightdeckError('conflict', `${name} already joined team session ${this.session} with another key; join under another name.`, { field: 'by' });
    }
    const join = joinEntry(this.session, this.deps.key, name, new Date().toISOString());
    await store.append(this.session, this.deps.key.keyid, JOIN_ORIGIN, (seq, prev) => sealTeamEntry({ ...join, seq, prev }, this.deps.key));
    await this.pull();
  }

  /** Shares the unshared local entries in order, a batch per transaction; returns how many. */
  private async drain(): Promise<number> {
    const store = this.store;
    if (!store) return 0;
    let shared = 0;
    const { name } = this.deps.config.member;
    for (;;) {
      const batch = this.unshared().slice(0, DRAIN_BATCH);
      if (batch.length === 0) return shared;
      await store.appendMany(
        this.session,
        this.deps.key.keyid,
        batch.map((entry) => ({
          origin: entry.seq,
          seal: (seq: number, prev: string) =>
            sealTeamEntry({ session: this.session, seq, prev, author: this.deps.key.keyid, name, origin: entry.seq, ts: entry.ts, type: entry.type, by: entry.by, data: entry.data }, this.deps.key),
        })),
      );
      this.sharedUpTo = Math.max(this.sharedUpTo, batch.at(-1)!.seq);
      shared += batch.length;
      this.changed();
    }
  }

  private async beat(): Promise<void> {
    const store = this.store;
    if (!store) return;
    this.nextBeat = Date.now() + PRESENCE_HEARTBEAT_MS;
    const position = this.deps.position?.() ?? { phase: null, item: null };
    await store.heartbeat({ session: this.session, member: this.deps.key.keyid, name: this.deps.config.member.name, ...position });
    const [presence, lease] = await Promise.all([store.presence(this.session), store.currentLease(this.session)]);
    this.presenceRows = presence;
    this.leaseRow = lease;
    this.changed();
  }

  /** Reads the lease now (the single flight asks before it acts). */
  async refreshLease(): Promise<LeaseRow | null> {
    const lease = await this.connectedStore().currentLease(this.session);
    this.leaseRow = lease;
    this.changed();
    return lease;
  }
}

export { LEASE_TTL_MS };
