/**
 * The team window (issue 16) as main says it: null while this session is
 * not joined to a team, then the TeamView, replaced by each teamChanged.
 * Kept in step through the one sync mechanism (lib/live-state.ts).
 */
import { create } from 'zustand';
import type { TeamItem, TeamView } from '../../../../shared/team-model';
import { api } from '../../api';
import { liveState } from '../../lib/live-state';

export interface TeamStore {
  team: TeamView | null;
  apply(view: TeamView | null): void;
}

export const useTeam = create<TeamStore>()((set) => ({
  team: null,
  apply: (team) => set({ team }),
}));

/** The item as the whole team sees it; undefined when not joined, or nobody in the team touched it. */
export const useTeamItem = (itemId: string): TeamItem | undefined => useTeam((s) => s.team?.items[itemId]);

export function startTeamSync(): () => void {
  const sync = liveState<TeamView | null>(api, {
    read: () => api.getTeam(),
    apply: (view) => useTeam.getState().apply(view),
    // Main unreachable: keep what was shown; the connection banner says main is gone.
    fail: () => undefined,
    events: { teamChanged: (view) => useTeam.getState().apply(view) },
  });
  return () => sync.stop();
}
