/** The middle column: search, messages, then the phase, the About page or the search results. */
import { useLayoutEffect, useRef } from 'react';
import { Banners } from '../shell/Banners';
import { ABOUT } from './store/placement';
import { useStore } from './store/store';
import { resync } from './store/sync';
import { AboutView } from './AboutView';
import { EmptyState } from './EmptyState';
import { GatePanel } from '../gates/GatePanel';
import { PhaseView } from './PhaseView';
import { SearchBar } from './SearchBar';
import { SearchResults } from './SearchResults';
import { TimelineView } from '../../features/timeline/TimelineView';
import { useTimeline } from '../../features/timeline/timeline-store';

export function MainColumn() {
  const loaded = useStore((s) => s.cockpit !== null);
  const hasRunbook = useStore((s) => Boolean(s.cockpit?.runbook));
  const searching = useStore((s) => s.search.trim() !== '');
  const selected = useStore((s) => s.selectedPhaseId);
  const loadFailed = useStore((s) => s.cockpit === null && s.error !== null);
  const timelineOpen = useTimeline((s) => s.open);
  const scroller = useRef<HTMLDivElement>(null);

  // A layout effect, so the jump to the top happens before the focused
  // row's own effect scrolls it into view.
  useLayoutEffect(() => {
    scroller.current?.scrollTo({ top: 0 });
  }, [selected, searching, timelineOpen]);

  let body;
  if (!loaded) {
    body = loadFailed ? (
      <div className="empty" data-testid="load-failed">
        <h2>Flightdeck is not answering</h2>
        <button type="button" className="btn btn-primary" onClick={() => void resync()}>
          Try again
        </button>
      </div>
    ) : (
      <div className="empty muted" aria-busy="true">
        Loading…
      </div>
    );
  } else if (!hasRunbook) {
    body = <EmptyState />;
  } else if (timelineOpen) {
    body = <TimelineView />;
  } else if (searching) {
    body = <SearchResults />;
  } else if (selected === ABOUT) {
    body = <AboutView />;
  } else if (selected) {
    body = <PhaseView key={selected} phaseId={selected} />;
  } else {
    body = <div className="empty muted">This runbook has no phases.</div>;
  }

  return (
    <main className="main" aria-label="Checklist">
      {hasRunbook && <SearchBar />}
      <Banners />
      {hasRunbook && <GatePanel />}
      <div className="main-scroll" ref={scroller}>
        {body}
      </div>
    </main>
  );
}
