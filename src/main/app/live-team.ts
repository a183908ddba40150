/**
 * The team window (issue 16) as the renderers see it: whatever team source
 * is attached (the team sync, plugged in by whoever joins the session to
 * its team store) answers getTeam, and its changes go out as teamChanged.
 *
 * Ten members ticking at 20 Hz make 200 changes a second; the renderer
 * needs the latest view, not each step, so changes are coalesced: at most
 * one teamChanged per COALESCE_MS, carrying the newest view. The first
 * change after a quiet spell goes out at once.
 *
 * Events leave through the app's EventSink, i.e. through the same secret
 * redactor as every other event, although a TeamView carries no secret by
 * construction (the store is named by host and database only).
 */
import type { TeamView } from '../../shared/team-model';
import type { EventSink } from './event-hub';
import type { Logger } from './log';

/** What the team sync offers the window: its current view and a stream of changes. */
export interface TeamSource {
  view(): TeamView;
  /** Returns the unsubscribe. */
  onChange(listener: (view: TeamView) => void): () => void;
}

/** At most one teamChanged per this many milliseconds. */
export const TEAM_COALESCE_MS = 50;

export interface LiveTeamDeps {
  events: EventSink;
  log: Logger;
  /** Milliseconds, monotonic enough for spacing events (tests may pass their own). */
  now?: () => number;
}

export class LiveTeam {
  private source: TeamSource | null = null;
  private unsubscribe: (() => void) | null = null;
  /** The view waiting for its turn; undefined when nothing waits. */
  private waiting: TeamView | null | undefined = undefined;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private readonly now: () => number;

  constructor(private readonly deps: LiveTeamDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  /** Joins (a source) or leaves (null) the team: the renderers hear it at once, whatever the spacing. */
  attach(source: TeamSource | null): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.source = source;
    if (source) this.unsubscribe = source.onChange((view) => this.changed(view));
    this.cancelWaiting();
    this.send(this.view());
  }

  /** The view now, or null when this session is not joined to a team. */
  view(): TeamView | null {
    if (!this.source) return null;
    try {
      return this.source.view();
    } catch (error) {
      // A source that cannot say its state must not break getTeam for the rest of the cockpit.
      this.deps.log.error('the team view could not be read', error);
      return null;
    }
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.source = null;
    this.cancelWaiting();
  }

  private changed(view: TeamView): void {
    const due = this.lastSentAt + TEAM_COALESCE_MS - this.now();
    if (due <= 0 && this.timer === null) {
      this.send(view);
      return;
    }
    // The latest wins: an older view still waiting is simply replaced.
    this.waiting = view;
    if (this.timer === null) this.timer = setTimeout(() => this.flush(), Math.max(0, due));
  }

  private flush(): void {
    this.timer = null;
    const view = this.waiting;
    this.waiting = undefined;
    if (view !== undefined) this.send(view);
  }

  private cancelWaiting(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.waiting = undefined;
  }

  private send(view: TeamView | null): void {
    this.lastSentAt = this.now();
    this.deps.events.emit('teamChanged', view);
  }
}
