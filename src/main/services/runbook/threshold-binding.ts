/**
 * Decides which metric mention a value belongs to, inside one sentence.
 *
 * A value binds to the mention written right after it ("<0.01% error
 * rate"), or else to the nearest mention before it when only filler stands
 * between them: punctuation, other values, band and trigger words ("P95
 * latency <200ms (rollback trigger: >300ms)", "Error rate (>2% triggers P2,
 * >5% triggers P1)"). Any other word in between ("Error rate > 1%, Pass rate
 * < 95%", "P95 latency > 500ms, Service down > 2 min") means the value is
 * about something else, and nothing is read. The word right after the value
 * must not name its own subject either ("<5s exports", "< 15% increase").
 *
 * What is read but not certain comes back with confidence "review": the
 * user confirms it before it can arm anything.
 */
import { METRICS, type Comparator, type MetricName, type Unit } from '../../../shared/metrics';
import { findMentions, percentilesIn, severityIn, subjectIn, type MetricMention } from './threshold-vocabulary';
import { findDurations, findLeadingDuration, findQuantities, normalise, type Duration, type Quantity } from './threshold-quantities';

export interface Reading {
  metric: MetricName;
  op: Comparator;
  value: number;
  unit: Unit;
  forSeconds?: number;
  subject?: string;
  severity?: 'yellow' | 'red';
  confidence: 'sure' | 'review';
  /** Offset of the value in the sentence, for its line. */
  at: number;
}

/** Words that may stand between a mention and its value, or follow the value, without changing what it measures. */
const FILLER = new Set(
  `the a an is are be been must should shall stay stays remain remains remaining stable normal acceptable ok
   target targets targeted goal threshold thresholds limit limits max maximum min minimum sla slo slos alert alerts alerting
   warning warn critical red yellow amber flag flags p0 p1 p2 p3 p4 sev trigger triggers triggered auto rollback roll back
   immediate immediately automatic consistently sustained continuously still always for with in on at of or and per when while
   if after before then from to under over during across average avg mean overall total each every any all should
   pool free usage used level value values consistently only time times currently expected meet meets met within slas
   current actual baseline now high low elevated too
   debe deben bajar estar permanecer mantenerse por debajo doit rester être sous muss bleiben sein
   должна должен оставаться ниже выше 应 保持 valid validity left expire expires expiry defined définis définies set
   critique crítico crítica kritisch критично für über unter während durante pendant в течение
   performance recovery
   objetivo umbral debe cible seuil doit ziel schwelle muss цель порог должна должен 目标 阈值 告警 条件 任意时刻 始终 持续`
    .split(/\s+/)
    .filter(Boolean),
);

/** A value followed by these is relative to something else: "< 15% increase", "> 2x baseline", "110% of baseline". */
const RELATIVE = /^\s*(?:of|from|above|over|below|than|vs\.?)?\s*(?:the\s+)?(?:baseline|increase|decrease|regression|degradation|reduction|improvement|faster|slower|growth|drop|spike|more|less|higher|lower|better|worse)\b/i;

const SEPARATOR = /[,;，；、]/;

/** An estimate or a proposal is not a limit: "Estimated Rollback Time: 15-20 minutes", "考虑收紧P99阈值至0.3s". */
const ESTIMATE = /estimated|forecast|estimad|estimé|geschätzt|оценк|预计|考虑/i;

function wordsIn(text: string): string[] {
  // A blank to fill in ("API p95: _____ (target: < 500ms)") is not a word.
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Only filler between a mention and its value (other values, durations and percentiles taken out). */
function onlyFiller(gap: string): boolean {
  // Chinese has no spaces to find words by: a run of Han text is filler unless it names another rate, time or count (通过率, 响应时间, 用户数).
  return wordsIn(gap).every((w) => FILLER.has(w) || /^p\d{2,3}$/.test(w) || /^\d/.test(w) || (/^[\p{Script=Han}]+$/u.test(w) && !/率|时间|数|量/u.test(w)));
}

/** The first word after the value: filler, a percentile, a mention or nothing let it stand; any other word names its own subject. */
function freeAfter(sentence: string, at: number, mentions: readonly MetricMention[]): boolean {
  const rest = sentence.slice(at);
  if (RELATIVE.test(rest)) return false;
  const m = /^[\s*_`~)]*([A-Za-z\u00C0-\u024F\u0400-\u04FF][\w\u00C0-\u024F\u0400-\u04FF'-]*)/u.exec(rest);
  if (!m) return true;
  const w = m[1]!.toLowerCase();
  if (FILLER.has(w) || /^p\d{2,3}$/.test(w)) return true;
  const wordAt = at + m.index + m[0].length - m[1]!.length;
  return mentions.some((x) => x.start === wordAt);
}

function blank(text: string, spans: ReadonlyArray<{ start: number; end: number }>, offset: number): string {
  let out = text;
  for (const s of spans) {
    const a = Math.max(0, s.start - offset);
    const b = Math.min(out.length, s.end - offset);
    if (a < b) out = out.slice(0, a) + ' '.repeat(b - a) + out.slice(b);
  }
  return out;
}

function latencyMetric(sentence: string, mention: MetricMention, clause: { start: number; end: number }): MetricName | null {
  if (mention.percentile) return mention.percentile === 'other' ? null : mention.percentile;
  const text = sentence.slice(clause.start, clause.end);
  const named = percentilesIn(text);
  if (named.includes('other')) return null; // "p75 latency": not a percentile of the vocabulary
  const distinct = [...new Set(named)];
  if (distinct.length === 1) return distinct[0] as MetricName;
  if (distinct.length > 1) return null;
  return 'latency_avg';
}

/** The clause a value sits in: up to the nearest comma or semicolon on either side. */
function clauseOf(sentence: string, from: number, to: number): { start: number; end: number } {
  const before = sentence.slice(0, from);
  let start = 0;
  for (let i = before.length - 1; i >= 0; i--) if (SEPARATOR.test(before[i]!)) { start = i + 1; break; }
  const after = sentence.slice(to).search(SEPARATOR);
  return { start, end: after === -1 ? sentence.length : to + after };
}

/** Every threshold one sentence states, with the offset of each value. */
export function readSentence(sentence: string): Reading[] {
  const mentions = findMentions(sentence);
  if (mentions.length === 0) return [];
  let durations = findDurations(sentence);
  let quantities = findQuantities(sentence, durations);
  // A duration with no value before it is the value itself: "certificates valid for > 30 days", "latency over 2s".
  const orphans = durations.filter((d) => !quantities.some((q) => q.end <= d.start));
  if (orphans.length > 0) {
    durations = durations.filter((d) => !orphans.includes(d));
    quantities = findQuantities(sentence, durations);
  }
  const out: Reading[] = [];
  const leading = findLeadingDuration(sentence);
  for (const q of quantities) {
    if (leading && q.start >= leading.start && q.start < leading.end) continue;
    const reading = bind(sentence, q, mentions, quantities, durations);
    if (!reading) continue;
    if (leading && leading.end <= q.start && reading.forSeconds === undefined) reading.forSeconds = leading.seconds;
    out.push(reading);
  }
  return out;
}

function bind(sentence: string, q: Quantity, mentions: readonly MetricMention[], quantities: readonly Quantity[], durations: readonly Duration[]): Reading | null {
  const others = [...quantities.filter((o) => o !== q), ...durations];
  let guessed = false;
  let mention = mentions.find((m) => m.start >= q.end && /^[\s*_`]*$/.test(sentence.slice(q.end, m.start)));
  if (mention && RELATIVE.test(sentence.slice(mention.end))) return null; // ">90% latency reduction"
  if (!mention) {
    const nearest = [...mentions].reverse().find((m) => m.end <= q.start);
    // "Immediate Rollback (< 5 Minutes)": a bare "rollback" right before a limit may mean its duration; a person decides.
    guessed = nearest?.forwardOnly === true && !q.implied && q.upper === undefined && /^[\s(]*$/.test(sentence.slice(nearest.end, q.start));
    const before = guessed ? nearest : [...mentions].reverse().find((m) => m.end <= q.start && !m.forwardOnly);
    if (!before) return null;
    const gap = blank(sentence.slice(before.end, q.start), [...others, ...mentions.filter((m) => m.percentile)], before.end);
    if (!onlyFiller(gap)) return null;
    if (!freeAfter(sentence, q.end, mentions)) return null;
    mention = before;
  }
  const clause = clauseOf(sentence, Math.min(mention.start, q.start), q.end);
  const metric = mention.metric === 'latency' ? latencyMetric(sentence, mention, clause) : mention.metric;
  if (!metric) return null;
  const better = METRICS[metric].better;
  let confidence: Reading['confidence'] = guessed ? 'review' : 'sure';
  let op: Comparator = q.op;
  let value = q.value;
  if (q.implied) {
    // No comparator written: read by the value's role, or not at all.
    const lead = (sentence.slice(mention.start, mention.end) + ' ' + sentence.slice(Math.max(clause.start, mention.end), q.start) + ' ' + (mention.start >= clause.start ? sentence.slice(clause.start, mention.start) : '')).toLowerCase();
    if (/current|actual|baseline|now|aktuell|actuel|текущ|当前|实际/i.test(lead)) return null;
    if (ESTIMATE.test(lead)) return null;
    // The role word must introduce the value: "Threshold: 5%", "SLA is 15 minutes", not "tighten the threshold to 0.3s".
    const introduced = /(?:[:：=]|\b(?:is|are|of))[\s*_`]*$/i.test(sentence.slice(0, q.start));
    if (metric === 'uptime' || q.atLeast) op = '>=';
    else if (!introduced) return null;
    else if (/threshold|limit|warning|warn|critical|alert|umbral|seuil|schwelle|порог|阈值|告警/i.test(lead)) op = better === 'lower' ? '>' : '<';
    else if (/target|goal|sla|slo|objetivo|cible|ziel|цель|目标/i.test(lead)) op = better === 'lower' ? '<=' : '>=';
    else return null;
  }
  if (q.upper !== undefined) {
    if (ESTIMATE.test(sentence.slice(0, q.start))) return null;
    // A band "0.5-1%": a lower-is-better metric enters it past its lower edge, a higher-is-better one below its upper edge.
    op = better === 'higher' ? '<' : '>';
    if (better === 'higher') value = q.upper;
    if (metric === 'rollback_time') confidence = 'review'; // "15-20 minutes" is an estimate, not a limit
  }
  const normalised = normalise(mention.family, value, q.unit);
  if (!normalised) return null;
  // "RAM: ≥4GB" is a machine requirement, not a limit on memory in use.
  if (mention.capacity && normalised.unit === 'bytes') return null;
  if (mention.usedShare) {
    // "Disk usage > 80%" is free disk below 20%.
    if (normalised.unit !== '%') return null;
    normalised.value = Math.round((100 - normalised.value) * 1e6) / 1e6;
    op = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const)[op];
  }
  const reading: Reading = { metric, op, value: normalised.value, unit: normalised.unit, confidence, at: q.start };
  const next = quantities.find((o) => o.start >= q.end);
  const duration = durations.find((d) => d.start >= q.end && d.start <= clause.end + 1 && (!next || d.start < next.start));
  if (duration) reading.forSeconds = duration.seconds;
  const severity = severityAfter(sentence, q, clause) ?? severityIn(sentence.slice(clause.start, q.start)) ?? severityIn(sentence.slice(0, Math.min(mention.start, q.start)));
  if (severity) reading.severity = severity;
  const subject = subjectIn(sentence.slice(Math.max(0, mention.start - 30), mention.end)) ?? subjectIn(sentence.slice(mention.end, clause.end).replace(/\bp\d+\b/gi, ''));
  if (subject && (mention.family === 'latency' || mention.metric === 'error_rate')) reading.subject = subject;
  return reading;
}

/** "(>2% triggers P2, …)", "→ P1": a band named right after the value. */
function severityAfter(sentence: string, q: Quantity, clause: { start: number; end: number }): 'yellow' | 'red' | undefined {
  const tail = sentence.slice(q.end, clause.end);
  const m = /^\s*\)?\s*(?:[\p{L}]+\s+)?(?:triggers?|→|->|=>|:)\s*(\S+)/iu.exec(tail);
  return m ? severityIn(m[1]!) : undefined;
}
