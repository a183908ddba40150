/**
 * Regular expressions that find any of many literal strings, longest first.
 * One alternation would do, but V8 stops optimising a pattern whose source
 * passes 20 KB (kRegExpTooLargeToOptimize): measured here, 1,000 forms in
 * one pattern scanned a megabyte 25 times slower than 650. So the strings
 * are cut into patterns under that size, longest strings in the first, and
 * applied one after the other.
 */

// No 'u' flag: the patterns hold literal UTF-16 code units, and 'u' would reject some of these escapes.
const REGEX_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;
/** Under V8's 20 KB optimisation limit, with room for the separators. */
const MAX_SOURCE = 16 * 1024;

export function escapeRegExp(text: string): string {
  return text.replace(REGEX_SYNTAX, '\\$&');
}

/** Global patterns covering `words`; a longer word always sits in an earlier (or the same) pattern than a shorter one. */
export function literalPatterns(words: Iterable<string>): RegExp[] {
  const escaped = [...new Set(words)]
    .filter((word) => word.length > 0)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const patterns: RegExp[] = [];
  let chunk: string[] = [];
  let size = 0;
  for (const word of escaped) {
    if (chunk.length > 0 && size + word.length + 1 > MAX_SOURCE) {
      patterns.push(new RegExp(chunk.join('|'), 'g'));
      chunk = [];
      size = 0;
    }
    chunk.push(word);
    size += word.length + 1;
  }
  if (chunk.length > 0) patterns.push(new RegExp(chunk.join('|'), 'g'));
  return patterns;
}
