/**
 * Keeps the store in step with main: subscribe to the three events, fetch
 * the cockpit once, fold entries as they come, and fetch the whole cockpit
 * again when an entry shows that some were missed.
 */
import type { JournalEntry } from '../../../../../shared/session-model';
import { api } from '../../../api';
import { onReconnect } from '../../connection/connection';
import { useStore } from './store';
import { watchWorkspace } from '../../shell/workspace';

let resyncing: Promise<void> | null = null;
/** Entries that arrived before the first cockpit; folded (or dropped as duplicates) once it is in. */
let earlyEntries: Array<{ entry: JournalEntry; sessionId: string | null }> = [];

/** Fetch the whole cockpit; concurrent requests share one call. */
export function resync(): Promise<void> {
  resyncing ??= api
    .getCockpit()
    .then((cockpit) => useStore.getState().replaceCockpit(cockpit))
    .catch((err: unknown) => useStore.getState().showError(err))
    .finally(() => {
      resyncing = null;
    });
  return resyncing;
}

/**
 * Folds an entry, from an event (with its session id) or from the answer
 * to our own call (without). Entries seen twice are dropped by seq; a gap
 * or a chain that does not line up triggers a resync.
 */
export function receiveEntry(entry: JournalEntry, sessionId: string | null): void {
  const store = useStore.getState();
  if (!store.cockpit) {
    earlyEntries.push({ entry, sessionId });
    return;
  }
  if (store.applyJournalEntry(entry, sessionId) === 'resync') void resync();
}

/** Subscribes, then loads. Returns the cleanup for a useEffect. */
export function startSync(): () => void {
  const unsubscribe = [
    api.on('sessionEntry', (payload) => receiveEntry(payload.entry, payload.sessionId)),
    api.on('cockpitReplaced', (cockpit) => useStore.getState().replaceCockpit(cockpit)),
    // Another runbook or session: every panel's results, banners and forms go.
    watchWorkspace(),
    api.on('prefsChanged', (prefs) => useStore.getState().setPrefs(prefs)),
    // Main was gone or restarted: entries may have been missed, so read the whole cockpit again.
    onReconnect(() => void resync()),
  ];
  // Subscribing first means nothing emitted after the cockpit was read is lost.
  void resync().then(() => {
    const early = earlyEntries;
    earlyEntries = [];
    for (const { entry, sessionId } of early) receiveEntry(entry, sessionId);
  });
  return () => {
    for (const off of unsubscribe) off();
  };
}
