/**
 * The team store's schema (issue 16), as numbered migrations. Flightdeck
 * runs them only with the approval of the person who configures the store
 * (`pendingMigrations` lists them with their summaries first); each runs
 * in its own transaction and is recorded in `flightdeck_schema`, so a
 * second run applies nothing. A migration is never edited once released:
 * a change is a new version.
 */

export interface TeamMigration {
  version: number;
  /** What it does, in words, for the approval. */
  summary: string;
  sql: string;
}

/** Records the applied versions; created before the first migration runs. */
export const SCHEMA_TABLE_SQL = `
  create table if not exists flightdeck_schema (
    version integer primary key,
    summary text not null,
    applied_at timestamptz not null default now()
  )`;

export const TEAM_MIGRATIONS: readonly TeamMigration[] = [
  {
    version: 1,
    summary:
      'Creates the team tables: flightdeck_sessions (each session\'s chain head), flightdeck_entries (the signed entries, append-only: ' +
      'a trigger refuses UPDATE, DELETE and TRUNCATE), flightdeck_presence (heartbeats) and flightdeck_leases (the single-flight lease).',
    sql: `
      create table flightdeck_sessions (
        id text primary key,
        head_seq bigint not null default -1,
        head_hash text not null,
        created_at timestamptz not null default now()
      );

      -- entry is json, not jsonb: json keeps the author's exact text, and
      -- jsonb refuses what JavaScript strings may hold (\\u0000, an unpaired
      -- surrogate), which would block that author's outbox for good.
      create table flightdeck_entries (
        session text not null references flightdeck_sessions (id),
        seq bigint not null check (seq >= 0),
        author text not null,
        origin bigint not null,
        entry json not null,
        appended_at timestamptz not null default now(),
        primary key (session, seq),
        unique (session, author, origin)
      );

      -- Defence in depth only: a database owner can drop this trigger, so
      -- the chain verifier (signatures and hashes) is the real guard.
      create function flightdeck_entries_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'flightdeck_entries is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
      end
      $$;
      create trigger flightdeck_entries_append_only before update or delete on flightdeck_entries
        for each row execute function flightdeck_entries_append_only();
      create trigger flightdeck_entries_no_truncate before truncate on flightdeck_entries
        for each statement execute function flightdeck_entries_append_only();

      create table flightdeck_presence (
        session text not null,
        member text not null,
        name text not null,
        phase text,
        item text,
        last_seen timestamptz not null default now(),
        primary key (session, member)
      );

      -- One row per session, kept when released, so the epoch only grows.
      create table flightdeck_leases (
        session text primary key,
        holder_key text not null,
        holder text not null,
        purpose text not null check (purpose in ('rollback', 'flag')),
        subject text,
        epoch bigint not null,
        expires_at timestamptz not null,
        released boolean not null default false
      );`,
  },
];

/** The newest version this Flightdeck knows; a store must have every version up to it. */
export const TEAM_SCHEMA_VERSION = TEAM_MIGRATIONS[TEAM_MIGRATIONS.length - 1]!.version;

/**
 * What a member's database role needs (the schema owner runs the
 * migrations): read and append entries, move the head, heartbeat and
 * take leases. No UPDATE or DELETE on entries.
 */
export function memberGrantsSql(role: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`memberGrantsSql: "${role}" is not a plain role name`);
  return [
    `grant select on flightdeck_schema to ${role}`,
    `grant select, insert, update on flightdeck_sessions to ${role}`,
    `grant select, insert on flightdeck_entries to ${role}`,
    `grant select, insert, update on flightdeck_presence to ${role}`,
    `grant select, insert, update on flightdeck_leases to ${role}`,
  ].join(';\n');
}
