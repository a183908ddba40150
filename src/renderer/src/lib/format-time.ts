/**
 * Times as an operator reads them mid-window: "02:14" for today, the date
 * too for anything older. Local time, 24-hour, no locale surprises.
 */
import { clockTime } from '../../../shared/format';

/** The one clock spelling lives in shared/format.ts; re-exported for the renderer's views. */
export { clockTime };

const pad = (n: number) => String(n).padStart(2, '0');

export function formatWhen(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = clockTime(at);
  const sameDay = at.getFullYear() === now.getFullYear() && at.getMonth() === now.getMonth() && at.getDate() === now.getDate();
  return sameDay ? time : `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${time}`;
}
