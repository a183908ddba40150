/**
 * A session's journal read without its lock, re-read whenever the file
 * grows: how `flightdeck session join --follow` shares what other commands
 * (or the app) record in the same session while it runs.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntry } from '../../../shared/session-model';
import { JOURNAL_FILE, readJournalFile } from '../journal/journal';
import type { LocalJournal } from './team-sync';

export class JournalFollower implements LocalJournal {
  private size = -1;
  private cached: readonly JournalEntry[] = [];
  private readonly file: string;

  constructor(sessionDir: string) {
    this.file = join(sessionDir, JOURNAL_FILE);
  }

  entries(): readonly JournalEntry[] {
    const size = statSync(this.file).size;
    if (size !== this.size) {
      // A torn last line (a writer mid-append) is left out until it is whole.
      this.cached = readJournalFile(this.file).entries;
      this.size = size;
    }
    return this.cached;
  }
}
