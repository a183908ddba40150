/**
 * Numbers, units, comparators and durations as runbooks write them, for the
 * threshold reader (thresholds.ts). Only the spelling of quantities lives
 * here; which metric a quantity belongs to is threshold-binding.ts's job.
 *
 * Written in the five languages of the corpus where the words differ
 * ("持续5分钟", "в течение 5 минут", "durante 5 minutos").
 */
import type { Comparator, Unit } from '../../../shared/metrics';

/** "1,200", "0.5", ".5", "2,5" is not read as a decimal (too rare, too ambiguous with lists). */
const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)`;

/** Time units in every corpus language, longest first so "minutes" is not read as "m". */
const TIME_UNIT = String.raw`(?:ms(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|millisec(?:ond)?s?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|msecs?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|milisegundos?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|millisecondes?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|seconds?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|secs?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|segundos?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|secondes?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|sekunden?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|секунд[аы]?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|сек(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|秒|s(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|minutes?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|mins?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|minutos?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|minuten?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|минут[аы]?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|мин(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|分钟|m(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|hours?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|hrs?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|horas?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|heures?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|stunden?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|час(?:а|ов)?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|小时|h(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|days?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|días?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|jours?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|tage?n?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|дн(?:я|ей)(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|день(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|天|d(?![A-Za-z\u00C0-\u024F\u0400-\u04FF]))`;
const SIZE_UNIT = String.raw`(?:[kmgt]i?b(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|bytes?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF]))`;
const UNIT = String.raw`(%|percent(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|por\s?ciento(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|pour\s?cent(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|prozent(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|процент(?:а|ов)?(?![A-Za-z\u00C0-\u024F\u0400-\u04FF])|${TIME_UNIT}|${SIZE_UNIT})?`;

/** Comparators written as words, in the corpus languages; longest first. */
const OP_WORDS: ReadonlyArray<[string, Comparator]> = [
  ['less than or equal to', '<='],
  ['greater than or equal to', '>='],
  ['no more than', '<='],
  ['not more than', '<='],
  ['no higher than', '<='],
  ['no less than', '>='],
  ['not less than', '>='],
  ['drops below', '<'],
  ['drop below', '<'],
  ['falls below', '<'],
  ['fall below', '<'],
  ['goes above', '>'],
  ['rises above', '>'],
  ['at most', '<='],
  ['up to', '<='],
  ['within', '<='],
  ['at least', '>='],
  ['less than', '<'],
  ['lower than', '<'],
  ['fewer than', '<'],
  ['below', '<'],
  ['under', '<'],
  ['more than', '>'],
  ['greater than', '>'],
  ['higher than', '>'],
  ['above', '>'],
  ['over', '>'],
  ['exceeding', '>'],
  ['exceeds', '>'],
  ['exceeded', '>'],
  ['exceed', '>'],
  ['menos de', '<'],
  ['más de', '>'],
  ['mayor que', '>'],
  ['menor que', '<'],
  ['moins de', '<'],
  ['plus de', '>'],
  ['weniger als', '<'],
  ['mehr als', '>'],
  ['unter', '<'],
  ['über', '>'],
  ['менее', '<'],
  ['меньше', '<'],
  ['более', '>'],
  ['больше', '>'],
  ['低于', '<'],
  ['小于', '<'],
  ['高于', '>'],
  ['大于', '>'],
  ['超过', '>'],
];
const OP_SYMBOLS: Record<string, Comparator> = { '<': '<', '<=': '<=', '=<': '<=', '≤': '<=', '>': '>', '>=': '>=', '=>': '>=', '≥': '>=', '＜': '<', '＞': '>' };
// Word comparators start a word ("hover 5" is not "over 5"); symbols may touch one ("5xx>5%").
const OP = String.raw`(<=|>=|=<|=>|≤|≥|<|>|＜|＞|(?<![\p{L}])(?:${OP_WORDS.map(([w]) => w.replace(/ /g, '\\s+')).join('|')}))`;

/** "> 300ms", "under 1.5 s", "exceeds 100 ms"; a "2x" (a multiple of a baseline) is not a value. */
const COMPARISON = new RegExp(String.raw`${OP}\s*~?\s*${NUMBER}\s*${UNIT}(?![\d.,]*\s*[x×])`, 'giu');
/** "99.9%", "90%+", "Warning: 200ms": a value with no comparator written. */
const BARE = new RegExp(String.raw`${NUMBER}\s*(%|${TIME_UNIT}|${SIZE_UNIT})(\+)?`, 'giu');
/** "0.5-1%", "200ms - 500ms", "15-20 minutes", "2 to 5%". */
const RANGE = new RegExp(String.raw`${NUMBER}\s*${UNIT}\s*(?:-|–|—|to|à|bis|до|至|~)\s*${NUMBER}\s*${UNIT}`, 'giu');
/**
 * How long a condition must hold: "for 5 minutes", "for 5 consecutive
 * minutes", "for full 24 hours", "sustained for 2+ minutes", "for > 1
 * minute", "over 10m", "(last 48 hours)", "持续5分钟", "в течение 5 минут".
 */
const DURATION = new RegExp(
  String.raw`(?:(?<!\p{L})(?:for|over|sustained(?:\s+for)?|lasting|during|durante|pendant|für|über|в\s+течение|last)|持续|连续)\s*(?:(?:more|longer)\s+than|over|at\s+least|the(?:\s+last)?|full|a\s+full|>=?|≥)?\s*${NUMBER}\s*\+?\s*(?:consecutive|straight|full|continuous)?\s*(${TIME_UNIT})`,
  'giu',
);

export interface Span {
  start: number;
  end: number;
}

/** A value with its comparator as written, before any metric is known. */
export interface Quantity extends Span {
  op: Comparator;
  value: number;
  unit: string;
  /** No comparator written ("99.9% uptime", "Threshold: 5%"). */
  implied: boolean;
  /** "90%+": at least this much. */
  atLeast?: boolean;
  /** The upper edge of a range ("0.5-1%"); `value` is then the lower edge. */
  upper?: number;
}

export interface Duration extends Span {
  seconds: number;
}

export function toNumber(text: string): number {
  return Number(text.replace(/,/g, ''));
}

function opFromText(text: string): Comparator {
  const compact = text.toLowerCase().replace(/\s+/g, ' ');
  return OP_SYMBOLS[compact] ?? OP_WORDS.find(([w]) => w === compact)?.[1] ?? '<';
}

const TIME_SECONDS: ReadonlyArray<[RegExp, number]> = [
  [/^(?:ms|milli|msec|miliseg)/, 0.001],
  [/^(?:s|sec|seg|sek|сек|秒)/, 1],
  [/^(?:m|min|мин|分钟)/, 60],
  [/^(?:h|hr|hour|hora|heure|stunde|час|小时)/, 3600],
  [/^(?:d|day|día|jour|tag|дн|день|天)/, 86400],
];

/** Seconds in one of a time unit, or null when it is not a time unit. */
export function secondsPerUnit(unit: string): number | null {
  const u = unit.toLowerCase();
  if (u === '' || u === '%' || /^(?:[kmgt]i?b|bytes?)$/.test(u)) return null;
  for (const [re, seconds] of TIME_SECONDS) if (re.test(u)) return seconds;
  return null;
}

const BYTES: Record<string, number> = { b: 1, byte: 1, bytes: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** What kind of value a metric takes, which decides the units it accepts. */
export type Family = 'percent' | 'latency' | 'duration' | 'size-or-percent' | 'count-or-percent';

/**
 * A value in the metric family's normalised unit, or null when the unit does
 * not fit. Latencies are never stated in minutes or hours: "Response Time: <
 * 1 hour" is an incident response time, not a request's. Sizes are in powers
 * of 1024, as src/shared/format.ts prints them.
 */
export function normalise(family: Family, value: number, rawUnit: string): { value: number; unit: Unit } | null {
  const unit = rawUnit.toLowerCase();
  const isPercent = unit === '%' || /^(?:percent|por\s?ciento|pour\s?cent|prozent|процент)/.test(unit);
  const seconds = secondsPerUnit(unit);
  switch (family) {
    case 'percent':
      return isPercent ? { value, unit: '%' } : null;
    case 'latency':
      return seconds !== null && seconds <= 1 ? { value: round(value * seconds * 1000), unit: 'ms' } : null;
    case 'duration':
      return seconds !== null ? { value: round(value * seconds), unit: 's' } : null;
    case 'size-or-percent':
      if (isPercent) return { value, unit: '%' };
      return unit in BYTES ? { value: Math.round(value * BYTES[unit]!), unit: 'bytes' } : null;
    case 'count-or-percent':
      if (isPercent) return { value, unit: '%' };
      return unit === '' ? { value, unit: 'count' } : null;
  }
}

function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

const inside = (spans: readonly Span[], at: number) => spans.some((s) => at >= s.start && at < s.end);

/** "7 consecutive hours with error rate <0.1%": a hold time written before the condition. */
const LEADING_DURATION = new RegExp(String.raw`${NUMBER}\s+(?:consecutive|straight|full)\s+(${TIME_UNIT})\s+(?:with|of)\s`, 'giu');

export function findLeadingDuration(text: string): Duration | null {
  LEADING_DURATION.lastIndex = 0;
  const m = LEADING_DURATION.exec(text);
  const seconds = m ? secondsPerUnit(m[2]!) : null;
  return m && seconds !== null && seconds >= 1 ? { start: m.index, end: m.index + m[0].length, seconds: toNumber(m[1]!) * seconds } : null;
}

export function findDurations(text: string): Duration[] {
  const out: Duration[] = [];
  DURATION.lastIndex = 0;
  for (let m = DURATION.exec(text); m; m = DURATION.exec(text)) {
    const seconds = secondsPerUnit(m[2]!);
    // "for 500ms" is not how long a condition holds.
    if (seconds !== null && seconds >= 1) out.push({ start: m.index, end: m.index + m[0].length, seconds: toNumber(m[1]!) * seconds });
  }
  return out;
}

/** Ranges, comparisons and bare percentages, in text order, none inside `durations`. */
export function findQuantities(text: string, durations: readonly Span[]): Quantity[] {
  const out: Quantity[] = [];
  const taken: Span[] = [...durations];
  RANGE.lastIndex = 0;
  for (let m = RANGE.exec(text); m; m = RANGE.exec(text)) {
    // "> 0.5-1%" is not a band; "5 to 10 minutes" after "for" is a duration.
    if (/(?:<=|>=|=<|=>|≤|≥|<|>)\s*$/.test(text.slice(0, m.index)) || inside(taken, m.index)) continue;
    const unit = m[4] || m[2] || '';
    if (toNumber(m[1]!) >= toNumber(m[3]!)) continue; // "2025-10-18" is a date, not a band
    if (m[2] && m[4] && m[2].toLowerCase() !== m[4].toLowerCase() && secondsPerUnit(m[2]) !== secondsPerUnit(m[4])) continue;
    out.push({ start: m.index, end: m.index + m[0].length, op: '>=', value: toNumber(m[1]!), unit, implied: false, upper: toNumber(m[3]!) });
    taken.push({ start: m.index, end: m.index + m[0].length });
  }
  COMPARISON.lastIndex = 0;
  for (let m = COMPARISON.exec(text); m; m = COMPARISON.exec(text)) {
    if (inside(taken, m.index)) continue;
    out.push({ start: m.index, end: m.index + m[0].length, op: opFromText(m[1]!), value: toNumber(m[2]!), unit: m[3] ?? '', implied: false });
    taken.push({ start: m.index, end: m.index + m[0].length });
  }
  BARE.lastIndex = 0;
  for (let m = BARE.exec(text); m; m = BARE.exec(text)) {
    if (inside(taken, m.index) || /[\d.:]$/.test(text.slice(0, m.index))) continue;
    const q: Quantity = { start: m.index, end: m.index + m[0].length, op: '>=', value: toNumber(m[1]!), unit: m[2]!, implied: true };
    if (m[3]) q.atLeast = true;
    out.push(q);
  }
  return out.sort((a, b) => a.start - b.start);
}
