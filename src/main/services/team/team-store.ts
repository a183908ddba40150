/**
 * The team store in the team's own PostgreSQL (issue 16): the TeamStore
 * contract (team-store-api.ts) over `pg`. A small pool serves appends and
 * reads; each `listen` holds one dedicated connection. Every query has a
 * deadline (connect, statement and client-side query timeouts), and every
 * failure is said in words built here, naming the store as host:port/db:
 * pg's own messages can carry a connection string, so the password is
 * never let near one.
 */
import { readFileSync, statSync } from 'node:fs';
import pg from 'pg';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { GENESIS_HASH } from '../../../shared/session-state';
import type { TeamEntry } from './team-entry';
import { SCHEMA_TABLE_SQL, TEAM_MIGRATIONS, TEAM_SCHEMA_VERSION } from './team-migrations';
import type { LeaseAttempt, LeaseRow, PresenceBeat, PresenceRow, TeamStore } from './team-store-api';

export interface TeamStoreOptions {
  /** postgres://user@host:port/db, never with a password in it. */
  url: string;
  /** From the vault; null when the server needs none. */
  password: string | null;
  ssl: { mode: 'disable' | 'verify-full'; caFile?: string };
  /** Default 5000. */
  connectTimeoutMs?: number;
  /** Default 5000. */
  queryTimeoutMs?: number;
  /**
   * How often a listening connection proves it is alive (a query with the
   * query deadline); a connection cut without a reset (a dropped network)
   * would otherwise stay silent. Default 2000.
   */
  listenCheckMs?: number;
}

export interface TeamStoreAddress {
  host: string;
  port: number;
  database: string;
  user: string;
  /** "host:port/db": how the store is named to people, never with credentials. */
  display: string;
}

const NOTIFY_CHANNEL = 'flightdeck_entries';
const POOL_SIZE = 3;
const MAX_SESSION_ID = 200;
/** Entries per appendMany: one transaction's worth. */
const MAX_APPEND_BATCH = 500;
const MAX_TTL_MS = 3_600_000;
const MAX_CA_BYTES = 1_000_000;

/**
 * Reads a team store URL: postgres://user@host:port/db. Refuses a password
 * in it (a URL ends up in argv, profiles and logs) without echoing it.
 */
export function parseTeamStoreUrl(raw: string): TeamStoreAddress {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FlightdeckError('bad-input', 'The team store URL is not a URL: expected postgres://user@host:port/database.', { field: 'url' });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new FlightdeckError('bad-input', `The team store URL must start with postgres://, not ${url.protocol}//.`, { field: 'url' });
  }
  if (url.password) {
    throw new FlightdeckError('forbidden', 'The team store URL carries a password: remove it from the URL and keep it in the vault (the store\'s password field); a URL is shown in profiles, command lines and logs.', { field: 'url' });
  }
  if (url.search) {
    throw new FlightdeckError('bad-input', `The team store URL takes no parameters (${[...url.searchParams.keys()].join(', ')}): TLS is set by the store's ssl mode (verify-full with a CA file).`, { field: 'url' });
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const user = decodeURIComponent(url.username);
  if (!host) throw new FlightdeckError('bad-input', 'The team store URL names no host.', { field: 'url' });
  if (!database || database.includes('/')) throw new FlightdeckError('bad-input', 'The team store URL names no database: expected postgres://user@host:port/database.', { field: 'url' });
  if (!user) throw new FlightdeckError('bad-input', 'The team store URL names no user: expected postgres://user@host:port/database.', { field: 'url' });
  const port = url.port ? Number(url.port) : 5432;
  return { host, port, database, user, display: `${host.includes(':') ? `[${host}]` : host}:${port}/${database}` };
}

function tlsConfig(ssl: TeamStoreOptions['ssl']): pg.ClientConfig['ssl'] {
  if (ssl.mode === 'disable') return false;
  if (ssl.mode !== 'verify-full') throw new FlightdeckError('bad-input', `The team store's ssl mode must be "disable" or "verify-full", not "${String(ssl.mode)}".`, { field: 'ssl.mode' });
  if (!ssl.caFile) return { rejectUnauthorized: true };
  let ca: string;
  try {
    if (statSync(ssl.caFile).size > MAX_CA_BYTES) throw new FlightdeckError('too-large', `The team store's CA file is over ${MAX_CA_BYTES} bytes.`, { file: ssl.caFile, field: 'ssl.caFile' });
    ca = readFileSync(ssl.caFile, 'utf8');
  } catch (error) {
    if (error instanceof FlightdeckError) throw error;
    throw new FlightdeckError('not-found', `The team store's CA file cannot be read: ${messageOf(error)}`, { file: ssl.caFile, field: 'ssl.caFile' });
  }
  if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new FlightdeckError('bad-input', "The team store's CA file holds no PEM certificate.", { file: ssl.caFile, field: 'ssl.caFile' });
  // Only the given CA, as libpq's sslrootcert: the store's certificate is the team's, not the web's. Node checks the host name (verify-full).
  return { rejectUnauthorized: true, ca };
}

function positiveMs(value: number | undefined, fallback: number, field: string): number {
  const ms = value ?? fallback;
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new FlightdeckError('bad-input', `The team store's ${field} must be a positive number of milliseconds.`, { field });
  return ms;
}

/** Opens the store (connections are made on first use); refuses a URL with a password. */
export function openPostgresTeamStore(options: TeamStoreOptions): PostgresTeamStore {
  return new PostgresTeamStore(options);
}

interface EntryRow {
  entry: unknown;
}

interface LeaseDbRow {
  session: string;
  holder_key: string;
  holder: string;
  purpose: 'rollback' | 'flag';
  subject: string | null;
  epoch: string;
  expires_at: Date;
  expired: boolean;
}

const LEASE_COLUMNS = 'session, holder_key, holder, purpose, subject, epoch::text as epoch, expires_at, expires_at < now() as expired';

function leaseOf(row: LeaseDbRow): LeaseRow {
  return {
    session: row.session,
    holderKey: row.holder_key,
    holder: row.holder,
    purpose: row.purpose,
    subject: row.subject,
    epoch: Number(row.epoch),
    expiresAt: row.expires_at.toISOString(),
    expired: row.expired,
  };
}

export class PostgresTeamStore implements TeamStore {
  readonly address: TeamStoreAddress;
  private readonly clientConfig: pg.ClientConfig;
  private readonly password: string | null;
  private readonly listenCheckMs: number;
  private readonly pool: pg.Pool;
  private readonly listeners = new Set<() => Promise<void>>();
  /** Set once the schema was found current; checked again after a failure. */
  private schemaChecked: Promise<void> | null = null;
  private closed = false;

  constructor(options: TeamStoreOptions) {
    this.address = parseTeamStoreUrl(options.url);
    this.password = options.password;
    const queryTimeoutMs = positiveMs(options.queryTimeoutMs, 5000, 'queryTimeoutMs');
    this.listenCheckMs = positiveMs(options.listenCheckMs, 2000, 'listenCheckMs');
    this.clientConfig = {
      host: this.address.host,
      port: this.address.port,
      database: this.address.database,
      user: this.address.user,
      // pg asks for a string when the server wants one; undefined lets it say "none configured", which is mapped below.
      password: options.password ?? undefined,
      ssl: tlsConfig(options.ssl),
      connectionTimeoutMillis: positiveMs(options.connectTimeoutMs, 5000, 'connectTimeoutMs'),
      statement_timeout: queryTimeoutMs,
      query_timeout: queryTimeoutMs,
      // An append's transaction is a few statements; one left open by a dead caller must not hold the session's row.
      idle_in_transaction_session_timeout: queryTimeoutMs * 2,
      keepAlive: true,
      application_name: 'flightdeck-team',
    };
    // allowExitOnIdle: idle pooled connections never keep a finished CLI command alive.
    this.pool = new pg.Pool({ ...this.clientConfig, max: POOL_SIZE, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
    // An idle pooled connection that dies is replaced on the next checkout; unhandled, this event would end the process.
    this.pool.on('error', () => undefined);
  }

  // ---- errors -------------------------------------------------------------

  /** What went wrong, in words built here: never pg's text for a connection failure, never the password. */
  private explain(error: unknown, doing: string): FlightdeckError {
    if (error instanceof FlightdeckError) return error;
    const where = `the team store at ${this.address.display}`;
    const code = String((error as { code?: unknown } | null)?.code ?? '');
    const text = this.scrub(messageOf(error));
    if (code === '28000' && /pg_hba/.test(text)) return new FlightdeckError('forbidden', `${where} does not let user "${this.address.user}" connect from here while ${doing} (${text}): the server's pg_hba.conf decides, and it may ask for TLS.`, { field: 'ssl.mode' });
    if (code === '28P01' || code === '28000') return new FlightdeckError('forbidden', `${where} refused the credentials of user "${this.address.user}" while ${doing}: check the store's password in the vault and the server's pg_hba.conf.`, { field: 'password' });
    if (/password must be a string|no password/i.test(text)) return new FlightdeckError('forbidden', `${where} asks for a password while ${doing}, and none is configured: set the store's password in the vault.`, { field: 'password' });
    if (code === '3D000') return new FlightdeckError('not-found', `${where}: database "${this.address.database}" does not exist.`, { field: 'url' });
    if (code === '42P01' || code === '42883') return this.noSchema();
    if (code === '42501') return new FlightdeckError('forbidden', `${where} refused ${doing} to user "${this.address.user}": ${text}. The schema owner grants the member role its rights (see the team store's grants).`);
    if (code === '57014' || /timeout|timed out/i.test(text)) return new FlightdeckError('timeout', `${where} did not answer in time while ${doing}.`);
    if (code === '57P01' || code === '57P02' || code === '57P03') return new FlightdeckError('timeout', `${where} ended the connection while ${doing} (the server is shutting down or the connection was terminated).`);
    if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(code)) return new FlightdeckError('not-found', `Cannot reach ${where} while ${doing} (${code}).`, { field: 'url' });
    if (code === 'ECONNRESET' || code === 'EPIPE' || /terminated|Connection ended|not queryable/i.test(text)) return new FlightdeckError('timeout', `${where}: the connection was lost while ${doing}.`);
    if (/does not support SSL/i.test(text)) return new FlightdeckError('forbidden', `${where} does not offer TLS, and the store's ssl mode is verify-full.`, { field: 'ssl.mode' });
    if (/certificate|self.signed|altnames|hostname/i.test(text) || code.startsWith('ERR_TLS') || code.includes('CERT')) {
      return new FlightdeckError('forbidden', `${where} presented a certificate that does not verify (${code || 'TLS'}): check the store's CA file and that the URL's host is the certificate's name.`, { field: 'ssl.caFile' });
    }
    // A server error (SQLSTATE) is the server's own words about our query, which hold no credentials; scrubbed all the same.
    if (/^[0-9A-Z]{5}$/.test(code)) return new FlightdeckError('internal', `${where} failed while ${doing}: ${text} (SQLSTATE ${code}).`);
    return new FlightdeckError('internal', `${where} failed while ${doing}${code ? ` (${code})` : ''}.`);
  }

  private scrub(text: string): string {
    return this.password && this.password.length > 0 ? text.split(this.password).join('[redacted]') : text;
  }

  private noSchema(): FlightdeckError {
    return new FlightdeckError('not-found', `The team store at ${this.address.display} has no current Flightdeck schema (version ${TEAM_SCHEMA_VERSION} is missing): approve and run its migrations first.`);
  }

  // ---- plumbing ------------------------------------------------------------

  private ensureOpen(): void {
    if (this.closed) throw new FlightdeckError('internal', `The team store at ${this.address.display} was closed.`);
  }

  private async withClient<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>, checkSchema = true): Promise<T> {
    this.ensureOpen();
    if (checkSchema) await this.checkSchema();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.explain(error, doing);
    }
    // pg-pool listens for errors only while a client is idle: one between two queries here must not end the process.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      if (connectionBroken(error)) broken = error instanceof Error ? error : new Error(String(error));
      throw this.explain(error, doing);
    } finally {
      client.removeListener('error', ignore);
      client.release(broken);
    }
  }

  private async transaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
    await client.query('begin');
    try {
      const result = await work();
      await client.query('commit');
      return result;
    } catch (error) {
      // A broken connection is discarded, and the server rolls back when it goes; waiting on it would only double the deadline.
      if (!connectionBroken(error)) await client.query('rollback').catch(() => undefined);
      throw error;
    }
  }

  private checkSchema(): Promise<void> {
    this.schemaChecked ??= this.withClient(
      'checking its schema',
      async (client) => {
        const applied = await this.appliedVersions(client);
        if (TEAM_MIGRATIONS.some((m) => !applied.has(m.version))) throw this.noSchema();
      },
      false,
    ).catch((error: unknown) => {
      this.schemaChecked = null;
      throw error;
    });
    return this.schemaChecked;
  }

  private async appliedVersions(client: pg.ClientBase): Promise<Set<number>> {
    const exists = await client.query<{ present: boolean }>("select to_regclass('flightdeck_schema') is not null as present");
    if (!exists.rows[0]!.present) return new Set();
    const rows = await client.query<{ version: number }>('select version from flightdeck_schema');
    return new Set(rows.rows.map((r) => r.version));
  }

  // ---- migrations ----------------------------------------------------------

  async pendingMigrations(): Promise<{ version: number; summary: string }[]> {
    return this.withClient(
      'reading its schema version',
      async (client) => {
        const applied = await this.appliedVersions(client);
        return TEAM_MIGRATIONS.filter((m) => !applied.has(m.version)).map(({ version, summary }) => ({ version, summary }));
      },
      false,
    );
  }

  async migrate(): Promise<number[]> {
    return this.withClient(
      'migrating its schema',
      async (client) => {
        const done: number[] = [];
        for (const migration of TEAM_MIGRATIONS) {
          const ran = await this.transaction(client, async () => {
            // Two people approving at once: the second waits, then finds the version applied.
            await client.query("select pg_advisory_xact_lock(hashtext('flightdeck_schema'))");
            await client.query(SCHEMA_TABLE_SQL);
            const applied = await client.query('select 1 from flightdeck_schema where version = $1', [migration.version]);
            if (applied.rowCount) return false;
            await client.query(migration.sql);
            await client.query('insert into flightdeck_schema (version, summary) values ($1, $2)', [migration.version, migration.summary]);
            return true;
          });
          if (ran) done.push(migration.version);
        }
        this.schemaChecked = null;
        return done;
      },
      false,
    );
  }

  // ---- the chain -----------------------------------------------------------

  async append(session: string, author: string, origin: number, seal: (seq: number, prev: string) => TeamEntry): Promise<{ entry: TeamEntry; duplicate: boolean }> {
    checkSession(session);
    if (!Number.isSafeInteger(origin)) throw new FlightdeckError('bad-input', `An entry's origin must be an integer, not ${String(origin)}.`, { field: 'origin' });
    return this.withClient(`appending to session "${session}"`, (client) =>
      this.transaction(client, async () => {
        await client.query('insert into flightdeck_sessions (id, head_hash) values ($1, $2) on conflict (id) do nothing', [session, GENESIS_HASH]);
        // The session's row lock serialises its appends: the chain never forks. Every round trip made
        // while holding it caps the whole team's append rate, so the lock, the head and the duplicate
        // check are one query, and the insert, the new head and the notification another.
        const head = await client.query<{ head_seq: string; head_hash: string; existing: unknown }>(
          `select s.head_seq::text as head_seq, s.head_hash,
                  (select e.entry from flightdeck_entries e where e.session = s.id and e.author = $2 and e.origin = $3) as existing
           from flightdeck_sessions s where s.id = $1 for update of s`,
          [session, author, origin],
        );
        if (head.rows[0]!.existing) return { entry: head.rows[0]!.existing as TeamEntry, duplicate: true };
        const seq = Number(head.rows[0]!.head_seq) + 1;
        const prev = head.rows[0]!.head_hash;
        const entry = sealAt(seal, { session, seq, prev, author, origin });
        await client.query(
          `with inserted as (insert into flightdeck_entries (session, seq, author, origin, entry) values ($1, $2, $3, $4, $5::json) returning 1),
                moved as (update flightdeck_sessions set head_seq = $2, head_hash = $6 where id = $1 returning 1)
           select pg_notify($7, $8) from inserted, moved`,
          [session, seq, author, origin, JSON.stringify(entry), entry.hash, NOTIFY_CHANNEL, `${session} ${seq}`],
        );
        return { entry, duplicate: false };
      }),
    );
  }

  async appendMany(session: string, author: string, entries: readonly { origin: number; seal: (seq: number, prev: string) => TeamEntry }[]): Promise<TeamEntry[]> {
    checkSession(session);
    if (entries.length > MAX_APPEND_BATCH) throw new FlightdeckError('bad-input', `At most ${MAX_APPEND_BATCH} entries are appended at once, not ${entries.length}.`);
    for (const { origin } of entries) {
      if (!Number.isSafeInteger(origin)) throw new FlightdeckError('bad-input', `An entry's origin must be an integer, not ${String(origin)}.`, { field: 'origin' });
    }
    if (entries.length === 0) return [];
    return this.withClient(`appending to session "${session}"`, (client) =>
      this.transaction(client, async () => {
        await client.query('insert into flightdeck_sessions (id, head_hash) values ($1, $2) on conflict (id) do nothing', [session, GENESIS_HASH]);
        // One hold of the session's lock for the whole batch: the chain never forks, and the team's append rate grows with the backlog.
        const head = await client.query<{ head_seq: string; head_hash: string; existing: string[] }>(
          `select s.head_seq::text as head_seq, s.head_hash,
                  array(select e.origin::text from flightdeck_entries e where e.session = s.id and e.author = $2 and e.origin = any($3::bigint[])) as existing
           from flightdeck_sessions s where s.id = $1 for update of s`,
          [session, author, entries.map((e) => e.origin)],
        );
        const there = new Set(head.rows[0]!.existing.map(Number));
        let seq = Number(head.rows[0]!.head_seq);
        let prev = head.rows[0]!.head_hash;
        const written: TeamEntry[] = [];
        for (const { origin, seal } of entries) {
          if (there.has(origin)) continue;
          seq += 1;
          const entry = sealAt(seal, { session, seq, prev, author, origin });
          written.push(entry);
          there.add(origin);
          prev = entry.hash;
        }
        if (written.length === 0) return written;
        await client.query(
          `with inserted as (insert into flightdeck_entries (session, seq, author, origin, entry)
                             select $1, t.seq, $2, t.origin, t.entry::json from unnest($3::bigint[], $4::bigint[], $5::text[]) as t(seq, origin, entry) returning 1),
                moved as (update flightdeck_sessions set head_seq = $6, head_hash = $7 where id = $1 returning 1)
           select pg_notify($8, $9) from moved`,
          [session, author, written.map((e) => e.seq), written.map((e) => e.origin), written.map((e) => JSON.stringify(e)), seq, prev, NOTIFY_CHANNEL, `${session} ${seq}`],
        );
        return written;
      }),
    );
  }

  async readSince(session: string, afterSeq: number, limit: number): Promise<unknown[]> {
    checkSession(session);
    if (!Number.isSafeInteger(afterSeq) || afterSeq < -1) throw new FlightdeckError('bad-input', `readSince: afterSeq must be -1 or a seq, not ${String(afterSeq)}.`, { field: 'afterSeq' });
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new FlightdeckError('bad-input', `readSince: limit must be a positive integer, not ${String(limit)}.`, { field: 'limit' });
    return this.withClient(`reading session "${session}"`, async (client) => {
      const rows = await client.query<EntryRow>('select entry from flightdeck_entries where session = $1 and seq > $2 order by seq limit $3', [session, afterSeq, limit]);
      return rows.rows.map((r) => r.entry);
    });
  }

  async headSeq(session: string): Promise<number> {
    checkSession(session);
    return this.withClient(`reading the head of session "${session}"`, async (client) => {
      const rows = await client.query<{ head_seq: string }>('select head_seq::text as head_seq from flightdeck_sessions where id = $1', [session]);
      return rows.rows[0] ? Number(rows.rows[0].head_seq) : -1;
    });
  }

  async listen(onAppend: (session: string, seq: number) => void, onLost: (error: Error) => void): Promise<() => Promise<void>> {
    this.ensureOpen();
    await this.checkSchema();
    const doing = 'listening for entries';
    const client = new pg.Client(this.clientConfig);
    // Lost is reported once, only for a connection that was listening and not stopped by the caller.
    let live = false;
    // A dropped network leaves a connection silent, not ended: a query with a deadline proves it alive.
    let checking = false;
    const timer = setInterval(() => {
      if (!live || checking) return;
      checking = true;
      client.query('select 1').then(() => (checking = false), lost);
    }, this.listenCheckMs);
    timer.unref();
    const stop = async (): Promise<void> => {
      live = false;
      clearInterval(timer);
      this.listeners.delete(stop);
      client.removeAllListeners('notification');
      await this.endClient(client);
    };
    const lost = (error: unknown): void => {
      if (!live) return;
      void stop();
      onLost(this.explain(error ?? new Error('Connection ended'), doing));
    };
    client.on('error', lost);
    client.on('end', () => lost(new Error('Connection ended')));
    client.on('notification', (message) => {
      if (message.channel !== NOTIFY_CHANNEL || !message.payload) return;
      const cut = message.payload.lastIndexOf(' ');
      const seq = Number(message.payload.slice(cut + 1));
      if (cut <= 0 || !Number.isSafeInteger(seq)) return;
      onAppend(message.payload.slice(0, cut), seq);
    });
    try {
      await client.connect();
      await client.query(`listen ${NOTIFY_CHANNEL}`);
    } catch (error) {
      clearInterval(timer);
      await this.endClient(client);
      throw this.explain(error, doing);
    }
    live = true;
    this.listeners.add(stop);
    return stop;
  }

  /** Ends a connection, destroying its socket when the goodbye is not answered (a cut network). */
  private async endClient(client: pg.Client): Promise<void> {
    client.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      client.end().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 1000))),
    ]);
    clearTimeout(timer);
    if (!ended) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }

  // ---- presence ------------------------------------------------------------

  async heartbeat(beat: PresenceBeat): Promise<void> {
    checkSession(beat.session);
    await this.withClient(`sending a heartbeat to session "${beat.session}"`, async (client) => {
      await client.query(
        `insert into flightdeck_presence (session, member, name, phase, item, last_seen) values ($1, $2, $3, $4, $5, now())
         on conflict (session, member) do update set name = excluded.name, phase = excluded.phase, item = excluded.item, last_seen = now()`,
        [beat.session, beat.member, beat.name, beat.phase, beat.item],
      );
    });
  }

  async presence(session: string): Promise<PresenceRow[]> {
    checkSession(session);
    return this.withClient(`reading who is in session "${session}"`, async (client) => {
      const rows = await client.query<{ member: string; name: string; phase: string | null; item: string | null; last_seen: Date }>(
        'select member, name, phase, item, last_seen from flightdeck_presence where session = $1 order by name, member',
        [session],
      );
      return rows.rows.map((r) => ({ session, member: r.member, name: r.name, phase: r.phase, item: r.item, lastSeen: r.last_seen.toISOString() }));
    });
  }

  // ---- the single flight ---------------------------------------------------

  async acquireLease(request: { session: string; holderKey: string; holder: string; purpose: 'rollback' | 'flag'; subject: string | null; ttlMs: number }): Promise<LeaseAttempt> {
    checkSession(request.session);
    checkTtl(request.ttlMs);
    if (request.purpose !== 'rollback' && request.purpose !== 'flag') throw new FlightdeckError('bad-input', `A lease's purpose is "rollback" or "flag", not "${String(request.purpose)}".`, { field: 'purpose' });
    return this.withClient(`taking the lease of session "${request.session}"`, async (client) => {
      // The database's clock decides expiry, so laptops' clocks never matter. The epoch stays only
      // when the same holder renews a live lease this way; any other take bumps it.
      const taken = await client.query<LeaseDbRow>(
        `insert into flightdeck_leases as l (session, holder_key, holder, purpose, subject, epoch, expires_at)
         values ($1, $2, $3, $4, $5, 1, now() + $6 * interval '1 millisecond')
         on conflict (session) do update set
           holder_key = excluded.holder_key, holder = excluded.holder, purpose = excluded.purpose, subject = excluded.subject,
           epoch = case when l.holder_key = excluded.holder_key and not l.released and l.expires_at >= now() then l.epoch else l.epoch + 1 end,
           expires_at = excluded.expires_at, released = false
         where l.released or l.expires_at < now() or l.holder_key = excluded.holder_key
         returning ${LEASE_COLUMNS}`,
        [request.session, request.holderKey, request.holder, request.purpose, request.subject, request.ttlMs],
      );
      if (taken.rows[0]) return { taken: true, lease: leaseOf(taken.rows[0]) };
      const current = await client.query<LeaseDbRow>(`select ${LEASE_COLUMNS} from flightdeck_leases where session = $1`, [request.session]);
      // The row is never deleted: it exists, since the insert met it.
      return { taken: false, lease: leaseOf(current.rows[0]!) };
    });
  }

  async renewLease(session: string, holderKey: string, epoch: number, ttlMs: number): Promise<boolean> {
    checkSession(session);
    checkTtl(ttlMs);
    return this.withClient(`renewing the lease of session "${session}"`, async (client) => {
      const renewed = await client.query(
        `update flightdeck_leases set expires_at = now() + $4 * interval '1 millisecond'
         where session = $1 and holder_key = $2 and epoch = $3 and not released and expires_at > now()`,
        [session, holderKey, epoch, ttlMs],
      );
      return renewed.rowCount === 1;
    });
  }

  async releaseLease(session: string, holderKey: string, epoch: number): Promise<void> {
    checkSession(session);
    await this.withClient(`releasing the lease of session "${session}"`, async (client) => {
      await client.query('update flightdeck_leases set released = true, expires_at = least(expires_at, now()) where session = $1 and holder_key = $2 and epoch = $3 and not released', [session, holderKey, epoch]);
    });
  }

  async currentLease(session: string): Promise<LeaseRow | null> {
    checkSession(session);
    return this.withClient(`reading the lease of session "${session}"`, async (client) => {
      const rows = await client.query<LeaseDbRow>(`select ${LEASE_COLUMNS} from flightdeck_leases where session = $1 and not released`, [session]);
      return rows.rows[0] ? leaseOf(rows.rows[0]) : null;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.listeners].map((stop) => stop()));
    await this.pool.end().catch(() => undefined);
  }
}

/**
 * Whether a failure leaves the connection unusable: anything but the
 * server's own refusal (a SQLSTATE, after which the connection is fine) or
 * our own FlightdeckError (thrown between queries), such as a client-side
 * timeout, whose query may still be running, or a dead socket.
 */
function connectionBroken(error: unknown): boolean {
  if (error instanceof FlightdeckError) return false;
  return !/^[0-9A-Z]{5}$/.test(String((error as { code?: unknown } | null)?.code ?? ''));
}

function checkSession(session: string): void {
  if (typeof session !== 'string' || session.length === 0 || session.length > MAX_SESSION_ID) {
    throw new FlightdeckError('bad-input', `A team session id is 1 to ${MAX_SESSION_ID} characters.`, { field: 'session' });
  }
}

function checkTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_TTL_MS) throw new FlightdeckError('bad-input', `A lease's ttl is 1 to ${MAX_TTL_MS} ms, not ${String(ttlMs)}.`, { field: 'ttlMs' });
}

/** Where a sealed entry disagrees with the place it was sealed for (a caller's bug that would corrupt the chain's columns). */
type Place = { session: string; seq: number; prev: string; author: string; origin: number };

/** The author's seal at this place in the chain, or a refusal (the transaction then appends nothing). */
function sealAt(seal: (seq: number, prev: string) => TeamEntry, place: Place): TeamEntry {
  const { session, seq, prev } = place;
  let entry: TeamEntry;
  try {
    entry = seal(seq, prev);
  } catch (error) {
    if (error instanceof FlightdeckError) throw error;
    throw new FlightdeckError('internal', `Sealing the entry for session "${session}" at seq ${seq} failed: ${messageOf(error)}; nothing was appended.`);
  }
  const misplaced = misplacement(entry, place);
  if (misplaced) throw new FlightdeckError('internal', `The entry sealed for session "${session}" at seq ${seq} ${misplaced}; nothing was appended.`);
  return entry;
}

function misplacement(entry: TeamEntry, place: Place): string | null {
  for (const field of ['session', 'seq', 'prev', 'author', 'origin'] as const) {
    if (entry?.[field] !== place[field]) return `says ${field} ${JSON.stringify(entry?.[field])}, not ${JSON.stringify(place[field])}`;
  }
  if (typeof entry.hash !== 'string') return 'has no hash';
  return null;
}
