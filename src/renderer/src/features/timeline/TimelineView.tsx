/**
 * The window's timeline: every tick, flag change, trigger state, decision,
 * rollback step, backup and baseline on one time axis, the graphs' own
 * (same range, same right edge), and as a list below it. Filter by kind;
 * ↑/↓ (or j/k) move, Home/End jump, Enter goes to the event's item or
 * phase, Escape closes. The events come from src/shared/timeline.ts, the
 * mapping the signed report uses too.
 */
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { filterTimeline, TIMELINE_KIND_LABELS, TIMELINE_KINDS, timelineEvents, type TimelineEvent } from '../../../../shared/timeline';
import { indexRunbook } from '../checklist/store/derived';
import { useStore } from '../checklist/store/store';
import { useTelemetry } from '../telemetry/telemetry-store';
import { axisEnd, formatClock } from '../telemetry/graph-data';
import { formatClock as formatIsoClock } from '../control/format';
import { startTimelineSync, useTimeline } from './timeline-store';
import './timeline.css';

export function TimelineView() {
  useEffect(() => startTimelineSync(), []);
  const entries = useTimeline((s) => s.entries);
  const kinds = useTimeline((s) => s.kinds);
  const selected = useTimeline((s) => s.selected);
  const error = useTimeline((s) => s.error);
  const events = useMemo(() => timelineEvents(entries), [entries]);
  const shown = useMemo(() => filterTimeline(events, kinds), [events, kinds]);
  const list = useRef<HTMLOListElement>(null);

  // Opening puts the focus in the list, so the arrows move at once.
  useEffect(() => {
    list.current?.focus({ preventScroll: true });
  }, []);

  const at = shown.findIndex((e) => e.seq === selected);
  const current = at === -1 ? null : shown[at]!;

  useEffect(() => {
    if (current) document.getElementById(eventId(current))?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const move = (index: number) => {
    const target = shown[Math.max(0, Math.min(shown.length - 1, index))];
    if (target) useTimeline.getState().select(target.seq);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLOListElement>) => {
    switch (event.key) {
      case 'ArrowDown':
      case 'j':
        move(at === -1 ? 0 : at + 1);
        break;
      case 'ArrowUp':
      case 'k':
        move(at === -1 ? shown.length - 1 : at - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(shown.length - 1);
        break;
      case 'Enter':
        if (current) jumpTo(current);
        break;
      case 'Escape':
        useTimeline.getState().setOpen(false);
        break;
      default:
        return;
    }
    // Kept from the checklist's own shortcuts (↑/↓ move its focus there).
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <section className="timeline" data-testid="timeline" aria-labelledby="timeline-title">
      <header className="timeline-head">
        <h2 id="timeline-title">Timeline</h2>
        <span className="muted" data-testid="timeline-count">
          {shown.length} of {events.length} events
        </span>
        <button type="button" className="btn btn-small" data-testid="timeline-close" onClick={() => useTimeline.getState().setOpen(false)} title="Back to the checklist (Esc or t)">
          Close
        </button>
      </header>
      <div className="timeline-filters" role="group" aria-label="Show events of these kinds">
        {TIMELINE_KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            className="btn btn-small timeline-filter"
            data-testid="timeline-filter"
            data-kind={kind}
            aria-pressed={kinds.has(kind)}
            onClick={() => useTimeline.getState().toggleKind(kind)}
          >
            {TIMELINE_KIND_LABELS[kind]} <span className="muted">{events.filter((e) => e.kind === kind).length}</span>
          </button>
        ))}
      </div>
      <TimelineAxis events={shown} selected={selected} />
      {error && (
        <p className="timeline-error" role="alert">
          {error}
        </p>
      )}
      <ol
        ref={list}
        className="timeline-list"
        data-testid="timeline-list"
        role="listbox"
        tabIndex={0}
        aria-label="Events, oldest first: ↑/↓ move, Enter goes to the item or phase"
        aria-activedescendant={current ? eventId(current) : undefined}
        onKeyDown={onKeyDown}
      >
        {shown.length === 0 && <li className="muted timeline-empty">Nothing of these kinds has happened in this window yet.</li>}
        {shown.map((event) => (
          <li
            key={event.seq}
            id={eventId(event)}
            role="option"
            aria-selected={event.seq === selected}
            className={`timeline-event kind-${event.kind}`}
            data-testid="timeline-event"
            data-kind={event.kind}
            data-seq={event.seq}
            onClick={() => useTimeline.getState().select(event.seq)}
            onDoubleClick={() => jumpTo(event)}
          >
            <time dateTime={event.at}>{formatIsoClock(event.at)}</time>
            <span className="timeline-kind">{TIMELINE_KIND_LABELS[event.kind]}</span>
            <span className="timeline-title">{event.title}</span>
            {event.detail && <span className="timeline-detail muted">{event.detail}</span>}
            {event.by && <span className="timeline-by muted">{event.by}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The graphs' time axis with a mark per event inside it. */
function TimelineAxis({ events, selected }: { events: readonly TimelineEvent[]; selected: number | null }) {
  const rangeSeconds = useTelemetry((s) => s.rangeSeconds);
  const now = useTelemetry((s) => s.now);
  // Without telemetry (no probes, review mode) the newest event is the right edge.
  const last = events.length > 0 ? Date.parse(events[events.length - 1]!.at) : 0;
  const end = axisEnd(now || last, rangeSeconds);
  const start = end - rangeSeconds * 1000;
  const withSeconds = rangeSeconds <= 900;
  const inside = events.filter((e) => {
    const t = Date.parse(e.at);
    return t >= start && t <= end;
  });
  return (
    <div className="timeline-axis" data-testid="timeline-axis" data-start={start} data-end={end} aria-hidden="true">
      <div className="timeline-track">
        {inside.map((e) => (
          <span
            key={e.seq}
            className={`timeline-mark kind-${e.kind}${e.seq === selected ? ' selected' : ''}`}
            data-testid="timeline-mark"
            style={{ left: `${((Date.parse(e.at) - start) / (end - start)) * 100}%` }}
            title={`${formatClock(Date.parse(e.at), true)} ${e.title}`}
          />
        ))}
      </div>
      <div className="timeline-axis-labels">
        <span>{formatClock(start, withSeconds)}</span>
        <span>{formatClock(end, withSeconds)}</span>
      </div>
    </div>
  );
}

function eventId(event: TimelineEvent): string {
  return `timeline-event-${event.seq}`;
}

/** Enter on an event: its item (in its phase), else its phase; the timeline closes to show it. */
function jumpTo(event: TimelineEvent): void {
  const s = useStore.getState();
  const item = event.itemId ? indexRunbook(s.cockpit?.runbook).itemsById.get(event.itemId) : undefined;
  if (item) {
    s.setSearch('');
    s.select(item.phaseId, item.id);
  } else if (event.phaseId) {
    s.openPhase(event.phaseId);
  } else {
    return;
  }
  useTimeline.getState().setOpen(false);
}
