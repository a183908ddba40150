/**
 * How long a runbook says a phase lasts, read from its headings:
 * "Monitoring (15 minutes)", "Post-Deployment Monitoring (24 Hours)",
 * "Pre-Deployment (1 Hour Before)" (a lead time is the stretch it names),
 * "Monitoring (Days 1-3)" (calendar days count inclusively: 3 days) and
 * "Hours 2-6 Monitoring" (hours count as a span: 4 hours). A lone
 * "(Day 3)" is a point in the schedule, not a duration, and yields nothing.
 */
import type { Phase } from '../../../shared/runbook-model';

const UNIT_SECONDS: Record<string, number> = { minute: 60, min: 60, hour: 3600, hr: 3600, day: 86_400, week: 604_800 };

function unitSeconds(word: string): number {
  const w = word.toLowerCase().replace(/s$/, '');
  return UNIT_SECONDS[w] ?? 0;
}

/** The duration a heading states, in seconds, or null. */
export function statedSeconds(title: string): number | null {
  const range = /\b(days?|weeks?|hours?)\s+(\d+)\s*(?:-|–|to)\s*(\d+)\b/i.exec(title);
  if (range) {
    const [from, to] = [Number(range[2]), Number(range[3])];
    if (to < from) return null;
    const unit = range[1]!.toLowerCase().replace(/s$/, '');
    // Days and weeks are named inclusively ("Days 1-3" is three days); hours as a span.
    const count = unit === 'hour' ? to - from : to - from + 1;
    return count > 0 ? count * unitSeconds(unit) : null;
  }
  const amount = /\(\s*(?:[<~≈]\s*|about\s+|approx\.?\s+)?(\d+(?:\.\d+)?)\s*(minutes?|mins?|hours?|hrs?|days?|weeks?)\b[^)]*\)/i.exec(title);
  if (amount) return Math.round(Number(amount[1]) * unitSeconds(amount[2]!));
  return null;
}

/**
 * A phase's planned duration: its own heading's, else its monitoring
 * section's, else the sum of its sections' stated durations.
 */
export function plannedSeconds(phase: Phase): number | null {
  const own = statedSeconds(phase.title);
  if (own !== null) return own;
  const monitoring = phase.sections.find((s) => /monitor/i.test(s.title) && statedSeconds(s.title) !== null);
  if (monitoring) return statedSeconds(monitoring.title);
  const parts = phase.sections.map((s) => statedSeconds(s.title)).filter((s): s is number => s !== null);
  return parts.length > 0 ? parts.reduce((a, b) => a + b, 0) : null;
}
