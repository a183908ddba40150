/**
 * Folding a journal entry into the session on screen. Entries arrive twice
 * (as the answer to our own tick and as the `sessionEntry` event) and may
 * arrive out of order over the browser transport, so each one is checked
 * against the session's position in the chain before it is applied.
 */
import type { CockpitSession } from '../../../../../shared/contract';
import type { JournalEntry } from '../../../../../shared/session-model';
import { applyEntry } from '../../../../../shared/session-state';

export type FoldOutcome =
  /** Applied; the new session is returned. */
  | { kind: 'applied'; session: CockpitSession }
  /** Already part of the session (seq below the entry count): nothing to do. */
  | { kind: 'duplicate' }
  /** Entries are missing, or the chain does not line up: fetch the whole cockpit again. */
  | { kind: 'resync' }
  /** Not for the session on screen (it was replaced meanwhile). */
  | { kind: 'ignored' };

/**
 * @param sessionId the session the entry belongs to when the sender said so
 *   (events do; call answers do not, and are checked by the chain instead).
 */
export function foldEntry(session: CockpitSession | null, entry: JournalEntry, sessionId: string | null): FoldOutcome {
  if (!session) return { kind: 'ignored' };
  if (sessionId !== null && sessionId !== session.id) return { kind: 'ignored' };
  if (entry.seq < session.entries) return { kind: 'duplicate' };
  if (entry.seq > session.entries) return { kind: 'resync' };
  // The next entry must name our head as its predecessor; if it does not,
  // this entry belongs to another chain (say, a session that replaced ours
  // while the call was in flight) and only a fresh cockpit can say which.
  if (entry.prev !== session.head) return { kind: 'resync' };
  return { kind: 'applied', session: applyEntry(session, entry) };
}
