/**
 * Writes ticks back into the markdown file, changing only the characters
 * between the brackets of task items whose state differs. Everything else,
 * byte for byte, stays: line endings, the byte order mark, trailing spaces,
 * the mojibake. The write is atomic, so a crash leaves the old file or the
 * new one, never half of each.
 */
import { statSync } from 'node:fs';
import { FlightdeckError } from '../../../shared/errors';
import type { TaskItem } from '../../../shared/runbook-model';
import { writeFileAtomic } from '../storage/durable-fs';

export interface TickEdit {
  text: string;
  changed: number;
}

/** Pure: the text with each item's box set to `desired(item)`. */
export function applyTicks(text: string, items: readonly TaskItem[], desired: (item: TaskItem) => boolean, file: string): TickEdit {
  const edits: Array<{ at: number; char: string }> = [];
  for (const item of items) {
    const want = desired(item);
    if (want === item.checked) continue;
    const at = item.tickOffset;
    if (at < 1 || text[at - 1] !== '[' || text[at + 1] !== ']' || !' xX'.includes(text[at]!)) {
      throw new FlightdeckError('conflict', `the task box of "${item.text.slice(0, 60)}" is not where it was read; the file was not changed.`, { file, line: item.line });
    }
    edits.push({ at, char: want ? 'x' : ' ' });
  }
  if (edits.length === 0) return { text, changed: 0 };
  edits.sort((a, b) => a.at - b.at);
  let out = '';
  let from = 0;
  for (const { at, char } of edits) {
    out += text.slice(from, at) + char;
    from = at + 1;
  }
  return { text: out + text.slice(from), changed: edits.length };
}

/** Replaces the file's contents atomically, keeping its BOM and permissions. */
export function writeMarkdownFile(path: string, text: string, bom: boolean): void {
  const mode = statSync(path).mode & 0o7777;
  const body = Buffer.from(text, 'utf8');
  const data = bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body;
  writeFileAtomic(path, data, mode);
}
