/**
 * What every database's backup engine provides, so one pipeline
 * (backup-pipeline.ts) can give all of them the same guarantees: a disk
 * check before starting, files written into a scratch directory that is
 * never presented as a backup, verification, a checksum manifest written
 * last, an atomic rename into place, and retention.
 *
 * Engines know their database and its standard tools; they know nothing of
 * the journal, the profile or the screen.
 */

export type BackupEngineName = 'postgres' | 'mongodb' | 'redis';

export interface BackupProgress {
  phase: 'estimating' | 'dumping' | 'verifying' | 'restore-test' | 'finishing';
  /** Bytes written so far. */
  bytes: number;
  /** What the engine counts besides bytes (rows, documents, keys), when it can. */
  done: number | null;
  total: number | null;
  unit: 'rows' | 'documents' | 'keys' | 'tables' | 'collections' | null;
  /** The size the dump is expected to reach, when known. */
  estimatedBytes: number | null;
  /** Seconds left at the current pace, when it can be estimated. */
  secondsLeft: number | null;
}

export interface EngineContext {
  /** Aborted on cancel or at the deadline: stop promptly, leave the scratch directory to the pipeline. */
  readonly signal: AbortSignal;
  /** Reports progress; the pipeline fills in time left and throttles. */
  progress(update: Partial<BackupProgress>): void;
  /**
   * Optional: the engine hashed a file (path relative to the backup
   * directory) while writing it, so the manifest need not read it again.
   * Only for a file that is complete and will not change.
   */
  fileWritten?(path: string, sha256: string, bytes: number): void;
}

export interface VerifyOptions {
  /** Also load the backup into a scratch server or database and compare counts (slower). */
  restoreTest?: boolean;
}

export interface BackupEngine {
  readonly engine: BackupEngineName;
  /** Where it reads from, without credentials, for messages and the report. */
  readonly source: string;
  /** Optional: versions of the tools the dump uses (`{ pg_dump: "16.4" }`), kept in backup.json. */
  toolVersions?(signal: AbortSignal): Promise<Record<string, string>>;
  /** The expected size of the dump in bytes, for the free-disk check. */
  estimate(signal: AbortSignal): Promise<number>;
  /**
   * Writes the backup's files into `dir` (exists, empty). Returns facts the
   * verification compares against later (row counts per table, key count),
   * kept in the backup's backup.json.
   */
  dump(dir: string, context: EngineContext): Promise<DumpFacts>;
  /**
   * Checks the files in `dir` with the database's own tools or format rules
   * (offline), and with `restoreTest` by loading them into a scratch server
   * or database. Returns what it checked, one sentence each; throws a
   * FlightdeckError naming what is wrong.
   */
  verify(dir: string, facts: DumpFacts, context: EngineContext, options?: VerifyOptions): Promise<string[]>;
}

/** Counts and names a dump recorded about itself: `{ "rows.public.orders": 20000, keys: 1500 }`. */
export type DumpFacts = Record<string, number | string>;

/**
 * Verification that needs no connection (pg_restore --list, the RDB
 * header, BSON framing): what `flightdeck backup verify DIR` runs. Each
 * engine module exports one.
 */
export type OfflineVerifier = (dir: string, facts: DumpFacts, context: EngineContext) => Promise<string[]>;

export interface RestoreOptions {
  /** Drop objects before recreating them (pg_restore --clean); only when the plan says so. */
  clean?: boolean;
}

export interface RestoreEngine {
  readonly engine: BackupEngineName;
  /** Restores the backup in `dir` into the engine's target; returns what it did in a sentence. */
  restore(dir: string, context: EngineContext, options?: RestoreOptions): Promise<string>;
}
