import { describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { parseExposition, type Exposition } from '../../src/main/services/prometheus/exposition-parser';

function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

function errorOf(text: string): FlightdeckError {
  try {
    parseExposition(text);
  } catch (error) {
    if (error instanceof FlightdeckError) return error;
    throw error;
  }
  throw new Error('parsed without error');
}

function value(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  return exposition.samples.find((s) => s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
}

describe('Prometheus text format parser', () => {
  it('reads HELP and TYPE lines, skips comments and blank lines', () => {
    const exposition = parseExposition(
      lines(
        '# A comment that is neither HELP nor TYPE',
        '# HELP http_requests_total Requests served.\\nBy status.',
        '# TYPE http_requests_total counter',
        'http_requests_total{status="200"} 1027 1395066363000',
        'http_requests_total{status="500"} 3',
        '',
        '#TYPEless comment',
        '# TYPE temperature gauge',
        'temperature -4.5e1',
        'untyped_thing 7',
      ),
    );
    const requests = exposition.families.get('http_requests_total')!;
    expect(requests).toMatchObject({ type: 'counter', help: 'Requests served.\nBy status.' });
    expect(requests.samples.map((s) => [s.labels.status, s.value, s.timestampMs, s.line])).toEqual([
      ['200', 1027, 1395066363000, 4],
      ['500', 3, null, 5],
    ]);
    expect(exposition.families.get('temperature')).toMatchObject({ type: 'gauge', help: null });
    expect(value(exposition, 'temperature')).toBe(-45);
    expect(exposition.families.get('untyped_thing')?.type).toBe('untyped');
  });

  it('unescapes \\" \\\\ and \\n in label values, and allows a trailing comma and blanks', () => {
    const exposition = parseExposition(lines('msg{text="say \\"hi\\"\\\\path\\nnext", empty="" , } 1'));
    expect(exposition.samples[0]!.labels).toEqual({ text: 'say "hi"\\path\nnext', empty: '' });
  });

  it('reads NaN, +Inf, -Inf and exponents', () => {
    const exposition = parseExposition(lines('a NaN', 'b +Inf', 'c -Inf', 'd 1.5e-3', 'e Inf', 'f .5'));
    expect(Number.isNaN(value(exposition, 'a'))).toBe(true);
    expect([value(exposition, 'b'), value(exposition, 'c'), value(exposition, 'd'), value(exposition, 'e'), value(exposition, 'f')]).toEqual([
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      0.0015,
      Number.POSITIVE_INFINITY,
      0.5,
    ]);
  });

  it('keeps every label set of a histogram separate', () => {
    const exposition = parseExposition(
      lines(
        '# TYPE http_request_duration_seconds histogram',
        'http_request_duration_seconds_bucket{route="/a",le="0.1"} 5',
        'http_request_duration_seconds_bucket{route="/a",le="+Inf"} 6',
        'http_request_duration_seconds_sum{route="/a"} 0.4',
        'http_request_duration_seconds_count{route="/a"} 6',
        'http_request_duration_seconds_bucket{route="/b",le="0.1"} 1',
        'http_request_duration_seconds_bucket{route="/b",le="+Inf"} 9',
        'http_request_duration_seconds_sum{route="/b"} 12',
        'http_request_duration_seconds_count{route="/b"} 9',
      ),
    );
    const family = exposition.families.get('http_request_duration_seconds')!;
    expect(family.type).toBe('histogram');
    expect(family.samples).toHaveLength(8);
    expect(value(exposition, 'http_request_duration_seconds_bucket', { route: '/a', le: '0.1' })).toBe(5);
    expect(value(exposition, 'http_request_duration_seconds_bucket', { route: '/b', le: '0.1' })).toBe(1);
    expect(value(exposition, 'http_request_duration_seconds_count', { route: '/b' })).toBe(9);
    expect(exposition.families.has('http_request_duration_seconds_bucket')).toBe(false);
  });

  it('accepts CRLF line endings and a missing final newline', () => {
    const exposition = parseExposition('# TYPE x counter\r\nx 1\r\ny 2');
    expect([value(exposition, 'x'), value(exposition, 'y')]).toEqual([1, 2]);
  });

  it.each([
    ['a value is missing', lines('ok 1', 'no_value'), 2, 'expected a blank and a value after "no_value"'],
    ['a value is not a number', lines('# TYPE x gauge', 'x abc'), 2, '"abc" is not a number'],
    ['a label value is not closed', lines('x{a="open} 1'), 1, 'the value of label "a" is not closed with a quote'],
    ['a label has an unknown escape', lines('ok 1', 'ok2 1', 'x{a="tab\\there"} 1'), 3, 'invalid escape "\\t" in the value of label "a"'],
    ['a label has no "="', lines('x{a "v"} 1'), 1, 'expected "=" after label name "a"'],
    ['a label value is not quoted', lines('x{a=v} 1'), 1, 'expected """ to open the value of label "a"'],
    ['labels are not separated by commas', lines('x{a="1" b="2"} 1'), 1, 'expected "," or "}" after the value of label "a"'],
    ['a label appears twice', lines('x{a="1",a="2"} 1'), 1, 'label "a" appears twice'],
    ['the timestamp is not an integer', lines('x 1 12.5'), 1, '"12.5" is not a timestamp in milliseconds'],
    ['text follows the timestamp', lines('x 1 1000 extra'), 1, 'unexpected "extra" after the timestamp'],
    ['a TYPE is not a metric type', lines('# TYPE x histo'), 1, '"histo" is not a metric type'],
    ['a metric has two TYPE lines', lines('# TYPE x gauge', '# TYPE x counter'), 2, 'second TYPE line for "x" (the first is line 1)'],
    ['a TYPE line comes after the samples', lines('x 1', '# TYPE x gauge'), 2, 'TYPE line for "x" comes after its samples'],
    ['a bucket has no le', lines('# TYPE h histogram', 'h_bucket{route="/"} 1'), 2, 'bucket of histogram "h" has no "le" label'],
    ['a bucket bound is not a number', lines('# TYPE h histogram', 'h_bucket{le="big"} 1'), 2, 'le="big", which is not a number'],
    ['a series appears twice', lines('x{a="1"} 1', 'x{a="1"} 2'), 2, 'second sample of x{a="1"}'],
    ['a metric name is invalid', lines('9lives 1'), 1, 'expected a metric name at column 1'],
  ])('refuses a line where %s, naming the line', (_what, text, line, message) => {
    const error = errorOf(text);
    expect(error.code).toBe('bad-input');
    expect(error.line).toBe(line);
    expect(error.message).toContain(`line ${line}: `);
    expect(error.message).toContain(message);
  });
});
