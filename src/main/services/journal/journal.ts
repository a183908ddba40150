/**
 * The session's append-only journal: the truth a session's state is
 * computed from. Every entry is on disk (fsync) before `append` returns, so
 * anything the user was told is recorded survives a crash or power cut; a
 * crash can only leave a torn last line (one without its newline, since each
 * entry is written with its newline in one write), which opening drops.
 * Entries form a hash chain, so any whole line that is edited, reordered,
 * removed or unreadable, the last one included, is refused naming the line
 * rather than silently believed, dropped or written over. Such a journal can
 * still be opened read-only (`tolerateDamage`) to show what it holds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { GENESIS_HASH, JournalEntrySchema, type JournalEntry } from '../../../shared/session-model';
import { canonicalJson } from './canonical-json';
import { fsyncDir, writeFileAtomic } from '../storage/durable-fs';
import { makeFdPrivate, makePrivateDir, PRIVATE_FILE_MODE } from '../storage/private-fs';
import { acquireLock, type Lock } from './lock';
import type { PayloadRedactor } from '../vault/secrets';
import { FILE_LIMITS, readRegularFileSync, refuseNonRegularSync } from '../storage/read-regular-file';

export const JOURNAL_FILE = 'journal.jsonl';
export const SNAPSHOT_FILE = 'snapshot.json';

/** Append, create, and never wait: a FIFO swapped in after the check fails to open instead of blocking. */
const APPEND_FLAGS = fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_CREAT | (fs.constants.O_NONBLOCK ?? 0);

export interface JournalOptions {
  clock?: () => Date;
  /** Entries after the last snapshot at which `snapshotDue()` turns true. */
  snapshotEvery?: number;
  /** Read without taking the lock; nothing is created, truncated or appended. */
  readOnly?: boolean;
  /**
   * Every entry's data and author pass through it before they are hashed
   * and written: whoever records an entry (a service, a note typed by a
   * person, a remote answer quoted in a message), no secret the vault
   * knows reaches the file.
   */
  redactor?: PayloadRedactor;
  /**
   * With readOnly: a damaged journal opens with the entries before the
   * damaged line, and `damage` names that line, instead of being refused.
   */
  tolerateDamage?: boolean;
}

/** The first whole line that cannot be believed: unreadable, edited, or out of the chain. */
export interface JournalDamage {
  line: number;
  reason: string;
  /** "journal.jsonl line 5: hash mismatch", the words of the refusal. */
  message: string;
}

export interface Snapshot {
  seq: number;
  hash: string;
  state: unknown;
}

/** What opening dropped from the end of the file: a write a crash cut short. */
export interface Recovery {
  line: number;
  bytes: number;
  reason: string;
}

export type ChainCheck = { ok: true } | { ok: false; index: number; reason: string };

export function entryHash(entry: Omit<JournalEntry, 'hash'>): string {
  const { seq, ts, type, by, data, prev } = entry;
  return createHash('sha256').update(canonicalJson({ seq, ts, type, by, data, prev })).digest('hex');
}

export class Journal {
  private closed = false;
  private broken: string | null = null;
  private snapshotSeq = -1;

  private constructor(
    readonly dir: string,
    readonly file: string,
    readonly readOnly: boolean,
    readonly recovered: Recovery | null,
    /** Set only when opened with tolerateDamage: the line the entries stop before. */
    readonly damage: JournalDamage | null,
    private readonly entries: JournalEntry[],
    private size: number,
    private readonly fd: number | null,
    private readonly lock: Lock | null,
    private readonly clock: () => Date,
    private readonly snapshotEvery: number,
    private readonly redactor: PayloadRedactor | null = null,
  ) {
    this.snapshotSeq = this.readSnapshot()?.seq ?? -1;
  }

  static open(dir: string, options: JournalOptions = {}): Journal {
    const clock = options.clock ?? (() => new Date());
    const snapshotEvery = options.snapshotEvery ?? 500;
    if (!(snapshotEvery > 0)) throw new FlightdeckError('bad-input', `snapshotEvery must be positive, not ${snapshotEvery}.`, { field: 'snapshotEvery' });
    const file = path.join(dir, JOURNAL_FILE);
    if (options.readOnly) {
      const { entries, validBytes, torn, damage } = parseJournal(readJournalBytes(file), file, options.tolerateDamage === true);
      return new Journal(dir, file, true, torn, damage, entries, validBytes, null, null, clock, snapshotEvery);
    }
    if (options.tolerateDamage) throw new FlightdeckError('internal', 'A damaged journal can only be opened read-only.', { field: 'tolerateDamage' });
    makeDir(dir);
    // Opening a FIFO to append would wait for a reader; refuse anything but a regular file first.
    refuseNonRegularSync(file);
    const lock = acquireLock(dir);
    let fd: number | null = null;
    try {
      const existed = fs.existsSync(file);
      fd = fs.openSync(file, APPEND_FLAGS, PRIVATE_FILE_MODE);
      // Checked again on the handle: what is appended to is what was checked.
      if (!fs.fstatSync(fd).isFile()) refuseNonRegularSync(file);
      // A journal an older version wrote readable by others is tightened when opened.
      makeFdPrivate(fd);
      if (!existed) fsyncDir(dir);
      const bytes = readJournalBytes(file);
      const { entries, validBytes, torn } = parseJournal(bytes, file, false);
      if (validBytes < bytes.length) {
        // The next append must start on a clean line, and after a second crash too.
        fs.ftruncateSync(fd, validBytes);
        fs.fsyncSync(fd);
      }
      removeStaleTemps(dir);
      return new Journal(dir, file, false, torn, null, entries, validBytes, fd, lock, clock, snapshotEvery, options.redactor ?? null);
    } catch (err) {
      if (fd !== null) fs.closeSync(fd);
      lock.release();
      throw err;
    }
  }

  get length(): number {
    return this.entries.length;
  }

  get head(): string {
    return this.entries.at(-1)?.hash ?? GENESIS_HASH;
  }

  all(): readonly JournalEntry[] {
    return this.entries;
  }

  /** Records one entry, redacted; it is on disk when this returns, and it throws otherwise. */
  append(type: string, rawBy: string | null, rawData: Record<string, unknown>): JournalEntry {
    const fd = this.writableFd();
    const by = rawBy === null || !this.redactor ? rawBy : this.redactor.redact(rawBy);
    const data = this.redactor ? this.redactor.redactDeep(rawData) : rawData;
    const seq = this.entries.length;
    const prev = this.head;
    const ts = this.clock().toISOString();
    let line: string;
    try {
      line = JSON.stringify({ seq, ts, type, by, data, prev, hash: entryHash({ seq, ts, type, by, data, prev }) });
    } catch (err) {
      throw new FlightdeckError('bad-input', `A ${type} entry cannot be journaled: ${messageOf(err)}.`, { field: 'data' });
    }
    // A raw newline would split the entry into two torn lines.
    if (line.includes('\n')) throw new FlightdeckError('internal', `A ${type} entry serialized to more than one line.`);
    // Keep exactly what reopening will read, so memory and disk cannot disagree.
    const read = readLine(line);
    if (typeof read === 'string') throw new FlightdeckError('bad-input', `A ${type} entry would not read back (${read}).`, { field: 'data' });
    const bytes = Buffer.from(`${line}\n`, 'utf8');
    try {
      const written = fs.writeSync(fd, bytes);
      if (written !== bytes.length) throw new Error(`wrote ${written} of ${bytes.length} bytes`);
      fs.fsyncSync(fd);
    } catch (err) {
      this.broken = messageOf(err);
      try {
        fs.ftruncateSync(fd, this.size);
        fs.fsyncSync(fd);
      } catch {
        // Whatever stays behind is a torn tail that the next open drops.
      }
      throw new FlightdeckError('internal', `Could not record ${type} in ${this.file}: ${this.broken}. Reopen the session to continue.`, { file: this.file });
    }
    this.size += bytes.length;
    this.entries.push(Object.freeze(read));
    return read;
  }

  /** True once `snapshotEvery` entries have been appended since the last snapshot. */
  snapshotDue(): boolean {
    return this.entries.length - 1 - this.snapshotSeq >= this.snapshotEvery;
  }

  /** Saves the state as of the last entry, so opening need not replay everything. */
  writeSnapshot(state: unknown): void {
    this.writableFd();
    const last = this.entries.at(-1);
    if (!last) throw new FlightdeckError('bad-input', 'There is nothing to snapshot: the journal is empty.');
    if (state === undefined) throw new FlightdeckError('bad-input', 'A snapshot needs a state.', { field: 'state' });
    writeFileAtomic(path.join(this.dir, SNAPSHOT_FILE), JSON.stringify({ seq: last.seq, hash: last.hash, state }));
    this.snapshotSeq = last.seq;
  }

  /**
   * The snapshot, if it was taken at an entry this journal holds with the
   * same hash. Anything else (missing, garbled, from a journal that was
   * replaced or lost its tail) is ignored: a snapshot never outranks the journal.
   */
  readSnapshot(): Snapshot | null {
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(path.join(this.dir, SNAPSHOT_FILE), 'utf8'));
    } catch {
      return null;
    }
    if (typeof value !== 'object' || value === null || !('state' in value)) return null;
    const { seq, hash, state } = value as { seq: unknown; hash: unknown; state: unknown };
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || typeof hash !== 'string') return null;
    if (this.entries[seq]?.hash !== hash) return null;
    return { seq, hash, state };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.fd !== null) fs.closeSync(this.fd);
    } finally {
      this.lock?.release();
    }
  }

  static verifyChain(entries: readonly JournalEntry[]): ChainCheck {
    let prev = GENESIS_HASH;
    for (const [index, entry] of entries.entries()) {
      const reason = entryProblem(entry) ?? linkProblem(entry, index, prev);
      if (reason) return { ok: false, index, reason };
      prev = entry.hash;
    }
    return { ok: true };
  }

  private writableFd(): number {
    if (this.readOnly) throw new FlightdeckError('unsupported', `The journal in ${this.dir} was opened read-only.`, { file: this.file });
    if (this.closed || this.fd === null) throw new FlightdeckError('internal', `The journal in ${this.dir} is closed.`, { file: this.file });
    if (this.broken) throw new FlightdeckError('internal', `The journal in ${this.dir} stopped after a failed write (${this.broken}). Reopen the session to continue.`, { file: this.file });
    return this.fd;
  }
}

/**
 * Reads and verifies a journal without changing it. A torn last line is
 * reported and left out; any other bad line throws, naming it.
 */
export function readJournalFile(file: string): { entries: JournalEntry[]; tornTail: boolean } {
  const { entries, torn } = parseJournal(readJournalBytes(file), file, false);
  return { entries, tornTail: torn !== null };
}

interface Parsed {
  entries: JournalEntry[];
  /** Bytes up to the end of the last good line. */
  validBytes: number;
  torn: Recovery | null;
  damage: JournalDamage | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads the lines of a journal. Only a last line without its newline is a
 * crash's leftover (each entry goes to disk with its newline in one write,
 * so a write cut short never ends in one); it is reported and left out. A
 * whole line that does not read, or does not chain, was edited or damaged
 * after it was written: refused naming the line, or with `tolerate`, the
 * entries before it are returned and `damage` names it.
 */
function parseJournal(bytes: Uint8Array, file: string, tolerate: boolean): Parsed {
  const entries: JournalEntry[] = [];
  let prev = GENESIS_HASH;
  let start = 0;
  for (let line = 1; start < bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start);
    if (end === -1) return { entries, validBytes: start, torn: { line, bytes: bytes.length - start, reason: 'no newline at the end' }, damage: null };
    let read: JournalEntry | string;
    try {
      read = readLine(utf8.decode(bytes.subarray(start, end)));
    } catch {
      read = 'not UTF-8';
    }
    const reason = typeof read === 'string' ? read : linkProblem(read, entries.length, prev);
    if (reason) {
      const message = `${JOURNAL_FILE} line ${line}: ${reason}`;
      if (tolerate) return { entries, validBytes: start, torn: null, damage: { line, reason, message } };
      throw new FlightdeckError('conflict', message, { file, line });
    }
    entries.push(Object.freeze(read as JournalEntry));
    prev = (read as JournalEntry).hash;
    start = end + 1;
  }
  return { entries, validBytes: start, torn: null, damage: null };
}

/** The entry on a line, or why the line holds none. */
function readLine(text: string): JournalEntry | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'bad JSON';
  }
  const parsed = JournalEntrySchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `not a journal entry (${issue?.path.join('.') || 'entry'}: ${issue?.message ?? 'invalid'})`;
  }
  return entryProblem(parsed.data) ?? parsed.data;
}

function entryProblem(entry: JournalEntry): string | null {
  return entryHash(entry) === entry.hash ? null : 'hash mismatch';
}

function linkProblem(entry: JournalEntry, index: number, prev: string): string | null {
  if (entry.seq !== index) return `seq ${entry.seq} out of order (expected ${index})`;
  if (entry.prev !== prev) return 'prev does not match the previous hash';
  return null;
}

function readJournalBytes(file: string): Buffer {
  try {
    // Synchronous like every append; a FIFO or device in the journal's place is refused, never waited on.
    return readRegularFileSync(file, { maxBytes: FILE_LIMITS.journalBytes, what: 'a session journal' });
  } catch (err) {
    if (err instanceof FlightdeckError && err.code === 'not-found') throw new FlightdeckError('not-found', `There is no session journal at ${file}.`, { file });
    throw err;
  }
}

/** mkdir -p (owner-only), with each new directory's name made durable in its parent. */
function makeDir(dir: string): void {
  const first = makePrivateDir(dir);
  if (first === undefined) return;
  const top = path.resolve(first);
  for (let created = path.resolve(dir); ; created = path.dirname(created)) {
    fsyncDir(path.dirname(created));
    if (created === top || created === path.dirname(created)) return;
  }
}

/** Temp files of snapshots a crash interrupted; only the lock holder writes them. */
function removeStaleTemps(dir: string): void {
  const stale = new RegExp(`^${SNAPSHOT_FILE.replace('.', '\\.')}\\.[0-9a-f]+\\.tmp$`);
  for (const name of fs.readdirSync(dir)) {
    if (stale.test(name)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

