/**
 * PostgreSQL backups with the standard tools, so a backup opens with
 * pg_restore whether or not Flightdeck is at hand: `pg_dump -Fc` streamed
 * through a sha256 into database.dump (the manifest then costs no second
 * read), row counts taken in the very snapshot pg_dump dumps (exported with
 * pg_export_snapshot, so the counts and the dump agree exactly), verified
 * offline by `pg_restore --list` and by reading all of its data
 * (`pg_restore -f /dev/null`), and, when asked, by a restore into a
 * scratch database compared table by table. Restore into the named database
 * in one transaction: all of it or nothing.
 *
 * Streaming to stdout means the archive carries no data offsets: pg_restore
 * reads it sequentially (still fine for a whole restore and for --list;
 * parallel `pg_restore -j` has to scan).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { devNull } from 'node:os';
import { Transform, Writable } from 'node:stream';
import { FlightdeckError } from '../../../shared/errors';
import type { BackupEngine, DumpFacts, EngineContext, OfflineVerifier, RestoreEngine, RestoreOptions, VerifyOptions } from './backup-engine';
import { runTool, type ToolExit } from './child-tool';
import { connectPg, countRows, explainPgError, listTables, quoteIdent, type TableInfo } from './pg-client';
import { withPassfile } from './pg-passfile';
import { conninfoDbname, describeTarget, parsePostgresUrl, pgEnv, pgFailure, pgProgram, type PgTarget } from './pg-tools';
import { PRIVATE_FILE_MODE } from '../storage/private-fs';

export const DUMP_FILE = 'database.dump';

export interface PostgresBackupOptions {
  /** postgres://user@host:port/db, without a password. */
  url: string;
  password?: string | null;
  /** Directory of pg_dump and pg_restore of the server's major version; PATH otherwise. */
  binDir?: string;
}

function isAuthFailure(text: string): boolean {
  return /authentication failed|no password supplied|password authentication/i.test(text);
}

function toolError(tool: string, exit: ToolExit, where: string): FlightdeckError {
  const message = pgFailure(tool, exit.stderr, exit.code, exit.signal);
  return new FlightdeckError(isAuthFailure(message) ? 'forbidden' : 'internal', `${message} (${where})`, isAuthFailure(message) ? { field: 'password' } : {});
}

/** The count of TABLE DATA entries in `pg_restore --list` output. */
export function countTableData(list: string): number {
  return list.split('\n').filter((line) => /^\d+; \d+ \d+ TABLE DATA /.test(line)).length;
}

/** A Writable that keeps the text written to it (pg_restore --list, a tool's --version). */
function textSink(): { sink: Writable; text(): string } {
  let text = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { sink, text: () => text };
}

/** `pg_restore --verbose` names each table before it reads its data: the table a read failure belongs to. */
const PROCESSING_TABLE = /processing data for table "(.+)"/;

/**
 * Offline check of a dump, in two reads by pg_restore: its table of
 * contents (custom format, and data for every table the dump counted),
 * then every byte of its data, decompressed and written as SQL to the null
 * device, so a flipped byte or a cut tail is found even under a recomputed
 * SHA256SUMS. A damaged dump is refused naming the table being read.
 */
export function makePostgresVerifier(binDir?: string): OfflineVerifier {
  return async (dir, facts, context) => {
    const file = join(dir, DUMP_FILE);
    if (!existsSync(file)) throw new FlightdeckError('not-found', `The backup has no ${DUMP_FILE}`, { file });
    // No server is contacted: pg_restore only reads the file (the environment only keeps a stray PG* variable out).
    const env = pgEnv({ host: 'localhost', port: 5432, user: null, database: '', sslmode: null }, null);
    const listing = textSink();
    const exit = await runTool(pgProgram('pg_restore', binDir), ['--list', file], { env, signal: context.signal, stdout: listing.sink });
    if (exit.code !== 0) throw new FlightdeckError('conflict', `pg_restore cannot read ${DUMP_FILE}: ${pgFailure('pg_restore --list', exit.stderr, exit.code, exit.signal)}`, { file });
    const list = listing.text();
    if (!/^;\s+Format: CUSTOM/m.test(list)) throw new FlightdeckError('conflict', `${DUMP_FILE} is not a pg_dump custom-format archive`, { file });
    const found = countTableData(list);
    const expected = typeof facts.tables === 'number' ? facts.tables : null;
    if (expected !== null && found !== expected) {
      throw new FlightdeckError('conflict', `${DUMP_FILE} holds data for ${found} table(s), but ${expected} were dumped`, { file });
    }

    let table: string | null = null;
    let tablesRead = 0;
    const full = await runTool(pgProgram('pg_restore', binDir), ['--verbose', '--file', devNull, file], {
      env,
      signal: context.signal,
      onStderrLine: (line) => {
        const match = PROCESSING_TABLE.exec(line);
        if (!match) return;
        table = match[1]!;
        tablesRead += 1;
      },
    });
    context.signal.throwIfAborted();
    if (full.code !== 0) {
      const where = table !== null ? `the data of table ${table} is damaged or cut short` : 'its data cannot be read';
      throw new FlightdeckError('conflict', `${where}: ${pgFailure('pg_restore', full.stderr, full.code, full.signal)}`, { file });
    }
    return [
      `pg_restore --list reads ${DUMP_FILE}: custom format, data for ${found} table(s)${expected !== null ? ' as dumped' : ''}`,
      `pg_restore read all of ${DUMP_FILE}: the data of ${tablesRead} table(s) decompresses and parses to the end`,
    ];
  };
}

export const verifyPostgresDump: OfflineVerifier = makePostgresVerifier();

/** A Transform that hashes and counts what passes through. */
type HashingCounter = Transform & { bytes(): number; digest(): { sha256: string; bytes: number } };

function hashingCounter(onBytes: (total: number) => void): HashingCounter {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      onBytes(bytes);
      done(null, chunk);
    },
  }) as HashingCounter;
  stream.bytes = () => bytes;
  stream.digest = () => ({ sha256: hash.digest('hex'), bytes });
  return stream;
}

/** Tracks which table pg_dump --verbose is on, for rows done and a better size estimate as it goes. */
class DumpTracker {
  private index = -1;
  readonly totalRows: number;
  readonly totalBytes: number;

  constructor(private readonly tables: readonly TableInfo[]) {
    this.totalRows = tables.reduce((sum, t) => sum + Math.max(0, t.estimatedRows), 0);
    this.totalBytes = tables.reduce((sum, t) => sum + t.bytes, 0);
  }

  /** True when the line starts a new table. */
  onLine(line: string): boolean {
    if (!/dumping contents of table /.test(line)) return false;
    this.index = Math.min(this.index + 1, this.tables.length);
    return true;
  }

  finishedTables(): readonly TableInfo[] {
    return this.tables.slice(0, Math.max(0, this.index));
  }

  rowsDone(): number {
    return this.finishedTables().reduce((sum, t) => sum + Math.max(0, t.estimatedRows), 0);
  }

  /** Dump size expected from the compression seen so far on finished tables. */
  expectedBytes(bytesWritten: number): number | null {
    const doneBytes = this.finishedTables().reduce((sum, t) => sum + t.bytes, 0);
    if (doneBytes <= 0 || bytesWritten <= 0 || this.totalBytes <= 0) return null;
    return Math.max(bytesWritten, Math.round((bytesWritten / doneBytes) * this.totalBytes));
  }
}

export class PostgresBackupEngine implements BackupEngine, RestoreEngine {
  readonly engine = 'postgres' as const;
  readonly source: string;
  private readonly target: PgTarget;
  private readonly password: string | null;
  private readonly binDir: string | undefined;
  private readonly verifyOffline: OfflineVerifier;

  constructor(options: PostgresBackupOptions) {
    this.target = parsePostgresUrl(options.url);
    this.password = options.password ?? null;
    this.binDir = options.binDir;
    this.source = describeTarget(this.target);
    this.verifyOffline = makePostgresVerifier(options.binDir);
  }

  async toolVersions(signal: AbortSignal): Promise<Record<string, string>> {
    const versions: Record<string, string> = {};
    for (const tool of ['pg_dump', 'pg_restore'] as const) {
      const output = textSink();
      const exit = await runTool(pgProgram(tool, this.binDir), ['--version'], { env: pgEnv(this.target, null), signal, stdout: output.sink }).catch((error: Error) => {
        throw new FlightdeckError('not-found', `${tool} cannot run (${error.message}); install the PostgreSQL client tools (apt-get install postgresql-client)`);
      });
      if (exit.code === 0) versions[tool] = output.text().trim().replace(/^\S+ \(PostgreSQL\) /, '');
    }
    const connection = await connectPg(this.target, this.password, signal);
    try {
      versions.server = (await connection.client.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
    } finally {
      await connection.end();
    }
    return versions;
  }

  /** pg_database_size: indexes included, compression not, so it errs on the side of room. */
  async estimate(signal: AbortSignal): Promise<number> {
    const connection = await connectPg(this.target, this.password, signal);
    try {
      const result = await connection.client.query<{ size: string }>('select pg_database_size(current_database())::text as size');
      return Number(result.rows[0]!.size);
    } catch (error) {
      throw explainPgError(error, this.target, this.password);
    } finally {
      await connection.end();
    }
  }

  async dump(dir: string, context: EngineContext): Promise<DumpFacts> {
    const { signal } = context;
    const connection = await connectPg(this.target, this.password, signal);
    let out: WriteStream | null = null;
    try {
      const { client } = connection;
      // The snapshot pg_dump will dump: counts taken in it match the dump exactly.
      await client.query('begin isolation level repeatable read read only');
      const snapshot = (await client.query<{ s: string }>('select pg_export_snapshot() as s')).rows[0]!.s;
      const tables = await listTables(client);
      const tracker = new DumpTracker(tables);
      context.progress({ done: 0, total: tracker.totalRows || null, unit: 'rows' });
      const counting = countRows(client, tables);
      counting.catch(() => undefined);
      const file = join(dir, DUMP_FILE);
      const counter = hashingCounter((bytes) => context.progress({ bytes }));
      // database.dump is written by the one pipeline runTool builds (pg_dump → counter → file): no stream of it is left without an error handler.
      const output = createWriteStream(file, { flags: 'wx', mode: PRIVATE_FILE_MODE });
      // An open error before the pipeline listens must not be an unhandled 'error' event; the pipeline still sees the stream destroyed.
      output.on('error', () => undefined);
      out = output;
      const exit = await withPassfile(this.password, (passfile, release) =>
        runTool(pgProgram('pg_dump', this.binDir), ['--format=custom', '--verbose', '--no-password', `--snapshot=${snapshot}`, `--dbname=${conninfoDbname(this.target.database)}`], {
          env: pgEnv(this.target, passfile),
          signal,
          through: counter,
          stdout: output,
          onStderrLine: (line) => {
            // pg_dump --verbose speaks only once connected (or failed): the password file has served.
            release();
            if (!tracker.onLine(line)) return;
            const expected = tracker.expectedBytes(counter.bytes());
            context.progress({ done: tracker.rowsDone(), ...(expected !== null ? { estimatedBytes: expected } : {}) });
          },
        }),
      );
      signal.throwIfAborted();
      if (exit.writeError) throw exit.writeError;
      if (exit.code !== 0) throw toolError('pg_dump', exit, this.source);
      const counts = await counting;
      await client.query('commit');
      const { sha256, bytes } = counter.digest();
      context.fileWritten?.(DUMP_FILE, sha256, bytes);
      const rows = Object.values(counts).reduce((sum, n) => sum + n, 0);
      context.progress({ bytes, done: rows, total: rows, estimatedBytes: bytes });
      return { database: this.target.database, snapshot, tables: tables.length, rows, ...counts };
    } catch (error) {
      signal.throwIfAborted();
      // A failed write (full disk, file-size limit) is the pipeline's to explain, not the server's.
      if ((error as NodeJS.ErrnoException).syscall === 'write') throw error;
      throw explainPgError(error, this.target, this.password);
    } finally {
      if (out && !out.writableFinished) out.destroy();
      await connection.end();
    }
  }

  async verify(dir: string, facts: DumpFacts, context: EngineContext, options: VerifyOptions = {}): Promise<string[]> {
    const checks = await this.verifyOffline(dir, facts, context);
    if (options.restoreTest) checks.push(await this.restoreTest(dir, facts, context));
    return checks;
  }

  /** Restores into a scratch database, compares every table's row count with the dump's, and drops it. */
  private async restoreTest(dir: string, facts: DumpFacts, context: EngineContext): Promise<string> {
    context.progress({ phase: 'restore-test', done: null, total: null, unit: null });
    const scratch = `flightdeck_restore_${randomBytes(6).toString('hex')}`;
    // Not tied to the run's signal: the scratch database is dropped even after a cancel.
    const admin = await connectPg(this.target, this.password, new AbortController().signal);
    try {
      await admin.client.query(`create database ${quoteIdent(scratch)}`);
    } catch (error) {
      await admin.end();
      throw explainPgError(error, this.target, this.password);
    }
    try {
      await this.pgRestore(dir, scratch, ['--no-owner', '--no-privileges', '--exit-on-error'], context.signal);
      const restored = await connectPg(this.target, this.password, context.signal, scratch);
      let counts: Record<string, number>;
      try {
        counts = await countRows(restored.client, await listTables(restored.client));
      } finally {
        await restored.end();
      }
      const expected = Object.entries(facts).filter(([key]) => key.startsWith('rows.'));
      for (const [key, value] of expected) {
        if (counts[key] !== value) {
          throw new FlightdeckError('conflict', `Restore test: ${key.slice(5)} has ${counts[key] ?? 'no'} rows in the restored copy, ${value} in the dump`, { file: join(dir, DUMP_FILE) });
        }
      }
      const extra = Object.keys(counts).filter((key) => !(key in facts));
      if (extra.length) throw new FlightdeckError('conflict', `Restore test: the restored copy has tables the dump did not count: ${extra.map((k) => k.slice(5)).join(', ')}`, { file: join(dir, DUMP_FILE) });
      const rows = expected.reduce((sum, [, n]) => sum + Number(n), 0);
      return `restored into scratch database ${scratch}: ${expected.length} table(s), ${rows} rows, every table's row count as dumped (then dropped)`;
    } finally {
      // WITH (FORCE) (PostgreSQL 13+) ends a pg_restore still connected after a cancel.
      await admin.client
        .query(`drop database if exists ${quoteIdent(scratch)} with (force)`)
        .catch(() => admin.client.query(`drop database if exists ${quoteIdent(scratch)}`))
        .catch(() => undefined);
      await admin.end();
    }
  }

  private async pgRestore(dir: string, database: string, flags: string[], signal: AbortSignal): Promise<void> {
    const file = join(dir, DUMP_FILE);
    if (!existsSync(file)) throw new FlightdeckError('not-found', `The backup has no ${DUMP_FILE}`, { file });
    const exit = await withPassfile(this.password, (passfile, release) =>
      runTool(pgProgram('pg_restore', this.binDir), [...flags, '--verbose', '--no-password', `--dbname=${conninfoDbname(database)}`, file], {
        env: pgEnv(this.target, passfile),
        signal,
        // Its first word after "connecting to database" comes once connected (or refused): the password file has served.
        onStderrLine: (line) => {
          if (!/connecting to database/.test(line)) release();
        },
      }),
    );
    signal.throwIfAborted();
    if (exit.code !== 0) throw toolError('pg_restore', exit, describeTarget(this.target, database));
  }

  /** pg_restore into the named database in one transaction; --clean --if-exists only when the plan asks. */
  async restore(dir: string, context: EngineContext, options: RestoreOptions = {}): Promise<string> {
    const flags = ['--single-transaction', '--exit-on-error', ...(options.clean ? ['--clean', '--if-exists'] : [])];
    await this.pgRestore(dir, this.target.database, flags, context.signal);
    return `pg_restore put ${DUMP_FILE} into ${this.source}${options.clean ? ' (existing objects dropped first)' : ''} in one transaction`;
  }
}
