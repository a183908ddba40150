/**
 * Where actions are journaled: the session's hash-chained journal in the
 * app, a session directory on the CLI. `record` returns once the entry is
 * durable (fsync), which is what lets a crashed rollback resume without
 * repeating a finished step.
 */
import type { EntryDataOf, EntryType, JournalEntry } from '../../../shared/session-model';

export interface ActionJournal {
  record<T extends EntryType>(type: T, by: string | null, data: EntryDataOf<T>): JournalEntry;
  /** Every entry so far, oldest first (for resume and reconciliation). */
  entries(): readonly JournalEntry[];
}
