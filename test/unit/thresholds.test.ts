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
