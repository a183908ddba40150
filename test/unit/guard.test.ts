import { describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { guardMarkdown } from '../../src/main/services/runbook/guard';

function refusal(text: string): FlightdeckError | null {
  try {
    guardMarkdown(text, 'hostile.md');
    return null;
  } catch (error) {
    return error as FlightdeckError;
  }
}

describe('the guard against pathological markdown', () => {
  it.each([
    ['a 50,000-character line', 'ok\n' + 'x'.repeat(50_000), 2, /Line 2 is 50,000 characters long/],
    ['lists nested by indentation', Array.from({ length: 200 }, (_, d) => `${'  '.repeat(d)}- a`).join('\n'), 82, /indented 162 columns/],
    ['quotes nested on one line', '> '.repeat(40) + 'deep', 1, /more than 32 nested quotes or lists/],
    ['a paragraph stuffed with delimiters', 'intro\n\n' + '[a *b_\n'.repeat(1000), 3, /paragraph at line 3 has more than 2,000/],
  ])('refuses %s, naming the file and line', (_name, text, line, message) => {
    const error = refusal(text);
    expect(error?.code).toBe('too-complex');
    expect(error?.file).toBe('hostile.md');
    expect(error?.line).toBe(line);
    expect(error?.message).toMatch(message);
  });

  it('refuses many paragraphs each just under the per-paragraph limit', () => {
    const para = '*a_ '.repeat(490);
    expect(refusal(`${para}\n\n`.repeat(100))?.message).toMatch(/so many emphasis, link and code delimiters/);
  });

  it('lets real checklists through: deep but sane nesting, long code lines, big lists', () => {
    const nested = Array.from({ length: 30 }, (_, d) => `${'  '.repeat(d)}- [ ] level ${d}`).join('\n');
    const longCode = '```\n' + 'x'.repeat(100_000) + '\n```';
    const bigList = Array.from({ length: 20_000 }, (_, i) => `- [ ] **Step ${i}**: run \`deploy ${i}\` and check [logs](https://x.example/${i})`).join('\n');
    expect(refusal(nested)).toBeNull();
    expect(refusal(longCode)).toBeNull();
    expect(refusal(bigList)).toBeNull();
  });
});
