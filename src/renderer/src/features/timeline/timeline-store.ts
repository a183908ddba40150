/**
 * The timeline view's state: whether it is open, the journal entries it is
 * drawn from (fetched once when it opens, then followed through
 * sessionEntry events), the kinds shown and the selected event. The events
 * themselves come from the one mapping in src/shared/timeline.ts, which
 * the signed report uses too.
 */
import { create } from 'zustand';
import type { JournalEntry } from '../../../../shared/session-model';
import { TIMELINE_ENTRY_TYPES, TIMELINE_KINDS, type TimelineKind } from '../../../../shared/timeline';
import { api } from '../../api';
import { onReconnect } from '../connection/connection';

interface TimelineState {
  open: boolean;
  sessionId: string | null;
  entries: JournalEntry[];
  kinds: ReadonlySet<TimelineKind>;
  /** The selected event's journal seq. */
  selected: number | null;
  error: string | null;
  setOpen(open: boolean): void;
  toggleKind(kind: TimelineKind): void;
  select(seq: number | null): void;
}

export const useTimeline = create<TimelineState>()((set, get) => ({
  open: false,
  sessionId: null,
  entries: [],
  kinds: new Set(TIMELINE_KINDS),
  selected: null,
  error: null,
  setOpen: (open) => set({ open }),
  toggleKind(kind) {
    const kinds = new Set(get().kinds);
    if (kinds.has(kind)) kinds.delete(kind);
    else kinds.add(kind);
    set({ kinds });
  },
  select: (selected) => set({ selected }),
}));

/** Another runbook or session (store/workspace.ts): closed, unfiltered, nothing selected, no entries of the one before. */
export function resetTimeline(): void {
  useTimeline.setState({ open: false, sessionId: null, entries: [], kinds: new Set(TIMELINE_KINDS), selected: null, error: null });
}

/** Opens the timeline, or closes it (the "t" key, the More menu). */
export function toggleTimeline(): void {
  const s = useTimeline.getState();
  s.setOpen(!s.open);
}

/** Loads the open session's entries and follows new ones; returns the cleanup for a useEffect. */
export function startTimelineSync(): () => void {
  let alive = true;
  const load = () => {
    api
      .getTimeline({})
      .then(({ sessionId, entries }) => {
        if (alive) useTimeline.setState({ sessionId, entries, error: null });
      })
      .catch((err: unknown) => {
        if (alive) useTimeline.setState({ error: err instanceof Error ? err.message : String(err) });
      });
  };
  const offEntry = api.on('sessionEntry', ({ sessionId, entry }) => {
    if (!TIMELINE_ENTRY_TYPES.has(entry.type)) return;
    const s = useTimeline.getState();
    if (s.sessionId !== sessionId) return load();
    // Each entry once, in journal order.
    if (s.entries.some((e) => e.seq === entry.seq)) return;
    useTimeline.setState({ entries: [...s.entries, entry] });
  });
  // Main was gone: entries may have been missed, so read them again. (Another runbook or session remounts the view, which loads afresh.)
  const offReconnect = onReconnect(load);
  load();
  return () => {
    alive = false;
    offEntry();
    offReconnect();
  };
}
