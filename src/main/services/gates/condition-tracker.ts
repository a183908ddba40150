/**
 * One condition followed through time: "error_rate > 2 for 300 s". Time
 * comes only from the points and ticks it is given (no clock inside), so a
 * recorded history and the live store run through the same code and tests
 * need no fake timers.
 *
 * - Duration: held time accrues between consecutive fresh points while the
 *   condition holds; it fires when held time reaches `forSeconds` (4:59 has
 *   not fired, 5:00 has). The firing moment is interpolated between points.
 * - Gaps: a null value, or no point for longer than `staleSeconds`, makes
 *   the state unknown. Unknown never accrues held time and never reads as
 *   healthy; the held time before the gap is kept.
 * - Hysteresis (optional): once the condition holds, a value that dips
 *   just under the line (within `clearMarginPercent` of it) keeps it
 *   holding; after it fired, the value must also stay clearly out for
 *   `clearSeconds` before it clears. A value hovering at the line therefore
 *   fires once and stays fired instead of flapping.
 */
import type { Comparator } from '../../../shared/metrics';
import type { Hysteresis } from './gate-plan';
import { clearlyOut, compare } from './conditions';

export type TrackState = 'false' | 'pending' | 'true' | 'unknown';

export interface TrackerOptions {
  op: Comparator;
  line: number;
  forSeconds: number;
  staleSeconds: number;
  /** null: no hysteresis (the condition lets go the moment it is false). */
  hysteresis: Hysteresis | null;
}

export interface Transition {
  /** Epoch ms when the new state began (interpolated for a duration reached between points). */
  at: number;
  from: TrackState;
  to: TrackState;
  value: number | null;
  heldSeconds: number;
}

export class ConditionTracker {
  private current: TrackState = 'unknown';
  private holding = false;
  private fired = false;
  private heldMs = 0;
  private lastAt: number | null = null;
  private lastFresh = false;
  private clearSince: number | null = null;
  private lastValue: number | null = null;

  constructor(private readonly options: TrackerOptions) {}

  get state(): TrackState {
    return this.current;
  }

  get value(): number | null {
    return this.lastValue;
  }

  get heldSeconds(): number {
    return this.holding ? this.heldMs / 1000 : 0;
  }

  /** Staleness check without a new point; returns the transition to unknown, if any. */
  tick(now: number): Transition[] {
    if (this.current === 'unknown' || this.lastAt === null) return [];
    const staleAt = this.lastAt + this.options.staleSeconds * 1000;
    if (now <= staleAt) return [];
    this.lastFresh = false;
    return [this.move('unknown', staleAt)];
  }

  /** A reading at `at` (epoch ms); null is a gap. Points must come in time order. */
  point(at: number, value: number | null): Transition[] {
    const out = this.tick(at);
    const continuous = this.lastFresh && this.lastAt !== null && at - this.lastAt <= this.options.staleSeconds * 1000;
    if (value === null || !Number.isFinite(value)) {
      this.lastFresh = false;
      this.lastAt = at;
      this.lastValue = null;
      if (this.current !== 'unknown') out.push(this.move('unknown', at));
      return out;
    }
    const { op, line, forSeconds, hysteresis } = this.options;
    const wasHolding = this.holding;
    const holdsNow = compare(value, op, line);
    const forMs = forSeconds * 1000;
    let firedAt = at;
    if (holdsNow) {
      if (!wasHolding) {
        this.holding = true;
        this.heldMs = 0;
      } else if (continuous) {
        const before = this.heldMs;
        this.heldMs += at - this.lastAt!;
        if (!this.fired && before < forMs && this.heldMs >= forMs) firedAt = this.lastAt! + (forMs - before);
      }
      this.clearSince = null;
    } else if (wasHolding) {
      const letGo = hysteresis === null || clearlyOut(value, op, line, hysteresis.clearMarginPercent);
      if (!letGo) {
        this.clearSince = null;
        if (continuous) this.heldMs += at - this.lastAt!;
      } else if (!this.fired || hysteresis === null) {
        this.release();
      } else {
        this.clearSince ??= at;
        if (at - this.clearSince >= hysteresis.clearSeconds * 1000) this.release();
        else if (continuous) this.heldMs += at - this.lastAt!;
      }
    }
    if (this.holding && !this.fired && this.heldMs >= forMs) this.fired = true;
    this.lastAt = at;
    this.lastFresh = true;
    this.lastValue = value;
    const next: TrackState = this.fired ? 'true' : this.holding ? 'pending' : 'false';
    // A duration reached between two points is reported at its interpolated moment.
    if (next !== this.current) out.push(this.move(next, next === 'true' ? Math.min(firedAt, at) : at));
    return out;
  }

  private release(): void {
    this.holding = false;
    this.fired = false;
    this.heldMs = 0;
    this.clearSince = null;
  }

  private move(to: TrackState, at: number): Transition {
    const transition: Transition = { at, from: this.current, to, value: to === 'unknown' ? null : this.lastValue, heldSeconds: this.heldSeconds };
    this.current = to;
    return transition;
  }
}
