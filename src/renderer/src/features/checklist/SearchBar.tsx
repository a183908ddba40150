/** Search across all phases and the "Unchecked only" filter, pinned above the checklist; ↓ or Enter moves into the results. */
import { enterResults, SEARCH_INPUT_ID } from './search-keys';
import { useStore } from './store/store';

export function SearchBar() {
  const search = useStore((s) => s.search);
  const uncheckedOnly = useStore((s) => s.uncheckedOnly);
  return (
    <div className="searchbar" role="search">
      <label htmlFor={SEARCH_INPUT_ID} className="visually-hidden">
        Search all items
      </label>
      <input
        id={SEARCH_INPUT_ID}
        data-testid="search"
        type="search"
        placeholder="Search all items   /"
        autoComplete="off"
        spellCheck={false}
        value={search}
        onChange={(event) => useStore.getState().setSearch(event.target.value)}
        onKeyDown={(event) => {
          // ↓ or Enter: into the results (the checklist's ↑/↓ then move among them).
          if ((event.key === 'ArrowDown' || event.key === 'Enter') && !event.nativeEvent.isComposing && enterResults()) event.preventDefault();
        }}
      />
      <label className="toggle" title="Hide items that are already checked">
        <input type="checkbox" data-testid="unchecked-only" checked={uncheckedOnly} onChange={(event) => useStore.getState().setUncheckedOnly(event.target.checked)} />
        Unchecked only
      </label>
      <button type="button" className="btn btn-icon btn-ghost" data-testid="shortcuts-button" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick={() => useStore.getState().setHelpOpen(true)}>
        ?
      </button>
    </div>
  );
}
