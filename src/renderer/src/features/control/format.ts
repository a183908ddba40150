/** Clock times and command lines as the control panel shows them; durations come from the shared format module. */
import { clockTime } from '../../lib/format-time';

/** "02:14:07", local time: actions are compared to the second in a deployment window. */
export function formatClock(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return clockTime(at, true);
}

/** Milliseconds between two ISO times, or null when either is missing. */
export function between(startedAt: string | null, endedAt: string | null): number | null {
  if (!startedAt || !endedAt) return null;
  const ms = Date.parse(endedAt) - Date.parse(startedAt);
  return Number.isFinite(ms) ? ms : null;
}

/** An argv as one could paste it into a POSIX shell (quoted only where needed); for reading and copying, never run. */
export function argvText(argv: readonly string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
