import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { bandOf, bandsFor, type BandPlan } from '../../src/renderer/src/features/telemetry/bands';
import type { Threshold } from '../../src/shared/runbook-model';
import { DEMO_RUNBOOK, parseFile, parseText, SHARED_RUNBOOKS } from '../support/runbooks';

const demo = parseFile(DEMO_RUNBOOK).thresholds;
const tradesense = parseFile(join(SHARED_RUNBOOKS, 'tradesense-kubernetes.md')).thresholds;
const dualRollout = parseFile(join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md')).thresholds;

/** The single threshold the parser read for a metric from a runbook, so tests never restate the runbook's numbers. */
function only(thresholds: Threshold[], metric: string, filter: (t: Threshold) => boolean = () => true): Threshold {
  const found = thresholds.filter((t) => t.metric === metric && filter(t));
  expect(found, `exactly one ${metric} threshold`).toHaveLength(1);
  return found[0]!;
}

const shape = (plan: BandPlan) => plan.bands.map((b) => [b.kind, b.from, b.to]);

describe('threshold bands from the runbooks', () => {
  it('draws the yellow and red flags the demo runbook names, where it names them', () => {
    const yellow = only(demo, 'error_rate', (t) => t.severity === 'yellow');
    const red = only(demo, 'error_rate', (t) => t.severity === 'red');
    const plan = bandsFor('error_rate', '%', demo);
    expect(shape(plan)).toEqual([
      ['green', null, yellow.value],
      ['yellow', yellow.value, red.value],
      ['red', red.value, null],
    ]);
    // The flag line is the one cited, not the other error-rate sentences.
    expect(new Set(plan.sources.map((t) => t.line))).toEqual(new Set([yellow.line]));
    expect(plan.note).toBeNull();
  });

  it('colours a reading by the band it falls in, a boundary counting as the worse side', () => {
    const plan = bandsFor('error_rate', '%', demo);
    const [, yellow, red] = plan.bands;
    expect(bandOf(yellow!.from! / 2, plan)).toBe('green');
    expect(bandOf(yellow!.from!, plan)).toBe('yellow');
    expect(bandOf((yellow!.from! + red!.from!) / 2, plan)).toBe('yellow');
    expect(bandOf(red!.from!, plan)).toBe('red');
    expect(bandOf(red!.from! * 10, plan)).toBe('red');
    expect(bandOf(null, plan)).toBeNull();
  });

  it('turns a single limit into green below and red above (lower is better)', () => {
    const limit = only(tradesense, 'error_rate');
    const plan = bandsFor('error_rate', '%', tradesense);
    expect(shape(plan)).toEqual([
      ['green', null, limit.value],
      ['red', limit.value, null],
    ]);
    expect(bandOf(limit.value * 0.5, plan)).toBe('green');
    expect(bandOf(limit.value * 2, plan)).toBe('red');
  });

  it('puts red below and green above for a metric where higher is better', () => {
    const limit = only(tradesense, 'cache_hit_rate');
    const plan = bandsFor('cache_hit_rate', '%', tradesense);
    expect(shape(plan)).toEqual([
      ['red', null, limit.value],
      ['green', limit.value, null],
    ]);
    expect(bandOf(limit.value, plan)).toBe('red');
    expect(bandOf(limit.value + 5, plan)).toBe('green');
  });

  it('spans yellow between the strictest and the loosest limit when the runbook states several without naming flags', () => {
    const limits = demo.filter((t) => t.metric === 'latency_p95').map((t) => t.value);
    expect(new Set(limits).size).toBeGreaterThan(1);
    const plan = bandsFor('latency_p95', 'ms', demo);
    expect(shape(plan)).toEqual([
      ['green', null, Math.min(...limits)],
      ['yellow', Math.min(...limits), Math.max(...limits)],
      ['red', Math.max(...limits), null],
    ]);
  });

  it('uses the limit whose subject names the probe, and refuses to mix subjects otherwise', () => {
    const apiLimits = new Set(dualRollout.filter((t) => t.metric === 'latency_p95' && t.subject === 'api').map((t) => t.value));
    expect(apiLimits.size).toBe(1);
    const [api] = apiLimits;
    const forApi = bandsFor('latency_p95', 'ms', dualRollout, 'checkout-api metrics');
    expect(shape(forApi)).toEqual([
      ['green', null, api],
      ['red', api, null],
    ]);
    expect(forApi.sources.every((t) => t.subject === 'api')).toBe(true);

    const unnamed = bandsFor('latency_p95', 'ms', dualRollout, 'shop-metrics');
    expect(unnamed.bands).toEqual([]);
    expect(unnamed.note).toMatch(/api/);
    expect(unnamed.note).toMatch(/database/);
  });

  it('draws nothing for a limit in another unit, and says so', () => {
    const thresholds = parseText('# T\n\n## Checks\n\n- [ ] Database connections < 200\n').thresholds;
    const plan = bandsFor('db_connections', '%', thresholds);
    expect(plan.bands).toEqual([]);
    expect(plan.note).toMatch(/count.*%/);
  });

  it('draws nothing and notes nothing for a metric the runbook does not mention', () => {
    const plan = bandsFor('db_connections', '%', tradesense);
    expect(plan).toMatchObject({ bands: [], note: null, sources: [] });
    expect(bandOf(50, plan)).toBeNull();
  });

  it('draws a higher-is-better red flag below its value when only red is named', () => {
    const thresholds = parseText('# T\n\n## Watch\n\n- [ ] Red flag: cache hit rate < 70%\n').thresholds;
    const red = only(thresholds, 'cache_hit_rate');
    expect(red.severity).toBe('red');
    expect(shape(bandsFor('cache_hit_rate', '%', thresholds))).toEqual([
      ['red', null, red.value],
      ['green', red.value, null],
    ]);
  });

  it('shows a threshold only on the graph of its own subject: a database query p95 never on the HTTP p95 graph', () => {
    const thresholds = parseText('# T\n\n## Verify\n\n- [ ] Database queries <100ms (p95)\n').thresholds;
    expect(only(thresholds, 'latency_p95').subject).toBe('database');
    const http = bandsFor('latency_p95', 'ms', thresholds, 'shop-http checkout');
    expect(http.bands).toEqual([]);
    expect(http.note).toMatch(/database/);
    const db = bandsFor('latency_p95', 'ms', thresholds, 'pg-main postgres');
    expect(shape(db)).toEqual([
      ['green', null, 100],
      ['red', 100, null],
    ]);
  });

  it('draws nothing from a reading that still needs review', () => {
    const thresholds = parseText('# T\n\n## Rollback\n\n### Immediate Rollback (< 5 Minutes)\n').thresholds;
    expect(only(thresholds, 'rollback_time').confidence).toBe('review');
    expect(bandsFor('rollback_time', 's', thresholds).bands).toEqual([]);
  });
});
