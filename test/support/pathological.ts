/**
 * Inputs in the style of cmark's pathological tests
 * (https://github.com/commonmark/cmark/blob/master/test/pathological_tests.py),
 * at cmark's sizes: each once made some Markdown parser quadratic or worse.
 */
export const PATHOLOGICAL: ReadonlyArray<[name: string, make: () => string]> = [
  ['nested strong emph', () => '*a **a '.repeat(65_000) + 'b' + ' a** a*'.repeat(65_000)],
  ['many emph closers with no openers', () => 'a_ '.repeat(65_000)],
  ['many emph openers with no closers', () => '_a '.repeat(65_000)],
  ['many link closers with no openers', () => 'a]'.repeat(65_000)],
  ['many link openers with no closers', () => '[a'.repeat(65_000)],
  ['mismatched openers and closers', () => '*a_ '.repeat(50_000)],
  ['openers and closers multiple of 3', () => 'a**b' + 'c* '.repeat(50_000)],
  ['link openers and emph closers', () => '[ a_'.repeat(50_000)],
  ['pattern [ (]( repeated', () => '[ (]('.repeat(80_000)],
  ['nested brackets', () => '['.repeat(50_000) + 'a' + ']'.repeat(50_000)],
  ['nested block quotes', () => '>'.repeat(50_000) + 'a'],
  ['deeply nested lists', () => Array.from({ length: 1000 }, (_, x) => `${'  '.repeat(x)}* a\n`).join('')],
  ['deeply nested task lists', () => Array.from({ length: 1000 }, (_, x) => `${'  '.repeat(x)}- [ ] a\n`).join('')],
  ['nested lists on one line', () => '- '.repeat(1000) + 'a'],
  ['U+0000 in input', () => 'abc\u0000de\u0000'.repeat(10_000)],
  ['backticks', () => Array.from({ length: 5000 }, (_, x) => 'e' + '`'.repeat(x + 1)).join('')],
  ['unclosed links A', () => '[a](<b'.repeat(30_000)],
  ['unclosed links B', () => '[a](b'.repeat(30_000)],
  ['unclosed <!--', () => '</' + '<!--'.repeat(300_000)],
  ['many references', () => Array.from({ length: 50_000 }, (_, i) => `[${i}]: /url${i}\n`).join('') + '[0] [1]'],
  ['emphasis spread over many lines', () => '*a **a\n'.repeat(20_000)],
  ['brackets spread over many lines', () => '[a\n'.repeat(40_000)],
  ['long runs of tildes', () => '~'.repeat(50_000)],
  ['many autolink literals', () => 'www.a.com '.repeat(400) + '\n\n'.repeat(1) + 'www.b.com\n'.repeat(5000)],
];
