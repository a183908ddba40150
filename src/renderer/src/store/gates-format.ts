/**
 * Gate and trigger numbers as a release manager reads them at 2 a.m.:
 * a value with its unit, a held time against the stated duration, the
 * time in a phase against the runbook's plan. Plain functions, so the
 * words the alarm uses are tested without a window.
 */

/**
 * "4.31 %", "2.00 %", "512 ms", "—" when nothing could be measured.
 * Trailing zeros stay (only a whole number drops them): 2.004 % beside a
 * 2 % line reads "2.00 %", not "2 %", which would look like no breach.
 */
export function valueText(value: number | null, unit: string | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  const text = Number.isInteger(value) ? String(value) : value.toFixed(digits);
  if (!unit) return text;
  return unit === '%' ? `${text} %` : `${text} ${unit}`;
}

/** "45 s", "5 min 3 s", "2 h 05 min": whole seconds, the largest units first. */
export function secondsText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest === 0 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 60)} min ${rest} s`;
  }
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  return `${hours} h ${String(minutes).padStart(2, '0')} min`;
}

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
  if (plannedSeconds === null) return { elapsedSeconds, plannedSeconds, over: false, text: `${secondsText(elapsedSeconds)} in phase (the runbook states no duration)` };
  const over = elapsedSeconds > plannedSeconds;
  return { elapsedSeconds, plannedSeconds, over, text: `${secondsText(elapsedSeconds)} of ${secondsText(plannedSeconds)} planned${over ? ': over time' : ''}` };
}

/** Whole seconds left of a countdown (rounded up, so "1 s" shows until it runs out), never below 0. */
export function secondsLeft(endsAt: number, nowMs: number): number {
  return Math.max(0, Math.ceil((endsAt - nowMs) / 1000));
}
