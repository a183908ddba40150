/**
 * Command output as the panel keeps it: a command can print for an hour,
 * so only the last ~200 KB are kept and the panel says how much was
 * dropped. Adjacent output of the same stream is merged, so the number of
 * pieces grows with the stdout/stderr switches, not with the events.
 * Immutable, because the buffer lives in a zustand store.
 */
export type OutputStream = 'stdout' | 'stderr';

export interface OutputChunk {
  stream: OutputStream;
  text: string;
}

export interface OutputBuffer {
  chunks: OutputChunk[];
  /** Characters held (the sum of the chunks' lengths). */
  size: number;
  /** Characters dropped from the front to stay under the limit. */
  dropped: number;
}

/** About 200 KB of text: plenty to read, bounded over an 8-hour window. */
export const OUTPUT_LIMIT = 200_000;

export const EMPTY_OUTPUT: OutputBuffer = { chunks: [], size: 0, dropped: 0 };

export function appendOutput(buffer: OutputBuffer, chunk: OutputChunk, limit: number = OUTPUT_LIMIT): OutputBuffer {
  if (chunk.text === '') return buffer;
  const chunks = buffer.chunks.slice();
  const last = chunks[chunks.length - 1];
  if (last && last.stream === chunk.stream) chunks[chunks.length - 1] = { stream: last.stream, text: last.text + chunk.text };
  else chunks.push({ ...chunk });
  let size = buffer.size + chunk.text.length;
  let dropped = buffer.dropped;
  while (size > limit) {
    const first = chunks[0]!;
    const excess = size - limit;
    if (first.text.length <= excess) {
      chunks.shift();
      size -= first.text.length;
      dropped += first.text.length;
      continue;
    }
    // Cut at the next line break after the excess, so the panel never starts mid-line.
    const newline = first.text.indexOf('\n', excess);
    const cut = newline === -1 || newline - excess > 4096 ? excess : newline + 1;
    chunks[0] = { stream: first.stream, text: first.text.slice(cut) };
    size -= cut;
    dropped += cut;
    if (chunks[0].text === '') chunks.shift();
  }
  return { chunks, size, dropped };
}
