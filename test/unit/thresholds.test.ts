import { describe, expect, it } from 'vitest';
import { extractThresholds } from '../../src/main/services/runbook/thresholds';
import { parseText } from '../support/runbooks';

const read = (text: string) =>
  extractThresholds({ text, line: 1, itemId: null }).map(({ metric, op, value, unit, forSeconds, severity }) => ({
    metric,
    op,
    value,
    unit,
    ...(forSeconds === undefined ? {} : { forSeconds }),
    ...(severity === undefined ? {} : { severity }),
  }));

describe('thresholds read from prose', () => {
  it.each([
    ['Query response times <500ms (p95)', { metric: 'latency_p95', op: '<', value: 500, unit: 'ms' }],
    ['Cache hit rate >60%', { metric: 'cache_hit_rate', op: '>', value: 60, unit: '%' }],
    ['Response times < 200ms (p50)', { metric: 'latency_p50', op: '<', value: 200, unit: 'ms' }],
    ['Error rate < 0.1%', { metric: 'error_rate', op: '<', value: 0.1, unit: '%' }],
    ['Error rate above 2% for more than 10 minutes', { metric: 'error_rate', op: '>', value: 2, unit: '%', forSeconds: 600 }],
  ])('the issue examples: "%s"', (text, expected) => {
    expect(read(text)).toEqual([expected]);
  });

  it('normalises units: seconds to ms for latency, minutes and days to seconds for durations', () => {
    expect(read('p99 latency under 1.5s')).toEqual([{ metric: 'latency_p99', op: '<', value: 1500, unit: 'ms' }]);
    expect(read('Latency (p99) must stay under 1,200 ms')).toEqual([{ metric: 'latency_p99', op: '<', value: 1200, unit: 'ms' }]);
    expect(read('5xx rate over 1.5% for 2 min')).toEqual([{ metric: 'error_rate', op: '>', value: 1.5, unit: '%', forSeconds: 120 }]);
    expect(read('Verify SSL certificates are valid for > 30 days')).toEqual([{ metric: 'cert_expiry', op: '>', value: 2_592_000, unit: 's' }]);
    // Sizes in powers of 1024, as src/shared/format.ts prints them.
    expect(read('Memory < 2 GB')).toEqual([{ metric: 'memory', op: '<', value: 2 * 1024 ** 3, unit: 'bytes' }]);
  });

  it('reads comparators written as words and symbols', () => {
    expect(read('Error rate less than or equal to 0.5 percent')).toEqual([{ metric: 'error_rate', op: '<=', value: 0.5, unit: '%' }]);
    expect(read('CPU usage ≤ 80%')).toEqual([{ metric: 'cpu', op: '<=', value: 80, unit: '%' }]);
    expect(read('Cache hit rate at least 90%')).toEqual([{ metric: 'cache_hit_rate', op: '>=', value: 90, unit: '%' }]);
    expect(read('Disk free >= 20%')).toEqual([{ metric: 'disk_free', op: '>=', value: 20, unit: '%' }]);
    expect(read('99.9% uptime during rollout')).toEqual([{ metric: 'uptime', op: '>=', value: 99.9, unit: '%' }]);
  });

  it('reads yellow and red bands and carries the metric across the comma', () => {
    expect(read('Yellow flag: error rate 0.5-1%, red flag: > 1%')).toEqual([
      { metric: 'error_rate', op: '>', value: 0.5, unit: '%', severity: 'yellow' },
      { metric: 'error_rate', op: '>', value: 1, unit: '%', severity: 'red' },
    ]);
    expect(read('Red flag: error rate > 1% for > 5 minutes')).toEqual([{ metric: 'error_rate', op: '>', value: 1, unit: '%', forSeconds: 300, severity: 'red' }]);
  });

  it('enters a band from its upper edge when higher is better', () => {
    // Cache hit rate degrades downwards: yellow begins at 80, red below 70.
    expect(read('Yellow flag: cache hit rate 70-80%, red flag: < 70%')).toEqual([
      { metric: 'cache_hit_rate', op: '<', value: 80, unit: '%', severity: 'yellow' },
      { metric: 'cache_hit_rate', op: '<', value: 70, unit: '%', severity: 'red' },
    ]);
  });

  it('reads two thresholds in one sentence', () => {
    expect(read('Error rate < 0.1% and p95 < 200ms')).toEqual([
      { metric: 'error_rate', op: '<', value: 0.1, unit: '%' },
      { metric: 'latency_p95', op: '<', value: 200, unit: 'ms' },
    ]);
  });

  it.each([
    'Route decision overhead <500ms',
    'Export operations <5s',
    '>80% user satisfaction score',
    'Test coverage: 90%+',
    'No slow queries (>1s)',
    'Error rates: Should not increase',
    'Monitor for 48 hours',
    'Error rate < 5 minutes',
  ])('reads nothing where the sentence names no metric it can measure: "%s"', (text) => {
    expect(read(text)).toEqual([]);
  });

  it('binds "<5s exports" to exports, not to the page loads before it', () => {
    expect(read('Performance targets met in production (<2s page loads, <5s exports)')).toEqual([{ metric: 'latency_avg', op: '<', value: 2000, unit: 'ms' }]);
  });

  it('gives the line of the sentence inside a multi-line paragraph', () => {
    const doc = parseText('## Gates\n\nWe proceed when\nthe error rate < 1%\nand p95 < 300ms.\n');
    expect(doc.thresholds.map((t) => [t.metric, t.line])).toEqual([
      ['error_rate', 4],
      ['latency_p95', 5],
    ]);
  });

  it('links a threshold to the item that states it', () => {
    const doc = parseText('## Verify\n\n- [ ] Error rate < 0.1%\n');
    expect(doc.thresholds[0]!.itemId).toBe(doc.items[0]!.id);
  });
});

describe('thresholds as real runbooks write them (issue 15)', () => {
  it.each([
    ['Error rate >5% for 5 consecutive minutes', { metric: 'error_rate', op: '>', value: 5, unit: '%', forSeconds: 300 }],
    ['Error rate <0.1% for full 24 hours ✅', { metric: 'error_rate', op: '<', value: 0.1, unit: '%', forSeconds: 86_400 }],
    ['Error rate > 1% over 10m', { metric: 'error_rate', op: '>', value: 1, unit: '%', forSeconds: 600 }],
    ['Response time > 500ms sustained for 2+ minutes', { metric: 'latency_avg', op: '>', value: 500, unit: 'ms', forSeconds: 120 }],
    ['7 consecutive hours with error rate <0.1%', { metric: 'error_rate', op: '<', value: 0.1, unit: '%', forSeconds: 25_200 }],
    ['P99 > 1s 持续10分钟 → 立即回滚', { metric: 'latency_p99', op: '>', value: 1000, unit: 'ms', forSeconds: 600 }],
  ])('durations in their common forms: "%s"', (text, expected) => {
    expect(read(text)).toEqual([expected]);
  });

  it('reads a comparison followed by words and arrows', () => {
    expect(read('P95 latency >300ms consistently → AUTO-ROLLBACK')).toEqual([{ metric: 'latency_p95', op: '>', value: 300, unit: 'ms' }]);
    expect(read('Error rate (>2% triggers P2, >5% triggers P1)')).toEqual([
      { metric: 'error_rate', op: '>', value: 2, unit: '%', severity: 'yellow' },
      { metric: 'error_rate', op: '>', value: 5, unit: '%', severity: 'red' },
    ]);
    expect(read('P95 latency <200ms (rollback trigger: >300ms)')).toEqual([
      { metric: 'latency_p95', op: '<', value: 200, unit: 'ms' },
      { metric: 'latency_p95', op: '>', value: 300, unit: 'ms' },
    ]);
  });

  it('reads a bare value by its role: a threshold is where trouble starts, a target a goal', () => {
    expect(read('Error Rate Threshold: 5% (automatic rollback trigger)')).toEqual([{ metric: 'error_rate', op: '>', value: 5, unit: '%' }]);
    expect(read('Cache hit rate target: 80%')).toEqual([{ metric: 'cache_hit_rate', op: '>=', value: 80, unit: '%' }]);
    expect(read('Error Rate: 0.0% (target: <0.1%)')).toEqual([{ metric: 'error_rate', op: '<', value: 0.1, unit: '%' }]);
    expect(read('考虑收紧P99阈值至0.3s')).toEqual([]);
  });

  it.each([
    'Rollback Trigger: Service down for > 5 minutes',
    'Response Time: < 1 hour',
    'Pass rate < 95%',
    'CRITICAL (Auto-rollback): Pass rate < 95%, Service down > 2 min',
    'Test pass rate drops below 95% → AUTO-ROLLBACK',
    'Memory Usage: < 15% increase',
    'API p99 latency > 5x baseline for 10 minutes',
    'p75 latency < 200ms',
    'Estimated Rollback Time: 15-20 minutes',
    'RAM: ≥4GB',
    '错误率正常，测试通过率 < 95%',
  ])('reads nothing from a time or rate that merely sits near a metric: "%s"', (text) => {
    expect(read(text)).toEqual([]);
  });

  it('keeps the metric of each clause: a value after another subject is not carried over', () => {
    expect(read('CRITICAL (Auto-rollback): Error rate > 1%, Pass rate < 95%, P95 latency > 500ms, Service down > 2 min')).toEqual([
      { metric: 'error_rate', op: '>', value: 1, unit: '%', severity: 'red' },
      { metric: 'latency_p95', op: '>', value: 500, unit: 'ms', severity: 'red' },
    ]);
  });

  it('reads metric names in Spanish, French, German, Russian and Chinese', () => {
    expect(read('Tasa de errores > 5%')).toEqual([{ metric: 'error_rate', op: '>', value: 5, unit: '%' }]);
    expect(read("Taux d'erreur < 0.1 %")).toEqual([{ metric: 'error_rate', op: '<', value: 0.1, unit: '%' }]);
    expect(read('Latence moyenne < 200ms')).toEqual([{ metric: 'latency_avg', op: '<', value: 200, unit: 'ms' }]);
    expect(read('Fehlerrate über 2% für 5 Minuten')).toEqual([{ metric: 'error_rate', op: '>', value: 2, unit: '%', forSeconds: 300 }]);
    expect(read('Verfügbarkeit >= 99.9%')).toEqual([{ metric: 'uptime', op: '>=', value: 99.9, unit: '%' }]);
    expect(read('Частота ошибок > 1% в течение 5 минут')).toEqual([{ metric: 'error_rate', op: '>', value: 1, unit: '%', forSeconds: 300 }]);
    expect(read('5xx错误率 < 1%')).toEqual([{ metric: 'error_rate', op: '<', value: 1, unit: '%' }]);
    expect(read('缓存命中率 > 60%')).toEqual([{ metric: 'cache_hit_rate', op: '>', value: 60, unit: '%' }]);
  });

  it('binds a subject: a database query p95 is not the API p95', () => {
    const [db] = extractThresholds({ text: 'Database queries <100ms (p95)', line: 1, itemId: null });
    const [api] = extractThresholds({ text: 'API response times <500ms (p95)', line: 1, itemId: null });
    expect([db?.metric, db?.subject, api?.metric, api?.subject]).toEqual(['latency_p95', 'database', 'latency_p95', 'api']);
  });

  it('reads disk usage as the free disk it leaves', () => {
    expect(read('Disk usage > 80%')).toEqual([{ metric: 'disk_free', op: '<', value: 20, unit: '%' }]);
  });

  it('offers an unqualified latency for review where its section names a percentile for the same subject', () => {
    const doc = parseText('# T\n\n## High Latency\n\n- Latency P95 > 200ms\n- If latency > 500ms: roll back\n\n## Web\n\n- Response time < 800ms\n');
    expect(doc.thresholds.map((t) => [t.line, t.metric, t.confidence])).toEqual([
      [5, 'latency_p95', 'sure'],
      [6, 'latency_avg', 'review'],
      [10, 'latency_avg', 'sure'],
    ]);
  });

  it('takes the band from the heading or lead-in above a list, only for limits that point at trouble', () => {
    const doc = parseText(
      '# T\n\n## Watch\n\n### Immediate Rollback Triggers (P1)\n\n- Error rate > 1% for 5 minutes\n\n### Critical user flows\n\n- Checkout latency p95 < 300ms\n\n**Warning alerts:**\n\n- Cache hit rate < 50%\n',
    );
    expect(doc.thresholds.map((t) => [t.line, t.metric, t.severity ?? null])).toEqual([
      [7, 'error_rate', 'red'],
      [11, 'latency_p95', null],
      [15, 'cache_hit_rate', 'yellow'],
    ]);
  });

  it('offers a reading it is not sure of for review instead of guessing', () => {
    const [t] = extractThresholds({ text: 'Immediate Rollback (< 5 Minutes)', line: 1, itemId: null });
    expect(t).toMatchObject({ metric: 'rollback_time', op: '<', value: 300, confidence: 'review' });
    expect(extractThresholds({ text: 'Error rate < 1%', line: 1, itemId: null })[0]!.confidence).toBe('sure');
  });
});

describe('thresholds in tables', () => {
  const rows = (markdown: string) => parseText(`# T\n\n## Watch\n\n${markdown}\n`).thresholds.map(({ metric, op, value, unit, forSeconds, severity, line }) => ({ line, metric, op, value, unit, ...(forSeconds === undefined ? {} : { forSeconds }), ...(severity === undefined ? {} : { severity }) }));

  it('takes the metric from the row and ignores the Actual and Status columns', () => {
    expect(rows('| Metric | Target | Actual | Status |\n|---|---|---|---|\n| Error Rate | <1% | <0.5% | ✅ |\n| Uptime | 99.9% | 100% | ✅ |')).toEqual([
      { line: 7, metric: 'error_rate', op: '<', value: 1, unit: '%' },
      { line: 8, metric: 'uptime', op: '>=', value: 99.9, unit: '%' },
    ]);
  });

  it('takes the metric or unit from the header, severity from a band column and the hold time from a duration column', () => {
    expect(rows('| Trigger | Error Rate | Latency | For |\n|---|---|---|---|\n| High error spike | >1% | >5s | 5m |')).toEqual([
      { line: 7, metric: 'error_rate', op: '>', value: 1, unit: '%', forSeconds: 300 },
      { line: 7, metric: 'latency_avg', op: '>', value: 5000, unit: 'ms', forSeconds: 300 },
    ]);
    expect(rows('| Metric | Warning | Critical |\n|---|---|---|\n| P95 latency (ms) | > 200 | > 500 |')).toEqual([
      { line: 7, metric: 'latency_p95', op: '>', value: 200, unit: 'ms', severity: 'yellow' },
      { line: 7, metric: 'latency_p95', op: '>', value: 500, unit: 'ms', severity: 'red' },
    ]);
  });

  it('reads a range as the band it starts', () => {
    expect(rows('| Metric | Current | Action |\n|---|---|---|\n| Error rate | 0.1% - 1% | Prepare for rollback |\n| Error rate | 0.4% | (measured) |')).toEqual([
      { line: 7, metric: 'error_rate', op: '>', value: 0.1, unit: '%' },
    ]);
  });
});
