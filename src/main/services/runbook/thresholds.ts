/**
 * Finds the thresholds a runbook already states in prose: "Error rate <
 * 0.1%", "Query response times <500ms (p95)", "Cache hit rate >60%", "Error
 * rate above 2% for more than 10 minutes", "Yellow flag: error rate 0.5-1%,
 * red flag: > 1%". Each becomes a metric from the shared vocabulary, a
 * comparator, a value in the metric's normalised unit, an optional duration,
 * and the line it came from.
 *
 * The reading is deliberately conservative: a comparison binds to a metric
 * only when the sentence names one ("Route decision overhead <500ms" and
 * "<5s exports" are not in the vocabulary and yield nothing), because a
 * wrong threshold would later raise a false alarm or pass a bad gate.
 */
import { METRICS, type Comparator, type MetricName, type Unit } from '../../../shared/metrics';
import type { Threshold } from '../../../shared/runbook-model';
import { countLineBreaks } from './source-text';

type Family = 'percent' | 'latency' | 'duration' | 'size-or-percent' | 'count-or-percent';

interface MetricMention {
  start: number;
  end: number;
  metric: MetricName | 'latency';
  family: Family;
  percentile?: MetricName;
}

const MENTIONS: ReadonlyArray<{ re: RegExp; metric: MetricName | 'latency'; family: Family }> = [
  { re: /\b(?:(?:error|5xx|failure|failed[- ]request)s?[- ]rates?|errors?[- ](?:ratio|percentage))\b/gi, metric: 'error_rate', family: 'percent' },
  { re: /\b(?:cache[- ])?hit[- ](?:rate|ratio)s?\b/gi, metric: 'cache_hit_rate', family: 'percent' },
  {
    re: /\b(?:p(?:50|90|95|99)\s+)?(?:latenc(?:y|ies)|response[- ]times?|(?:query|request)[- ](?:times?|durations?|performance|latency)|load[- ]times?|page[- ]loads?|(?:database|db|sql|analytics)[- ]quer(?:y|ies))\b/gi,
    metric: 'latency',
    family: 'latency',
  },
  { re: /\bcpu(?:[- ](?:usage|utili[sz]ation|load))?\b/gi, metric: 'cpu', family: 'percent' },
  { re: /\b(?:memory|ram)(?:[- ](?:usage|utili[sz]ation|used))?\b/gi, metric: 'memory', family: 'size-or-percent' },
  {
    re: /\b(?:(?:db|database)[- ]connections?|connection[- ]pool(?:[- ](?:usage|utili[sz]ation))?|connections[- ]in[- ]use)\b/gi,
    metric: 'db_connections',
    family: 'count-or-percent',
  },
  { re: /\b(?:free[- ]disk(?:[- ]space)?|disk[- ](?:free|space[- ]free|space))\b/gi, metric: 'disk_free', family: 'size-or-percent' },
  { re: /\b(?:uptime|availability)\b/gi, metric: 'uptime', family: 'percent' },
  { re: /\b(?:(?:ssl|tls)[- ])?certificates?\b|\b(?:ssl|tls)[- ]certs?\b/gi, metric: 'cert_expiry', family: 'duration' },
  { re: /\broll[- ]?back(?:[- ](?:time|capability|duration))?\b/gi, metric: 'rollback_time', family: 'duration' },
];

/** A bare percentile ("p95 < 500ms") is a latency mention of its own. */
const PERCENTILE = /\b(?:p(50|90|95|99)|(50|90|95|99)(?:th)?[- ]percentile|(median)|(av(?:era)?ge?|mean))\b/gi;

const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)`;
const UNIT = String.raw`(%|percent\b|ms\b|milliseconds?\b|msecs?\b|s\b|secs?\b|seconds?\b|m\b|mins?\b|minutes?\b|h\b|hrs?\b|hours?\b|d\b|days?\b|[kmgt]i?b\b|bytes?\b)?`;
const OPS_WORDS: ReadonlyArray<[string, Comparator]> = [
  ['less than or equal to', '<='],
  ['greater than or equal to', '>='],
  ['no more than', '<='],
  ['not more than', '<='],
  ['at most', '<='],
  ['up to', '<='],
  ['no less than', '>='],
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
];
const OP_SYMBOLS: Record<string, Comparator> = { '<': '<', '<=': '<=', '=<': '<=', '≤': '<=', '>': '>', '>=': '>=', '=>': '>=', '≥': '>=' };
const OP = String.raw`(<=|>=|=<|=>|≤|≥|<|>|${OPS_WORDS.map(([w]) => w.replace(/ /g, '\\s+')).join('|')})`;
const COMPARISON = new RegExp(String.raw`${OP}\s*~?\s*${NUMBER}\s*${UNIT}`, 'gi');
/** "99.9% uptime", "90%+": a value with the comparator implied. */
const IMPLIED = new RegExp(String.raw`${NUMBER}\s*(%)(\+)?`, 'gi');
const RANGE = new RegExp(String.raw`${NUMBER}\s*${UNIT}\s*(?:-|–|to)\s*${NUMBER}\s*${UNIT}`, 'gi');
const DURATION = new RegExp(
  String.raw`\b(?:for|sustained(?:\s+for)?|lasting)\s+(?:(?:more|longer)\s+than|over|at\s+least|>=?|≥)?\s*${NUMBER}\s*(s\b|secs?\b|seconds?\b|m\b|mins?\b|minutes?\b|h\b|hrs?\b|hours?\b|d\b|days?\b)`,
  'gi',
);

/** Words after a comparison that keep it on the metric before it. */
const CONTINUES = new Set(
  'for with target targets in on at during of or and per max maximum min minimum sustained over across average avg threshold limit is are should must when while after before then from to under budget overall total each'.split(' '),
);

function toNumber(text: string): number {
  return Number(text.replace(/,/g, ''));
}

function opFromText(text: string): Comparator {
  const compact = text.toLowerCase().replace(/\s+/g, ' ');
  const symbol = OP_SYMBOLS[compact];
  if (symbol) return symbol;
  const word = OPS_WORDS.find(([w]) => w === compact);
  return word ? word[1] : '<';
}

const SECONDS: Record<string, number> = { s: 1, sec: 1, secs: 1, second: 1, seconds: 1, m: 60, min: 60, mins: 60, minute: 60, minutes: 60, h: 3600, hr: 3600, hrs: 3600, hour: 3600, hours: 3600, d: 86400, day: 86400, days: 86400 };
const MS: Record<string, number> = { ms: 1, msec: 1, msecs: 1, millisecond: 1, milliseconds: 1 };
const BYTES: Record<string, number> = { b: 1, byte: 1, bytes: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 };

/** Normalises a value to the metric family's unit, or null when they do not fit. */
function normalise(family: Family, value: number, rawUnit: string | undefined): { value: number; unit: Unit } | null {
  const unit = (rawUnit ?? '').toLowerCase();
  const isPercent = unit === '%' || unit === 'percent';
  switch (family) {
    case 'percent':
      return isPercent ? { value, unit: '%' } : null;
    case 'latency':
      if (unit in MS) return { value: value * MS[unit]!, unit: 'ms' };
      if (unit in SECONDS && unit !== 'd' && !unit.startsWith('day')) return { value: value * SECONDS[unit]! * 1000, unit: 'ms' };
      return null;
    case 'duration':
      if (unit in SECONDS) return { value: value * SECONDS[unit]!, unit: 's' };
      if (unit in MS) return { value: value / 1000, unit: 's' };
      return null;
    case 'size-or-percent':
      if (isPercent) return { value, unit: '%' };
      if (unit in BYTES) return { value: value * BYTES[unit]!, unit: 'bytes' };
      return null;
    case 'count-or-percent':
      if (isPercent) return { value, unit: '%' };
      if (unit === '') return { value, unit: 'count' };
      return null;
  }
}

function percentileMetric(match: RegExpExecArray): MetricName {
  const n = match[1] ?? match[2];
  if (n) return `latency_p${n}` as MetricName;
  if (match[3]) return 'latency_p50';
  return 'latency_avg';
}

interface Span {
  start: number;
  end: number;
}

function findMentions(sentence: string): MetricMention[] {
  const mentions: MetricMention[] = [];
  for (const { re, metric, family } of MENTIONS) {
    re.lastIndex = 0;
    for (let m = re.exec(sentence); m; m = re.exec(sentence)) {
      const mention: MetricMention = { start: m.index, end: m.index + m[0].length, metric, family };
      const inner = /^p(50|90|95|99)\s/i.exec(m[0]);
      if (inner) mention.percentile = `latency_p${inner[1]}` as MetricName;
      mentions.push(mention);
    }
  }
  // A percentile word with no latency word near it stands for latency itself.
  PERCENTILE.lastIndex = 0;
  for (let m = PERCENTILE.exec(sentence); m; m = PERCENTILE.exec(sentence)) {
    const covered = mentions.some((x) => x.start <= m!.index && m!.index < x.end);
    if (!covered && (m[1] || m[2])) mentions.push({ start: m.index, end: m.index + m[0].length, metric: 'latency', family: 'latency', percentile: percentileMetric(m) });
  }
  return mentions.sort((a, b) => a.start - b.start);
}

/** The latency metric a mention means, reading percentile words in its clause. */
function resolveLatency(sentence: string, mention: MetricMention, clause: Span): MetricName {
  if (mention.percentile) return mention.percentile;
  PERCENTILE.lastIndex = 0;
  const text = sentence.slice(clause.start, clause.end);
  let best: MetricName = 'latency_avg';
  for (let m = PERCENTILE.exec(text); m; m = PERCENTILE.exec(text)) {
    best = percentileMetric(m);
    if (best !== 'latency_avg') break;
  }
  return best;
}

function clauseAround(sentence: string, from: number, to: number): Span {
  const before = sentence.slice(0, from);
  const start = Math.max(before.lastIndexOf(','), before.lastIndexOf(';')) + 1;
  const afterComma = sentence.slice(to).search(/,\s|;/);
  return { start, end: afterComma === -1 ? sentence.length : to + afterComma };
}

function severityOf(text: string): 'yellow' | 'red' | undefined {
  if (/\b(?:red|critical|rollback\s+if|roll\s+back\s+if|abort|sev(?:erity)?[- ]?[01]|p0|p1)\b/i.test(text)) return 'red';
  if (/\b(?:yellow|amber|warn(?:ing)?)\b/i.test(text)) return 'yellow';
  return undefined;
}

const SUBJECTS = /\b(api|database|db|query|queries|page|dashboard|analytics|frontend|backend|redis|export|checkout|login|search)\b/i;

function subjectOf(sentence: string, mention: MetricMention): string | undefined {
  const window = sentence.slice(Math.max(0, mention.start - 30), mention.end);
  const m = SUBJECTS.exec(window);
  if (!m) return undefined;
  const word = m[1]!.toLowerCase();
  return word === 'db' ? 'database' : word === 'queries' ? 'query' : word;
}

interface Candidate extends Span {
  op: Comparator;
  value: number;
  unit: string | undefined;
  /** No comparator written: "99.9% uptime", "90%+". */
  implied: boolean;
  /** The upper edge of a band ("70-80%"), where a higher-is-better metric enters it. */
  upper?: number;
}

function findComparisons(sentence: string, durations: Span[]): Candidate[] {
  const out: Candidate[] = [];
  const inside = (at: number) => durations.some((d) => at >= d.start && at < d.end);
  const taken: Span[] = [];
  RANGE.lastIndex = 0;
  for (let m = RANGE.exec(sentence); m; m = RANGE.exec(sentence)) {
    // "error rate 0.5-1%": a band. For a lower-is-better metric it starts at
    // its lower edge; for higher-is-better ("cache hit rate 70-80%") at its
    // upper edge, which is decided once the metric is known.
    const unit = m[4] ?? m[2];
    const prefix = sentence.slice(0, m.index);
    if (/(?:<=|>=|=<|=>|≤|≥|<|>)\s*$/.test(prefix)) continue;
    out.push({ start: m.index, end: m.index + m[0].length, op: '>=', value: toNumber(m[1]!), unit, implied: false, upper: toNumber(m[3]!) });
    taken.push({ start: m.index, end: m.index + m[0].length });
  }
  COMPARISON.lastIndex = 0;
  for (let m = COMPARISON.exec(sentence); m; m = COMPARISON.exec(sentence)) {
    if (inside(m.index) || taken.some((t) => m!.index >= t.start && m!.index < t.end)) continue;
    // "for more than 10 minutes" is a duration unless nothing came before it.
    out.push({ start: m.index, end: m.index + m[0].length, op: opFromText(m[1]!), value: toNumber(m[2]!), unit: m[3], implied: false });
    taken.push({ start: m.index, end: m.index + m[0].length });
  }
  IMPLIED.lastIndex = 0;
  for (let m = IMPLIED.exec(sentence); m; m = IMPLIED.exec(sentence)) {
    if (taken.some((t) => m!.index >= t.start && m!.index < t.end) || inside(m.index)) continue;
    out.push({ start: m.index, end: m.index + m[0].length, op: '>=', value: toNumber(m[1]!), unit: '%', implied: true });
  }
  return out.sort((a, b) => a.start - b.start);
}

function findDurations(sentence: string): Array<Span & { seconds: number }> {
  const out: Array<Span & { seconds: number }> = [];
  DURATION.lastIndex = 0;
  for (let m = DURATION.exec(sentence); m; m = DURATION.exec(sentence)) {
    const unit = m[2]!.toLowerCase();
    out.push({ start: m.index, end: m.index + m[0].length, seconds: toNumber(m[1]!) * (SECONDS[unit] ?? 1) });
  }
  return out;
}

function nextWord(sentence: string, at: number): string {
  const m = /^\s*([A-Za-z]+)/.exec(sentence.slice(at));
  return m ? m[1]!.toLowerCase() : '';
}

export interface ThresholdSource {
  text: string;
  line: number;
  itemId: string | null;
}

/** Every threshold stated in one piece of text (an item, a paragraph, a heading, a table row). */
export function extractThresholds({ text, line, itemId }: ThresholdSource): Threshold[] {
  if (!/\d/.test(text)) return [];
  const found: Threshold[] = [];
  // Sentences: thresholds never bind across them.
  const sentenceRe = /[^\n;.!?]+(?:\.(?=\d)[^\n;.!?]*)*/g;
  for (let s = sentenceRe.exec(text); s; s = sentenceRe.exec(text)) {
    const sentence = s[0];
    if (!/\d/.test(sentence)) continue;
    const offset = s.index;
    const mentions = findMentions(sentence);
    if (mentions.length === 0) continue;
    let durations = findDurations(sentence);
    let comparisons = findComparisons(sentence, durations);
    // A duration with no comparison before it is the comparison itself:
    // "certificates are valid for > 30 days".
    const orphanDurations = durations.filter((d) => !comparisons.some((c) => c.end <= d.start));
    if (orphanDurations.length > 0) {
      durations = durations.filter((d) => !orphanDurations.includes(d));
      comparisons = findComparisons(sentence, durations);
    }
    for (const c of comparisons) {
      const after = mentions.find((m) => m.start >= c.end && /^\s*$/.test(sentence.slice(c.end, m.start)));
      let mention = after;
      if (!mention) {
        const word = nextWord(sentence, c.end);
        const ownSubject = word !== '' && !CONTINUES.has(word) && !/^p\d+$/.test(word);
        const before = [...mentions].reverse().find((m) => m.end <= c.start);
        if (!ownSubject && before) mention = before;
      }
      if (!mention) continue;
      // A bare percentage ("99.9% uptime") states a floor only for uptime.
      if (c.implied && mention.metric !== 'uptime') continue;
      const clause = clauseAround(sentence, Math.min(mention.start, c.start), c.end);
      const metric = mention.metric === 'latency' ? resolveLatency(sentence, mention, clause) : mention.metric;
      const entersFromAbove = c.upper !== undefined && METRICS[metric].better === 'higher';
      const normalised = normalise(mention.family, entersFromAbove ? c.upper! : c.value, c.unit);
      if (!normalised) continue;
      const threshold: Threshold = {
        metric,
        op: entersFromAbove ? '<=' : c.op,
        value: roundTo(normalised.value),
        unit: normalised.unit,
        line: line + countLineBreaks(text, 0, offset + c.start),
        text: sentence.trim(),
        itemId,
      };
      const duration = durations.find((d) => d.start >= c.end && d.start <= clause.end + 1);
      if (duration) threshold.forSeconds = duration.seconds;
      const severity = severityOf(sentence.slice(clause.start, c.start)) ?? severityOf(sentence.slice(0, Math.min(mention.start, c.start)));
      if (severity) threshold.severity = severity;
      const subject = mention.family === 'latency' ? subjectOf(sentence, mention) : undefined;
      if (subject) threshold.subject = subject;
      found.push(threshold);
    }
  }
  return found;
}

function roundTo(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
