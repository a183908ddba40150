/**
 * One run of a runbook: a session directory holding the journal (the
 * truth), its snapshot, and a copy of the runbook as it was read, so the
 * session stays readable when the original file moves or changes.
 *
 * Every method that records something returns only after the journal entry
 * is on disk; the state it returns already includes that entry.
 *
 * A session whose journal is damaged (a whole line edited, reordered or
 * unreadable) is never repaired: `openDamaged` opens it read-only, without
 * the lock, showing the entries before the damage, and every recording
 * method refuses, naming the line. Its journal, snapshot and runbook copy
 * stay exactly as they are.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FlightdeckError } from '../../../shared/errors';
import type { RunbookDoc } from '../../../shared/runbook-model';
import {
  emptySessionState,
  replayEntries,
  applyEntry,
  SessionStateSchema,
  type EntryDataOf,
  type EntryType,
  type JournalEntry,
  type SessionState,
  type TickEvidence,
} from '../../../shared/session-model';
import { writeFileAtomic } from '../storage/durable-fs';
import { Journal, type JournalDamage, type JournalOptions, type Recovery } from '../journal/journal';
import type { ActionJournal } from '../actions/action-journal';
import type { PayloadRedactor } from '../vault/secrets';

export interface RunbookRef {
  name: string;
  path: string | null;
  sha256: string;
  title: string;
}

export const RUNBOOK_COPY = 'runbook.md';

export interface SessionOptions {
  clock?: () => Date;
  /** Hides every secret the vault knows in each entry before it is written (the app's one redactor). */
  redactor?: PayloadRedactor;
}

function journalOptions(options: SessionOptions): JournalOptions {
  return { ...(options.clock ? { clock: options.clock } : {}), ...(options.redactor ? { redactor: options.redactor } : {}) };
}

/** What a session records about the runbook it runs. */
export function runbookRef(doc: RunbookDoc): RunbookRef {
  return { name: doc.source.name, path: doc.source.path, sha256: doc.source.sha256, title: doc.title };
}

export function newSessionId(clock: () => Date = () => new Date()): string {
  const stamp = clock().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export class Session implements ActionJournal {
  private constructor(
    readonly dir: string,
    private readonly journal: Journal,
    private current: SessionState,
  ) {}

  /** Starts a session in `dir`, which must be new or empty. */
  static create(dir: string, runbook: RunbookRef, runbookText: string, by: string | null, options: SessionOptions = {}): Session {
    if (existsSync(dir) && readdirSync(dir).length > 0) {
      throw new FlightdeckError('conflict', 'already holds a session; open it, or choose an empty directory.', { file: dir });
    }
    const journal = Journal.open(dir, journalOptions(options));
    try {
      writeFileAtomic(join(dir, RUNBOOK_COPY), Buffer.from(runbookText, 'utf8'));
      const session = new Session(dir, journal, emptySessionState(''));
      // The session is its folder: the id the journal, the report and its footer print is the folder's own name.
      session.record('session.started', by, { sessionId: basename(resolve(dir)), runbook });
      return session;
    } catch (error) {
      journal.close();
      throw error;
    }
  }

  /** Opens an existing session: snapshot, then the journal entries after it. */
  static open(dir: string, options: SessionOptions = {}): Session {
    if (!existsSync(join(dir, 'journal.jsonl'))) {
      throw new FlightdeckError('not-found', 'is not a Flightdeck session (no journal.jsonl).', { file: dir });
    }
    const journal = Journal.open(dir, journalOptions(options));
    try {
      return new Session(dir, journal, Session.foldJournal(journal));
    } catch (error) {
      journal.close();
      throw error;
    }
  }

  /** The state of a session without taking its lock: status while the app flies it. */
  static readState(dir: string): SessionState {
    return Session.inspect(dir, false).state;
  }

  /**
   * A session's state and the health of its journal, without the lock:
   * a torn tail that the next writer will drop, and with `tolerateDamage`,
   * the damaged line the state stops before (else a damaged journal throws).
   */
  static inspect(dir: string, tolerateDamage = true): { state: SessionState; recovered: Recovery | null; damage: JournalDamage | null } {
    if (!existsSync(join(dir, 'journal.jsonl'))) {
      throw new FlightdeckError('not-found', 'is not a Flightdeck session (no journal.jsonl).', { file: dir });
    }
    const journal = Journal.open(dir, { readOnly: true, tolerateDamage });
    try {
      return { state: Session.foldJournal(journal), recovered: journal.recovered, damage: journal.damage };
    } finally {
      journal.close();
    }
  }

  /**
   * Opens a session whose journal is damaged, read-only, to show what it
   * holds up to the damage; null when the journal is not damaged (open it
   * normally) or is not there.
   */
  static openDamaged(dir: string): Session | null {
    if (!existsSync(join(dir, 'journal.jsonl'))) return null;
    const journal = Journal.open(dir, { readOnly: true, tolerateDamage: true });
    if (!journal.damage) {
      journal.close();
      return null;
    }
    return new Session(dir, journal, Session.foldJournal(journal));
  }

  static readRunbookCopyFrom(dir: string): string {
    return readFileSync(join(dir, RUNBOOK_COPY), 'utf8');
  }

  private static foldJournal(journal: Journal): SessionState {
    const entries = journal.all();
    const snapshot = journal.readSnapshot();
    const parsed = snapshot ? SessionStateSchema.safeParse(snapshot.state) : null;
    if (snapshot && parsed?.success) {
      return replayEntries(structuredClone(parsed.data), entries.slice(snapshot.seq + 1));
    }
    return replayEntries(emptySessionState(''), entries);
  }

  get state(): SessionState {
    return this.current;
  }

  /** Open only to be read: its journal is damaged. */
  get readOnly(): boolean {
    return this.journal.readOnly;
  }

  /** The damaged line of a session opened with `openDamaged`. */
  get damage(): JournalDamage | null {
    return this.journal.damage;
  }

  /** The torn last line opening dropped (a write a crash cut short), if any. */
  get recovered(): Recovery | null {
    return this.journal.recovered;
  }

  /** The runbook as it was when last recorded. */
  readRunbookCopy(): string {
    return Session.readRunbookCopyFrom(this.dir);
  }

  tick(itemId: string, checked: boolean, itemText: string, by: string | null, evidence?: TickEvidence): JournalEntry {
    return this.record('item.ticked', by, { itemId, checked, itemText, ...(evidence ? { evidence } : {}) });
  }

  note(itemId: string, text: string, itemText: string, by: string | null): JournalEntry {
    return this.record('item.noted', by, { itemId, text, itemText });
  }

  /** Records that the runbook now reads differently; nothing when it is unchanged. */
  recordRunbook(runbook: RunbookRef, runbookText: string, by: string | null): JournalEntry | null {
    // A read-only session shows what its journal holds; the runbook as read now is shown beside it, unrecorded.
    if (runbook.sha256 === this.current.runbook.sha256 || this.readOnly) return null;
    writeFileAtomic(join(this.dir, RUNBOOK_COPY), Buffer.from(runbookText, 'utf8'));
    return this.record('runbook.loaded', by, { path: runbook.path, sha256: runbook.sha256, previousSha256: this.current.runbook.sha256 });
  }

  recordWriteBack(data: EntryDataOf<'runbook.written'>, runbookText: string, by: string | null): JournalEntry {
    this.requireWritable();
    writeFileAtomic(join(this.dir, RUNBOOK_COPY), Buffer.from(runbookText, 'utf8'));
    return this.record('runbook.written', by, data);
  }

  finish(reason: string, by: string | null): JournalEntry {
    return this.record('session.closed', by, { reason });
  }

  /** Releases the journal; the session can be opened again later. */
  close(): void {
    try {
      if (this.journal.length > 0 && !this.readOnly) this.journal.writeSnapshot(this.current);
    } finally {
      this.journal.close();
    }
  }

  /** Every entry of the journal, oldest first. */
  entries(): readonly JournalEntry[] {
    return this.journal.all();
  }

  /**
   * Appends an entry and returns once it is durable. Services journal their
   * actions through this (Session is their ActionJournal); the entry types
   * and their data shapes are the ones in src/shared/session-model.ts.
   */
  record<T extends EntryType>(type: T, by: string | null, data: EntryDataOf<T>): JournalEntry {
    this.requireWritable();
    if (this.current.closedAt && type !== 'session.closed') {
      throw new FlightdeckError('conflict', 'This session is finished; start a new session to record more.');
    }
    const entry = this.journal.append(type, by, data as Record<string, unknown>);
    this.current = applyEntry(this.current, entry);
    if (this.journal.snapshotDue()) this.journal.writeSnapshot(this.current);
    return entry;
  }

  /** Refuses, in words a release manager can act on, to record into a damaged journal. */
  requireWritable(): void {
    const damage = this.journal.damage;
    if (damage) {
      throw new FlightdeckError(
        'conflict',
        `This session is open read-only because its journal is damaged (${damage.message}); nothing more is recorded in it. Start a new session to go on; the damaged one is kept as it is.`,
        { file: this.journal.file, line: damage.line },
      );
    }
    if (this.readOnly) throw new FlightdeckError('unsupported', 'This session is open read-only; nothing is recorded in it.', { file: this.journal.file });
  }
}
