/** Opens the timeline from beside the graphs, whose time axis it shares (also "t" and the More menu). */
import { toggleTimeline, useTimeline } from './timeline-store';

export function TimelineButton() {
  const open = useTimeline((s) => s.open);
  return (
    <button type="button" className="btn btn-small timeline-button" data-testid="timeline-button" aria-pressed={open} title="The window's events on the graphs' time axis (t)" onClick={toggleTimeline}>
      Timeline
    </button>
  );
}
