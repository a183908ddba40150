/**
 * Matching items from every phase, grouped by phase, capped so that a
 * one-letter search in a 20,000-item runbook stays responsive.
 */
import { useDeferredValue, useMemo } from 'react';
import { TaskItemRow } from './blocks/TaskItemRow';
import { SEARCH_CAP, visibleSearchResults } from './store/derived';
import { useIndex, useRunbook } from './store/selectors';
import { useStore } from './store/store';
import type { TaskItem } from '../../../../shared/runbook-model';

export function SearchResults() {
  const runbook = useRunbook();
  const index = useIndex();
  const search = useDeferredValue(useStore((s) => s.search));
  const uncheckedOnly = useStore((s) => s.uncheckedOnly);
  // The session matters here only for the filter; without it, ticks do not re-render the list.
  const session = useStore((s) => (s.uncheckedOnly ? (s.cockpit?.session ?? null) : null));

  const { total, groups } = useMemo(() => {
    const { total, items } = visibleSearchResults(runbook, session, search, uncheckedOnly);
    const groups: Array<{ phaseId: string; items: TaskItem[] }> = [];
    for (const item of items) {
      const last = groups[groups.length - 1];
      if (last && last.phaseId === item.phaseId) last.items.push(item);
      else groups.push({ phaseId: item.phaseId, items: [item] });
    }
    return { total, groups };
  }, [runbook, session, search, uncheckedOnly]);

  return (
    <div className="search-results" data-testid="search-results">
      <p className="search-summary" role="status">
        {total === 0 ? (
          <span data-testid="search-empty">No {uncheckedOnly ? 'unchecked ' : ''}items match “{search.trim()}”.</span>
        ) : total > SEARCH_CAP ? (
          <span data-testid="search-cap">
            Showing the first {SEARCH_CAP} of {total} matching items. Refine the search to see the rest.
          </span>
        ) : (
          `${total} matching item${total === 1 ? '' : 's'}`
        )}
      </p>
      {groups.map((group) => {
        const phase = index.phaseById.get(group.phaseId);
        return (
          <section key={group.phaseId} className="search-group" data-testid="search-group" data-phase-id={group.phaseId}>
            <h2 className="search-group-title">
              <button type="button" className="link-btn" title="Show this phase" onClick={() => useStore.getState().openPhase(group.phaseId)}>
                {phase?.title ?? group.phaseId}
              </button>
            </h2>
            <ul className="list task-list flat">
              {group.items.map((item) => (
                <li key={item.id} className="task-entry">
                  <TaskItemRow itemId={item.id} context={item.sectionId ? index.sectionById.get(item.sectionId)?.title : undefined} />
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
