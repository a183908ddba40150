/**
 * Checks a session journal for a verifier and says what happened to it in
 * words an auditor can act on: which entry was edited, which two were
 * swapped, which one is missing, and whether the journal still holds the
 * entries a report covers (count and head hash). Reading and the hash and
 * link rules are journal.ts's own; this adds the diagnosis when they fail.
 */
import { FILE_LIMITS, readRegularFileSync } from '../storage/read-regular-file';
import { join } from 'node:path';
import type { ReportPredicate } from '../../../shared/report-bundle';
import { JournalEntrySchema, type JournalEntry } from '../../../shared/session-model';
import { entryHash, JOURNAL_FILE, readJournalFile } from '../journal/journal';
import type { CoveredJournal } from './pdf-signature';

export interface JournalCheck {
  entries: readonly JournalEntry[];
  /** Why the journal cannot be believed; null when its chain holds. */
  problem: string | null;
  notes: string[];
}

export function checkJournal(sessionDir: string): JournalCheck {
  const file = join(sessionDir, JOURNAL_FILE);
  try {
    const { entries, tornTail } = readJournalFile(file);
    if (!tornTail) return { entries, problem: null, notes: [] };
    // The journal drops a last line without its newline as a crash's leftover. One that reads as an entry but fails its hash was edited, not torn.
    const edited = diagnose(readJournalBytes(file));
    if (edited && !edited.startsWith('journal line')) return { entries, problem: edited, notes: [] };
    return { entries, problem: null, notes: ['the journal\'s last line is incomplete (a write cut short) and was not counted'] };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'not-found') return { entries: [], problem: `no session journal at ${file}`, notes: [] };
    // Only a chain that does not hold is diagnosed; a FIFO, device, unreadable or oversized file is not read again: the reader said why.
    if (code !== 'conflict') return { entries: [], problem: `the journal cannot be read: ${file}: ${(err as Error).message}`, notes: [] };
    return { entries: [], problem: diagnose(readJournalBytes(file)) ?? `the journal cannot be read: ${(err as Error).message}`, notes: [] };
  }
}

function readJournalBytes(file: string): Buffer {
  return readRegularFileSync(file, { maxBytes: FILE_LIMITS.journalBytes, what: 'a session journal' });
}

interface Line {
  line: number;
  entry: JournalEntry | null;
}

/** Names the first thing wrong with a journal whose chain does not hold. */
function diagnose(bytes: Buffer): string | null {
  const text = bytes.toString('utf8');
  const raw = text.split('\n');
  // The last piece is empty for a journal ending in a newline, or a torn line the journal itself ignores.
  raw.pop();
  const lines: Line[] = raw.map((content, index) => ({ line: index + 1, entry: parseLine(content) }));
  for (const [index, { line, entry }] of lines.entries()) {
    if (!entry) return `journal line ${line} is not a journal entry`;
    if (entryHash(entry) !== entry.hash) return `journal entry ${entry.seq} edited (hash mismatch on line ${line})`;
    if (entry.seq !== index) return orderProblem(lines, index);
    const previous = lines[index - 1]?.entry;
    if (previous && entry.prev !== previous.hash) return `journal entries ${previous.seq} and ${entry.seq} do not chain (entry ${entry.seq}'s prev hash is not entry ${previous.seq}'s hash): entry ${previous.seq} was replaced`;
  }
  return null;
}

function orderProblem(lines: readonly Line[], index: number): string {
  const entry = lines[index]?.entry as JournalEntry;
  const where = lines.findIndex((candidate) => candidate.entry?.seq === index);
  if (where === -1) {
    return entry.seq > index ? `journal entry ${index} removed (line ${index + 1} holds entry ${entry.seq})` : `journal entry ${entry.seq} appears twice (again on line ${index + 1})`;
  }
  if (where === entry.seq) return `journal entries ${index} and ${entry.seq} reordered (swapped on lines ${index + 1} and ${where + 1})`;
  return `journal entries reordered: line ${index + 1} holds entry ${entry.seq}, entry ${index} is on line ${where + 1}`;
}

function parseLine(content: string): JournalEntry | null {
  try {
    const parsed = JournalEntrySchema.safeParse(JSON.parse(content));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Whether the journal holds what the report covers: at least as many
 * entries and the covered last entry with the report's head hash (from the
 * signed PDF or the bundle); with the bundle's predicate, also the same
 * session and each sign-off it lists. Entries after the covered ones are
 * allowed (the session went on, e.g. report.exported) and noted.
 */
export function checkCoverage(entries: readonly JournalEntry[], journal: CoveredJournal, predicate: ReportPredicate | null, teamEntries: readonly JournalEntry[] = []): { problems: string[]; notes: string[] } {
  const problems: string[] = [];
  const notes: string[] = [];
  const covered = journal.entries;
  if (entries.length < covered) {
    problems.push(`journal truncated: ${entries.length} entries, the report covers ${covered}`);
    return { problems, notes };
  }
  const last = entries[covered - 1];
  const head = last?.hash ?? null;
  if (covered > 0 && head !== journal.head) {
    problems.push(`journal changed after the report: entry ${covered - 1} has hash ${short(head)}, the report's head is ${short(journal.head)}`);
    return { problems, notes };
  }
  if (entries.length > covered) {
    const after = entries.slice(covered).map((entry) => entry.type);
    const kinds = [...new Set(after)].join(', ');
    notes.push(`the session continued after the report: ${after.length} more ${after.length === 1 ? 'entry' : 'entries'} (${kinds}) not covered`);
  }
  if (!predicate) return { problems, notes };
  const started = entries[0];
  const sessionId = started?.type === 'session.started' ? (started.data as { sessionId?: unknown }).sessionId : undefined;
  if (sessionId !== undefined && sessionId !== predicate.session.id) problems.push(`the report is for session ${predicate.session.id}, the journal is session ${String(sessionId)}`);
  // A team session's sign-offs may have been recorded on another member's laptop: the checked team chain holds them.
  const recorded = [...entries.slice(0, covered), ...teamEntries].filter((entry) => entry.type === 'signoff.recorded');
  for (const signoff of predicate.signoffs) {
    const match = recorded.some((entry) => {
      const data = entry.data as { role?: unknown; name?: unknown; publicKey?: unknown };
      return data.role === signoff.role && data.name === signoff.name && (data.publicKey ?? null) === signoff.publicKey;
    });
    if (!match) problems.push(`the sign-off of ${signoff.name} (${signoff.role}) is not in the journal`);
  }
  return { problems, notes };
}

export function short(hash: string | null): string {
  return hash ? `${hash.slice(0, 12)}…` : 'none';
}
