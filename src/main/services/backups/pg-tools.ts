/**
 * How Flightdeck addresses PostgreSQL and its tools without letting a name
 * become an option or a connection string: host, port and user travel in
 * libpq's environment variables (read verbatim, never parsed), the database
 * in a quoted conninfo `dbname='…'` given as `--dbname=…` (libpq would read
 * a bare name containing "=" as a conninfo string, and a name starting with
 * "-" could pass for an option), and the password in a passfile.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FlightdeckError } from '../../../shared/errors';

export interface PgTarget {
  host: string;
  port: number;
  user: string | null;
  database: string;
  sslmode: string | null;
}

/** Reads `postgres://user@host:port/db`; a password in the URL is refused (it belongs in the vault). */
export function parsePostgresUrl(raw: string): PgTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new FlightdeckError('bad-input', 'Not a postgres:// URL', { field: 'url' });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') throw new FlightdeckError('bad-input', `Not a postgres:// URL (it starts with ${url.protocol})`, { field: 'url' });
  if (url.password) throw new FlightdeckError('bad-input', 'The PostgreSQL URL must not contain a password: store it in the vault and refer to it as { secret: NAME }', { field: 'url' });
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new FlightdeckError('bad-input', 'The PostgreSQL URL names no database (postgres://user@host:5432/DATABASE)', { field: 'url' });
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: url.port ? Number(url.port) : 5432,
    user: url.username ? decodeURIComponent(url.username) : null,
    database,
    sslmode: url.searchParams.get('sslmode'),
  };
}

/** The target as a URL for messages and backup.json: never a password. */
export function describeTarget(target: PgTarget, database = target.database): string {
  const user = target.user ? `${encodeURIComponent(target.user)}@` : '';
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  return `postgres://${user}${host}:${target.port}/${encodeURIComponent(database)}`;
}

/** `dbname='…'` with libpq's quoting (backslash before ' and \): any name, literally. */
export function conninfoDbname(database: string): string {
  return `dbname='${database.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * The environment of a pg tool: the parent's, minus every PG* variable
 * (a stray PGPASSWORD, PGSERVICE or PGOPTIONS must not change what runs),
 * plus the target. Messages in English so failures read the same everywhere.
 */
export function pgEnv(target: PgTarget, passfile: string | null, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(base)) if (!key.startsWith('PG')) env[key] = value;
  env.PGHOST = target.host;
  env.PGPORT = String(target.port);
  if (target.user) env.PGUSER = target.user;
  if (target.sslmode) env.PGSSLMODE = target.sslmode;
  env.PGCONNECT_TIMEOUT = '15';
  env.PGAPPNAME = 'flightdeck-backup';
  env.PGCLIENTENCODING = 'UTF8';
  env.LC_MESSAGES = 'C';
  if (passfile) env.PGPASSFILE = passfile;
  else env.PGPASSFILE = '/dev/null';
  return env;
}

/** pg_dump / pg_restore from `binDir` (the server's major version) or else from PATH. */
export function pgProgram(name: 'pg_dump' | 'pg_restore', binDir: string | undefined): string {
  if (!binDir) return name;
  const path = join(binDir, name);
  if (!existsSync(path)) throw new FlightdeckError('not-found', `${name} is not in ${binDir}`, { file: path });
  return path;
}

/** The first line of pg_dump / pg_restore that says what went wrong, without the progress noise of --verbose. */
export function pgFailure(tool: string, stderr: readonly string[], code: number | null, signal: NodeJS.Signals | null): string {
  const errors = stderr.filter((line) => /error:|FATAL|fatal:|DETAIL:|could not|failed/i.test(line));
  const detail = (errors.length ? errors : stderr.slice(-3)).slice(0, 4).join(' ').replace(/\s+/g, ' ').trim();
  const how = code !== null ? `exited with status ${code}` : `was killed by ${signal ?? 'a signal'}`;
  return `${tool} ${how}${detail ? `: ${detail}` : ''}`;
}
