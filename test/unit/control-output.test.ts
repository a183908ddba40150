/** Command output kept by the panel: bounded to the last ~200 KB, whole lines, order and streams kept. */
import { describe, expect, it } from 'vitest';
import { appendOutput, EMPTY_OUTPUT, OUTPUT_LIMIT, type OutputBuffer } from '../../src/renderer/src/features/control/control-output';

const text = (buffer: OutputBuffer) => buffer.chunks.map((c) => c.text).join('');

describe('command output buffer', () => {
  it('keeps output in order and merges adjacent chunks of one stream', () => {
    let buffer = appendOutput(EMPTY_OUTPUT, { stream: 'stdout', text: 'a\n' });
    buffer = appendOutput(buffer, { stream: 'stdout', text: 'b\n' });
    buffer = appendOutput(buffer, { stream: 'stderr', text: 'oops\n' });
    buffer = appendOutput(buffer, { stream: 'stdout', text: 'c\n' });
    expect(buffer.chunks).toEqual([
      { stream: 'stdout', text: 'a\nb\n' },
      { stream: 'stderr', text: 'oops\n' },
      { stream: 'stdout', text: 'c\n' },
    ]);
    expect(buffer).toMatchObject({ size: 11, dropped: 0 });
    expect(EMPTY_OUTPUT.chunks).toEqual([]); // never mutated
  });

  it('stays under the limit over a long run, keeping the newest lines whole and counting what it dropped', () => {
    expect(OUTPUT_LIMIT).toBe(200_000);
    let buffer = EMPTY_OUTPUT;
    let total = 0;
    for (let i = 0; i < 20_000; i++) {
      const line = `line ${String(i).padStart(6, '0')} ${'x'.repeat(40)}\n`;
      total += line.length;
      buffer = appendOutput(buffer, { stream: i % 100 === 0 ? 'stderr' : 'stdout', text: line });
      expect(buffer.size).toBeLessThanOrEqual(OUTPUT_LIMIT);
    }
    const kept = text(buffer);
    expect(kept.length).toBe(buffer.size);
    expect(buffer.size + buffer.dropped).toBe(total);
    expect(buffer.size).toBeGreaterThan(OUTPUT_LIMIT - 100);
    expect(kept.endsWith(`line 019999 ${'x'.repeat(40)}\n`)).toBe(true);
    expect(kept.startsWith('line ')).toBe(true); // cut at a line break, not mid-line
    expect(buffer.chunks.length).toBeLessThan(500);
  });

  it('a single chunk larger than the limit keeps only its tail', () => {
    const huge = 'y'.repeat(OUTPUT_LIMIT * 2) + 'END';
    const buffer = appendOutput(EMPTY_OUTPUT, { stream: 'stdout', text: huge });
    expect(buffer.size).toBe(OUTPUT_LIMIT);
    expect(text(buffer).endsWith('END')).toBe(true);
    expect(buffer.dropped).toBe(huge.length - OUTPUT_LIMIT);
  });

  it('drops whole chunks of the other stream from the front when needed', () => {
    let buffer = appendOutput(EMPTY_OUTPUT, { stream: 'stderr', text: 'warning\n' }, 20);
    buffer = appendOutput(buffer, { stream: 'stdout', text: '0123456789abcdef\n' }, 20);
    expect(buffer.chunks).toEqual([{ stream: 'stdout', text: '0123456789abcdef\n' }]);
    expect(buffer.dropped).toBe(8);
  });
});
