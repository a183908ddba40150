/**
 * Stable ids for phases, sections and items: a readable slug of the text and
 * a short hash of the heading path, the parent items and the normalised
 * text. Editing, adding or removing other lines leaves an id unchanged;
 * editing the item's own text, a heading above it or its parent item makes
 * it a different item, which is what a reviewer would say too.
 */
import { hash } from 'node:crypto';

/** Case, punctuation, emoji and spacing do not make a different item. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function slug(text: string, max = 48): string {
  const s = normaliseText(text).replace(/ /g, '-');
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  const lastDash = cut.lastIndexOf('-');
  return lastDash > max / 2 ? cut.slice(0, lastDash) : cut;
}

export function shortHash(parts: readonly string[]): string {
  return hash('sha256', parts.join('\u001f'), 'hex').slice(0, 12);
}

export class IdAllocator {
  private readonly used = new Map<string, number>();

  /**
   * `path` is the chain of headings and parent items, `text` the item's own
   * text. A true duplicate (same path, same text) gets -2, -3... in document
   * order; `onDuplicate` lets the caller warn about it.
   */
  allocate(kind: string, path: readonly string[], text: string, onDuplicate?: () => void): string {
    const normalisedPath = path.map(normaliseText);
    const base = `${slug(text) || kind}-${shortHash([kind, ...normalisedPath, normaliseText(text)])}`;
    const count = (this.used.get(base) ?? 0) + 1;
    this.used.set(base, count);
    if (count === 1) return base;
    onDuplicate?.();
    return `${base}-${count}`;
  }
}
