/**
 * What a criterion written in a runbook asks, and who can judge it. The
 * reading is conservative: a criterion becomes a machine check only when
 * its words clearly name one; everything else ("User feedback neutral or
 * positive", "No security issues detected", "Team confident in full
 * rollout") is asked of the person, because a wrong automatic pass is
 * worse than a question.
 *
 * "No P0/P1 incidents" (and "Zero critical errors") is a person criterion
 * the machine can fail on its own: a rollback trigger that fired in the
 * phase is an incident; no trigger fired is not proof of no incident.
 */
import type { MetricName } from '../../../shared/metrics';
import type { Threshold } from '../../../shared/runbook-model';

export type CriterionReading =
  | { kind: 'metric-absolute'; threshold: Threshold }
  | { kind: 'metric-baseline'; metric: MetricName }
  | { kind: 'targets' }
  | { kind: 'dashboards' }
  | { kind: 'checklist' }
  | { kind: 'signoff' }
  | { kind: 'incidents' }
  | { kind: 'person' };

/** "unchanged or lower", "no increase in", "not increase", "stable", "normal", "maintained". */
const BASELINE_WORDS = /\bunchanged\b|\bno\s+(?:increase|regression|degradation)\s+in\b|\b(?:not|no)\s+increas|\bstable\b|\bnormal\b|\bmaintained\b|\bsame\s+as\s+(?:before|baseline)\b|\bat\s+or\s+(?:below|above)\s+baseline\b/i;

const BASELINE_METRICS: ReadonlyArray<[RegExp, MetricName]> = [
  [/\berror[- ]?rates?\b|\berrors?\b/i, 'error_rate'],
  [/\bresponse[- ]times?\b|\blatenc(?:y|ies)\b/i, 'latency_p95'],
  [/\bcache[- ]hit/i, 'cache_hit_rate'],
  [/\bcpu\b/i, 'cpu'],
  [/\bmemory\b/i, 'memory'],
  [/\b(?:db|database)\s+connections?\b|\bconnection\s+pool\b/i, 'db_connections'],
];

const TARGETS = /\bwithin\s+(?:targets?|sla|slo|budget)\b|\b(?:all\s+)?performance\s+targets\s+met\b|\btargets?\s+met\b/i;
const DASHBOARDS = /\b(?:dashboards?|monitoring(?:\s+systems)?|monitors|alerts?)\b[^.]*\bgreen\b|\ball\s+green\b/i;
const INCIDENTS = /\bp[01]\b|\bsev(?:erity)?[- ]?[01]\b|\bincidents?\b|\bcritical\s+errors?\b/i;
const SIGNOFF = /\bsign(?:ed)?[- ]?offs?\b|\bapprov(?:al|ed)\b/i;
const CHECKLIST = /\bchecklist\s+(?:complete|done)\b|\ball\s+(?:items|steps|tasks)\s+(?:ticked|checked|complete|done)\b/i;

export function readCriterion(text: string, thresholds: readonly Threshold[]): CriterionReading[] {
  if (thresholds.length > 0) return thresholds.map((threshold) => ({ kind: 'metric-absolute', threshold }));
  if (TARGETS.test(text)) return [{ kind: 'targets' }];
  if (DASHBOARDS.test(text)) return [{ kind: 'dashboards' }];
  if (INCIDENTS.test(text)) return [{ kind: 'incidents' }];
  if (BASELINE_WORDS.test(text)) {
    const metric = BASELINE_METRICS.find(([re]) => re.test(text));
    if (metric) return [{ kind: 'metric-baseline', metric: metric[1] }];
  }
  if (SIGNOFF.test(text)) return [{ kind: 'signoff' }];
  if (CHECKLIST.test(text)) return [{ kind: 'checklist' }];
  return [{ kind: 'person' }];
}
