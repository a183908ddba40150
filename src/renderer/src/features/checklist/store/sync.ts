/**
 * Keeps the checklist store in step with main through the one sync
 * mechanism (lib/live-state.ts): the cockpit is read at start and after a
 * reconnect; journal entries are folded as they come, and an entry showing
 * that some were missed reads the whole cockpit again. cockpitReplaced
 * carries the whole cockpit, so it is applied, not a reason to read.
 */
import type { JournalEntry } from '../../../../../shared/session-model';
import type { Cockpit } from '../../../../../shared/contract';
import { api } from '../../../api';
import { liveState, type LiveState } from '../../../lib/live-state';
import { useStore } from './store';
import { watchWorkspace } from '../../shell/workspace';

let live: LiveState | null = null;

/** Reads the whole cockpit again (a gap in the journal, or the operator's "Try again"). */
export function resync(): Promise<void> {
  return live?.refresh() ?? Promise.resolve();
}

function foldEntry(entry: JournalEntry, sessionId: string | null): void {
  const store = useStore.getState();
  // Nothing to fold into yet: the cockpit's first read holds it, or will be read again.
  if (!store.cockpit) return;
  if (store.applyJournalEntry(entry, sessionId) === 'resync') void resync();
}

/**
 * Folds an entry, from an event (with its session id) or from the answer
 * to our own call (without). Entries seen twice are dropped by seq; a gap
 * or a chain that does not line up reads the cockpit again.
 */
export function receiveEntry(entry: JournalEntry, sessionId: string | null): void {
  if (live) live.afterRead(() => foldEntry(entry, sessionId));
  else foldEntry(entry, sessionId);
}

/** Subscribes, then loads. Returns the cleanup for a useEffect. */
export function startSync(): () => void {
  const sync = liveState<Cockpit>(api, {
    read: () => api.getCockpit(),
    apply: (cockpit) => useStore.getState().replaceCockpit(cockpit),
    fail: (err) => useStore.getState().showError(err),
    events: {
      sessionEntry: (payload) => foldEntry(payload.entry, payload.sessionId),
      cockpitReplaced: (cockpit) => useStore.getState().replaceCockpit(cockpit),
      prefsChanged: (prefs) => useStore.getState().setPrefs(prefs),
    },
    invalidateOn: [],
  });
  live = sync;
  // Another runbook or session: every panel's results, banners and forms go.
  const stopWatching = watchWorkspace();
  return () => {
    stopWatching();
    sync.stop();
    if (live === sync) live = null;
  };
}
