/**
 * Turns the runbook's own thresholds for one metric into the green, yellow
 * and red bands drawn behind its graph, so the graph says what the runbook
 * says and nothing more. Pure, so the reading of every real runbook can be
 * tested without a browser.
 *
 * The rules, in order:
 * - Only thresholds of this metric in the graph's unit count ("db
 *   connections < 200" is a count and cannot be drawn on a % graph).
 * - A graph shows only the thresholds of its own subject: those whose
 *   subject the probe's name or label names ("database" for a "pg-main"
 *   probe, "api" for "checkout-api"), else those with no subject. "Database
 *   queries <100ms (p95)" never reaches the HTTP p95 graph; when nothing
 *   fits, no bands, and a note says why.
 * - A threshold still waiting for a person's review ("needs review") is not
 *   drawn: it is a reading, not yet the runbook's limit.
 * - When the runbook names the bands ("Yellow flag: 0.5-1%, red flag: > 1%")
 *   those are the bands.
 * - Otherwise the strictest stated limit ends green and the loosest starts
 *   red; one limit gives green and red only, several give yellow between
 *   them (breaking one of the runbook's limits, not all of them).
 * - Which side is healthy comes from the metric vocabulary ("error rate
 *   above 2%: roll back" and "error rate < 1%" both mean lower is better).
 */
import { METRICS } from '../../../../shared/metrics';
import type { Threshold } from '../../../../shared/runbook-model';

export type BandKind = 'green' | 'yellow' | 'red';

/** A value range; null is open (to minus or plus infinity). */
export interface Band {
  kind: BandKind;
  from: number | null;
  to: number | null;
}

export interface BandPlan {
  metric: string;
  /** Which way is healthy; null for a metric the vocabulary lacks. */
  better: 'lower' | 'higher' | null;
  /** Ordered from the lowest values up. Empty when the runbook gives nothing to draw. */
  bands: Band[];
  /** The runbook lines the bands come from, for the graph's tooltip. */
  sources: Threshold[];
  /** Why there are no bands (or fewer than the runbook seems to say), in one line. */
  note: string | null;
}

/**
 * @param hint words that name what the graph measures (probe name, series
 *   label), matched against a threshold's subject.
 */
export function bandsFor(metric: string, unit: string, thresholds: readonly Threshold[], hint = ''): BandPlan {
  const better = metric in METRICS ? METRICS[metric as keyof typeof METRICS].better : null;
  const empty = (note: string | null, sources: Threshold[] = []): BandPlan => ({ metric, better, bands: [], sources, note });
  const ofMetric = thresholds.filter((t) => t.metric === metric && t.confidence !== 'review');
  if (ofMetric.length === 0) return empty(null);
  if (!better) return empty(`No healthy direction is known for ${metric}.`, ofMetric);
  const inUnit = ofMetric.filter((t) => t.unit === unit);
  if (inUnit.length === 0) {
    const units = [...new Set(ofMetric.map((t) => t.unit))].join(', ');
    return empty(`The runbook states this metric in ${units}; the graph shows ${unit}.`, ofMetric);
  }
  const chosen = chooseSubject(inUnit, hint);
  if (chosen.length === 0) {
    const subjects = [...new Set(inUnit.map((t) => t.subject))].join(', ');
    return empty(`The runbook gives limits for ${subjects}; none of them names this graph.`, inUnit);
  }
  return { metric, better, ...bandsFromLimits(chosen, better) };
}

/** The band a value falls in; a value on a boundary counts as the worse side. */
export function bandOf(value: number | null, plan: Pick<BandPlan, 'bands' | 'better'>): BandKind | null {
  if (value === null || plan.bands.length === 0) return null;
  for (const band of plan.bands) {
    const aboveFrom = band.from === null || (plan.better === 'lower' ? value >= band.from : value > band.from);
    const belowTo = band.to === null || (plan.better === 'lower' ? value < band.to : value <= band.to);
    if (aboveFrom && belowTo) return band.kind;
  }
  return null;
}

/** Words in a probe's name or label that mean a subject the runbook names differently. */
const SUBJECT_WORDS: Record<string, readonly string[]> = {
  database: ['database', 'db', 'postgres', 'postgresql', 'pg', 'sql', 'mysql', 'mongo', 'mongodb', 'query', 'queries'],
  api: ['api', 'http', 'https', 'backend', 'service'],
  page: ['page', 'pages', 'frontend', 'web', 'browser'],
};

function namesSubject(subject: string, words: ReadonlySet<string>): boolean {
  const s = subject.toLowerCase();
  return words.has(s) || (SUBJECT_WORDS[s] ?? []).some((w) => words.has(w));
}

function chooseSubject(thresholds: Threshold[], hint: string): Threshold[] {
  const words = new Set(hint.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean));
  const named = thresholds.filter((t) => t.subject && namesSubject(t.subject, words));
  if (named.length > 0) return named;
  // Never another subject's limits: a database p95 is not the HTTP p95.
  return thresholds.filter((t) => !t.subject);
}

function bandsFromLimits(thresholds: Threshold[], better: 'lower' | 'higher'): Pick<BandPlan, 'bands' | 'sources' | 'note'> {
  // "Stricter" is lower for lower-is-better metrics and higher otherwise.
  const strictest = (values: number[]) => (better === 'lower' ? Math.min(...values) : Math.max(...values));
  const loosest = (values: number[]) => (better === 'lower' ? Math.max(...values) : Math.min(...values));
  const named = thresholds.filter((t) => t.severity);
  if (named.length > 0) {
    const yellows = named.filter((t) => t.severity === 'yellow').map((t) => t.value);
    const reds = named.filter((t) => t.severity === 'red').map((t) => t.value);
    const yellowAt = yellows.length ? strictest(yellows) : null;
    const redAt = reds.length ? strictest(reds) : null;
    if (yellowAt !== null && redAt !== null && !isStricter(yellowAt, redAt, better)) {
      return { bands: layout(null, redAt, better), sources: named, note: `The yellow flag (${yellowAt}) is not short of the red flag (${redAt}); only red is drawn.` };
    }
    return { bands: layout(yellowAt, redAt, better), sources: named, note: null };
  }
  const values = thresholds.map((t) => t.value);
  const greenEnds = strictest(values);
  const redStarts = loosest(values);
  return { bands: greenEnds === redStarts ? layout(null, redStarts, better) : layout(greenEnds, redStarts, better), sources: thresholds, note: null };
}

function isStricter(a: number, b: number, better: 'lower' | 'higher'): boolean {
  return better === 'lower' ? a < b : a > b;
}

/** Green, then yellow from yellowAt, then red from redAt, in the metric's direction; ordered low to high. */
function layout(yellowAt: number | null, redAt: number | null, better: 'lower' | 'higher'): Band[] {
  const cuts: Array<{ at: number; kind: BandKind }> = [];
  if (yellowAt !== null) cuts.push({ at: yellowAt, kind: 'yellow' });
  if (redAt !== null) cuts.push({ at: redAt, kind: 'red' });
  if (cuts.length === 0) return [];
  if (better === 'lower') {
    const bands: Band[] = [{ kind: 'green', from: null, to: cuts[0]!.at }];
    cuts.forEach((cut, i) => bands.push({ kind: cut.kind, from: cut.at, to: cuts[i + 1]?.at ?? null }));
    return bands;
  }
  // Higher is better: the worst band sits lowest.
  const down = [...cuts].reverse();
  const bands: Band[] = down.map((cut, i) => ({ kind: cut.kind, from: down[i - 1]?.at ?? null, to: cut.at }));
  bands.push({ kind: 'green', from: cuts[0]!.at, to: null });
  return bands;
}
