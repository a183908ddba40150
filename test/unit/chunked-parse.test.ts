import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cutPoints } from '../../src/main/services/runbook/chunked-parse';
import { parseMarkdownTree, parseWhole } from '../../src/main/services/runbook/parse';
import { DEMO_RUNBOOK, SHARED_RUNBOOKS, sharedRunbookNames } from '../support/runbooks';

const filler = (n: number) => Array.from({ length: n }, (_, i) => `- [ ] step ${i} with **bold** and \`code\``).join('\n');

describe('parsing long runbooks phase by phase', () => {
  it.each([...sharedRunbookNames().map((n) => join(SHARED_RUNBOOKS, n)), DEMO_RUNBOOK])('gives the same tree as one parse: %s', (path) => {
    const text = readFileSync(path, 'utf8').repeat(3);
    expect(cutPoints(text).length).toBeGreaterThan(0);
    expect(isDeepStrictEqual(parseMarkdownTree(text), parseWhole(text))).toBe(true);
  });

  it('never cuts inside fenced code, HTML blocks, lists or right after a paragraph', () => {
    const tricky = [
      `# Title\n\n## One\n\n${filler(80)}\n`,
      '```md\n\n## not a phase: inside a fence\n\n```\n',
      '<pre>\n\n## not a phase: inside <pre>\n\n</pre>\n',
      '<!--\n\n## not a phase: inside a comment\n\n-->\n',
      `- item\n\n  ## a heading inside the list item\n\n${filler(80)}\n`,
      'a paragraph line\n## a phase that follows a paragraph directly\n',
      `\n## Two\n\n${filler(80)}\n`,
    ].join('\n');
    const tree = parseMarkdownTree(tricky);
    expect(isDeepStrictEqual(tree, parseWhole(tricky))).toBe(true);
    const cutLines = cutPoints(tricky).map((at) => tricky.slice(at, tricky.indexOf('\n', at)));
    expect(cutLines).toEqual(['## Two']);
  });

  it('parses a file with link reference definitions in one piece', () => {
    const text = `# T\n\n## A\n\nsee [docs][d]\n\n${filler(200)}\n\n## B\n\n${filler(200)}\n\n[d]: https://example.com/docs\n`;
    expect(cutPoints(text)).toEqual([]);
  });
});
