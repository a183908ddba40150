/**
 * A node-postgres connection for the queries around a dump (sizes, the
 * table list, exact row counts, scratch databases), with deadlines and
 * failures said plainly ("authentication failed for user …"), the
 * password never among the words.
 */
import pg from 'pg';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { postgresClientConfig } from '../probes/postgres-connection';
import { describeTarget, type PgTarget } from './pg-tools';

const CONNECT_TIMEOUT_MS = 15_000;

export interface PgConnection {
  client: pg.Client;
  end(): Promise<void>;
}

function scrub(text: string, password: string | null): string {
  return password ? text.split(password).join('[redacted]') : text;
}

/** What went wrong talking to PostgreSQL, as a FlightdeckError that names the server and user. */
export function explainPgError(error: unknown, target: PgTarget, password: string | null, database = target.database): FlightdeckError {
  if (error instanceof FlightdeckError) return error;
  const code = (error as { code?: unknown }).code;
  const where = describeTarget(target, database);
  const message = scrub(messageOf(error), password);
  if (code === '28P01' || code === '28000') return new FlightdeckError('forbidden', `PostgreSQL ${where}: ${message}`, { field: 'password' });
  if (/client password must be a string|password must be a string/i.test(message)) {
    return new FlightdeckError('forbidden', `PostgreSQL ${where}: the server asks for a password and none is configured`, { field: 'password' });
  }
  if (code === '3D000') return new FlightdeckError('not-found', `PostgreSQL ${where}: ${message}`, { field: 'url' });
  if (code === '42501') return new FlightdeckError('forbidden', `PostgreSQL ${where}: ${message}`);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return new FlightdeckError('not-found', `Cannot reach PostgreSQL at ${where}: ${message}`, { field: 'url' });
  if (/timeout/i.test(message)) return new FlightdeckError('timeout', `PostgreSQL ${where}: ${message}`);
  return new FlightdeckError('internal', `PostgreSQL ${where}: ${message}`);
}

/** Connects to `database` (default: the target's); aborting the signal ends the connection. */
export async function connectPg(target: PgTarget, password: string | null, signal: AbortSignal, database = target.database): Promise<PgConnection> {
  signal.throwIfAborted();
  const base = postgresClientConfig(describeTarget(target, database), password ?? undefined, undefined);
  if (target.sslmode && !['disable', 'allow', 'prefer'].includes(target.sslmode)) base.ssl ??= { rejectUnauthorized: true };
  const client = new pg.Client({ ...base, database, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'flightdeck-backup' });
  client.on('error', () => undefined);
  let ended = false;
  const end = async () => {
    if (ended) return;
    ended = true;
    signal.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  };
  const onAbort = () => void end();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await client.connect();
  } catch (error) {
    await end();
    signal.throwIfAborted();
    throw explainPgError(error, target, password, database);
  }
  return { client, end };
}

/** "schema.table", quoted only where SQL would need it: one key per table, whatever its name. */
export function qualifiedName(schema: string, table: string): string {
  const part = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`);
  return `${part(schema)}.${part(table)}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export interface TableInfo {
  schema: string;
  table: string;
  /** The planner's estimate (-1 or 0 when never analysed). */
  estimatedRows: number;
  /** Heap and TOAST bytes, no indexes: what the dump's data comes from. */
  bytes: number;
}

/** Ordinary tables whose data pg_dump writes as TABLE DATA entries. */
export const TABLES_SQL = `
  select n.nspname as schema, c.relname as table, c.reltuples::float8 as estimated_rows, pg_table_size(c.oid)::float8 as bytes
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind = 'r' and c.relpersistence <> 't'
    and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
    and not exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype = 'e')
  order by 1, 2`;

export async function listTables(client: pg.Client): Promise<TableInfo[]> {
  const result = await client.query<{ schema: string; table: string; estimated_rows: number; bytes: number }>(TABLES_SQL);
  return result.rows.map((row) => ({ schema: row.schema, table: row.table, estimatedRows: row.estimated_rows, bytes: row.bytes }));
}

/** Exact row counts, keyed `rows.<schema>.<table>`, in the connection's current snapshot. */
export async function countRows(client: pg.Client, tables: readonly TableInfo[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of tables) {
    const result = await client.query<{ n: string }>(`select count(*) as n from ${quoteIdent(t.schema)}.${quoteIdent(t.table)}`);
    counts[`rows.${qualifiedName(t.schema, t.table)}`] = Number(result.rows[0]!.n);
  }
  return counts;
}
