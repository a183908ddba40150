/**
 * Finds the thresholds a runbook states in prose and tables: "Error rate <
 * 0.1%", "P95 latency >300ms for 5 consecutive minutes → AUTO-ROLLBACK",
 * "Yellow flag: error rate 0.5-1%, red flag: > 1%", "| Error Rate | < 0.2% |
 * > 1% |", "5xx错误率 < 1%". Each becomes a metric from the shared
 * vocabulary, a comparator, a value in the metric's normalised unit, an
 * optional duration, band and subject, and the line it came from.
 *
 * Right before clever: a value binds to a metric only when the sentence
 * plainly says so (threshold-binding.ts), because a wrong threshold can arm
 * an automatic rollback. What is read but not certain carries confidence
 * "review" and arms nothing until a person accepts it.
 *
 * The parts: threshold-vocabulary.ts (metric words in six languages),
 * threshold-quantities.ts (numbers, units, comparators, durations),
 * threshold-binding.ts (which value belongs to which metric),
 * threshold-tables.ts (rows read with their header).
 */
import type { Threshold } from '../../../shared/runbook-model';
import { readSentence, type Reading } from './threshold-binding';
import { countLineBreaks } from './source-text';
import { findMentions, severityIn } from './threshold-vocabulary';
import { METRICS } from '../../../shared/metrics';

/** "Error Rate", "P95 Latency", "**Cache Hit Rate**": a short label with a metric and no value. */
function namesOnlyAMetric(lead: string): boolean {
  return lead.length <= 40 && !/\d{2,}\s*(?:%|ms|s\b)|[<>≤≥]/.test(lead) && findMentions(lead).length > 0;
}

export interface ThresholdSource {
  text: string;
  line: number;
  itemId: string | null;
  /**
   * The text of the list entry this one sits under, when it only names a
   * metric ("**Error Rate**" above "- Target: < 0.1%", "- Warning: 0.5%").
   */
  lead?: string | null;
}

/** Sentences: thresholds never bind across them. A dot before a digit is a decimal point. */
const SENTENCE = /[^\n;.!?。！？]+(?:\.(?=\d)[^\n;.!?。！？]*)*/g;

/** Every threshold stated in one piece of text (an item, a paragraph, a heading, a table cell). */
export function extractThresholds({ text, line, itemId, lead }: ThresholdSource): Threshold[] {
  if (!/\d/.test(text)) return [];
  if (lead && !text.includes('\n') && namesOnlyAMetric(lead) && findMentions(text).length === 0) {
    // The entry reads as a continuation of its lead: "Error Rate" / "Warning: 0.5%".
    const joined = `${lead.trim()}: ${text}`;
    return dedupe(readSentence(joined).map((r) => toThreshold(r, text.trim(), line, itemId)));
  }
  const found: Threshold[] = [];
  SENTENCE.lastIndex = 0;
  for (let s = SENTENCE.exec(text); s; s = SENTENCE.exec(text)) {
    const sentence = s[0];
    if (!/\d/.test(sentence)) continue;
    for (const r of readSentence(sentence)) {
      found.push(toThreshold(r, sentence.trim(), line + countLineBreaks(text, 0, s.index + r.at), itemId));
    }
  }
  return dedupe(found);
}

export function toThreshold(r: Reading, text: string, line: number, itemId: string | null): Threshold {
  const t: Threshold = { metric: r.metric, op: r.op, value: r.value, unit: r.unit, line, text, itemId, confidence: r.confidence };
  if (r.forSeconds !== undefined) t.forSeconds = r.forSeconds;
  if (r.subject) t.subject = r.subject;
  if (r.severity) t.severity = r.severity;
  return t;
}

/** The same limit said twice on one line ("| <1% | <1% of requests fail |") is one threshold. */
export function dedupe(thresholds: Threshold[]): Threshold[] {
  const seen = new Set<string>();
  return thresholds.filter((t) => {
    const key = `${t.line} ${t.metric} ${t.op} ${t.value} ${t.unit} ${t.forSeconds ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Words that make an unqualified latency the mean on purpose. */
const MEAN = /av(?:era)?ge?|mean|moyenne|promedio|durchschnitt|средн|平均/i;

/**
 * "Если latency > 500ms → ROLLBACK" under "### High Latency", whose other
 * lines say "Latency P95 > 200ms": a latency with no percentile, where the
 * same section names one for the same subject, may mean that percentile or
 * the mean. It stays
 * latency_avg but is offered for review rather than guessed.
 *
 * @param headingLines the line of every heading, in order
 */
export function reviewUnqualifiedLatency(thresholds: Threshold[], headingLines: readonly number[]): void {
  const sectionOf = (line: number) => headingLines.filter((h) => h <= line).length;
  for (const t of thresholds) {
    if (t.metric !== 'latency_avg' || t.confidence === 'review' || MEAN.test(t.text)) continue;
    const section = sectionOf(t.line);
    const named = thresholds.some((o) => o.metric.startsWith('latency_p') && o.subject === t.subject && sectionOf(o.line) === section);
    if (named) t.confidence = 'review';
  }
}

/**
 * "### Immediate Rollback Triggers (P1)", "**Warning Alerts (Slack):**": a
 * heading or paragraph that names a band gives it to the limits listed
 * under it, up to the next heading or paragraph. Only to limits that point
 * at trouble (error rate above, cache hit rate below): a target under a
 * "Critical user flows" heading must never become a red trigger.
 *
 * @param leads every heading and paragraph with its line, in document order
 */
export function bandsFromLeads(thresholds: Threshold[], leads: ReadonlyArray<{ line: number; text: string }>): void {
  const ordered = [...leads].sort((a, b) => a.line - b.line);
  for (const t of thresholds) {
    if (t.severity) continue;
    const better = METRICS[t.metric as keyof typeof METRICS].better;
    const trouble = better === 'lower' ? t.op === '>' || t.op === '>=' : t.op === '<' || t.op === '<=';
    if (!trouble) continue;
    const lead = ordered.filter((l) => l.line < t.line).pop();
    const band = lead ? severityIn(lead.text) : undefined;
    if (band) t.severity = band;
  }
}
