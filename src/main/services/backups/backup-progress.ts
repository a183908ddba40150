/**
 * Turns an engine's raw progress reports into what the screen shows: merged
 * into one current state, time left estimated from bytes against the
 * expected size, and throttled so a fast dump cannot flood the event stream
 * (phase changes always go out at once).
 */
import type { BackupProgress } from './backup-engine';

export const MAX_UPDATES_PER_SECOND = 10;

export function initialProgress(): BackupProgress {
  return { phase: 'estimating', bytes: 0, done: null, total: null, unit: null, estimatedBytes: null, secondsLeft: null };
}

/** Seconds left at the average pace since `startedMs`; null until there is a pace to go by. */
export function secondsLeft(bytes: number, estimatedBytes: number | null, elapsedMs: number): number | null {
  if (estimatedBytes === null || bytes <= 0 || elapsedMs <= 0) return null;
  const rate = bytes / (elapsedMs / 1000);
  return Math.max(0, Math.round((estimatedBytes - bytes) / rate));
}

export class ProgressMeter {
  private state = initialProgress();
  private lastSentMs = -Infinity;
  private pending = false;
  private timer: NodeJS.Timeout | null = null;
  private dumpStartedMs: number | null = null;

  constructor(
    private readonly emit: (progress: BackupProgress) => void,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  update(change: Partial<BackupProgress>): void {
    const phaseChanged = change.phase !== undefined && change.phase !== this.state.phase;
    // The last word of a phase (its final byte count) is shown before the next phase begins.
    if (phaseChanged && this.pending) this.send();
    this.state = { ...this.state, ...change };
    if (this.state.phase === 'dumping' && this.dumpStartedMs === null) this.dumpStartedMs = this.clock();
    if (this.state.phase === 'dumping' && change.secondsLeft === undefined) {
      this.state.secondsLeft = secondsLeft(this.state.bytes, this.state.estimatedBytes, this.clock() - (this.dumpStartedMs ?? this.clock()));
    } else if (phaseChanged && this.state.phase !== 'dumping' && change.secondsLeft === undefined) {
      this.state.secondsLeft = null;
    }
    if (phaseChanged) this.send();
    else this.schedule();
  }

  current(): BackupProgress {
    return { ...this.state };
  }

  /** Sends what is pending now and stops the timer (at the end of a run). */
  flush(): void {
    if (this.pending) this.send();
    this.stop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = false;
  }

  private schedule(): void {
    const interval = 1000 / MAX_UPDATES_PER_SECOND;
    const wait = this.lastSentMs + interval - this.clock();
    if (wait <= 0) {
      this.send();
      return;
    }
    this.pending = true;
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        if (this.pending) this.send();
      }, Math.ceil(wait));
      this.timer.unref?.();
    }
  }

  private send(): void {
    this.pending = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastSentMs = this.clock();
    this.emit(this.current());
  }
}
