/**
 * Narrow hooks over the store. Each returns a value whose identity changes
 * only when what it describes changes, which is what lets zustand skip the
 * components that do not care about a given tick.
 */
import { isChecked } from '../../../../../shared/session-state';
import { indexRunbook, phaseProgress } from './derived';
import { useStore, type Store } from './store';
import { useTeam } from '../../team/team-store';

export const selectRunbook = (s: Store) => s.cockpit?.runbook ?? null;
export const selectSession = (s: Store) => s.cockpit?.session ?? null;

export const useRunbook = () => useStore(selectRunbook);
export const useSession = () => useStore(selectSession);
export const usePrefs = () => useStore((s) => s.cockpit?.prefs ?? null);
export const useIndex = () => useStore((s) => indexRunbook(s.cockpit?.runbook));
export const useProgress = () => {
  const team = useTeam((t) => t.team?.items ?? null);
  return useStore((s) => phaseProgress(s.cockpit?.runbook, s.cockpit?.session, team));
};

export const useItem = (itemId: string) => useStore((s) => indexRunbook(s.cockpit?.runbook).itemsById.get(itemId) ?? null);
/** The session's latest tick of an item, or undefined when this run has not touched it. */
export const useTick = (itemId: string) => useStore((s) => s.cockpit?.session?.ticks[itemId]);
export const useNotes = (itemId: string) => useStore((s) => s.cockpit?.session?.notes[itemId]);

/** Whether the item counts as done now: the session's tick wins over the file's box. */
export function selectChecked(s: Store, itemId: string): boolean {
  const item = indexRunbook(s.cockpit?.runbook).itemsById.get(itemId);
  return isChecked(s.cockpit?.session ?? null, itemId, item?.checked ?? false);
}

/** Whether the "Unchecked only" filter hides this item right now. */
export const useHiddenByFilter = (itemId: string) => useStore((s) => s.uncheckedOnly && selectChecked(s, itemId));
