/**
 * An ActionJournal outside any session: a bare hash-chained journal
 * directory, for `flightdeck flag set` run without --session. Same entry
 * types, same fsync-before-acknowledge and single-writer lock as a
 * session's journal, so the audit trail is as strong; only the checklist
 * state is missing.
 */
import type { EntryDataOf, EntryType, JournalEntry } from '../../../shared/session-model';
import type { ActionJournal } from '../actions/action-journal';
import { Journal } from '../journal/journal';
import type { PayloadRedactor } from '../vault/secrets';

export class ActionLog implements ActionJournal {
  private constructor(
    readonly dir: string,
    private readonly journal: Journal,
  ) {}

  /** Opens (or creates) the action log in `dir`, taking its lock. */
  static open(dir: string, clock?: () => Date, redactor?: PayloadRedactor): ActionLog {
    return new ActionLog(dir, Journal.open(dir, { ...(clock ? { clock } : {}), ...(redactor ? { redactor } : {}) }));
  }

  record<T extends EntryType>(type: T, by: string | null, data: EntryDataOf<T>): JournalEntry {
    return this.journal.append(type, by, data as Record<string, unknown>);
  }

  entries(): readonly JournalEntry[] {
    return this.journal.all();
  }

  close(): void {
    this.journal.close();
  }
}
