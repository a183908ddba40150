/**
 * Gate and trigger numbers as a release manager reads them at 2 a.m.:
 * a value with its unit, a held time against the stated duration, the
 * time in a phase against the runbook's plan. Plain functions, so the
 * words the alarm uses are tested without a window. Values and durations
 * are spelled by the shared format module.
 */
import { formatSeconds } from '../../../../shared/format';

export interface PhaseTiming {
  elapsedSeconds: number;
  plannedSeconds: number | null;
  /** Past the runbook's stated duration. */
  over: boolean;
  /** "12 min of 15 min planned", "3 min (no planned duration)". */
  text: string;
}

/** Time in a phase against its plan; null when the phase has not been entered. */
export function phaseTiming(enteredAt: number | null, plannedSeconds: number | null, nowMs: number): PhaseTiming | null {
  if (enteredAt === null) return null;
  const elapsedSeconds = Math.max(0, (nowMs - enteredAt) / 1000);
  if (plannedSeconds === null) return { elapsedSeconds, plannedSeconds, over: false, text: `${formatSeconds(elapsedSeconds)} in phase (the runbook states no duration)` };
  const over = elapsedSeconds > plannedSeconds;
  return { elapsedSeconds, plannedSeconds, over, text: `${formatSeconds(elapsedSeconds)} of ${formatSeconds(plannedSeconds)} planned${over ? ': over time' : ''}` };
}

/** Whole seconds left of a countdown (rounded up, so "1 s" shows until it runs out), never below 0. */
export function secondsLeft(endsAt: number, nowMs: number): number {
  return Math.max(0, Math.ceil((endsAt - nowMs) / 1000));
}
