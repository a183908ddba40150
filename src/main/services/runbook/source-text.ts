/**
 * Turns the bytes of a markdown file into text, or refuses them with an
 * error that names the file, line and column. Nothing here guesses: a file
 * that is not UTF-8 is refused rather than shown with replaced characters,
 * because a tick written back into a misdecoded file would corrupt it.
 */
import { createHash } from 'node:crypto';
import { FlightdeckError } from '../../../shared/errors';
import { LIMITS } from '../../../shared/contract-names';
import { formatBytesOver } from '../../../shared/format';

export interface SourceText {
  text: string;
  /** The file began with a UTF-8 byte order mark; write-back keeps it. */
  bom: boolean;
  sha256: string;
  bytes: number;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Line breaks in text[from, to): how many lines an offset is below another. */
export function countLineBreaks(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i !== -1 && i < to; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** 1-based line and column of a byte offset. */
export function positionOfByte(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Offset of the first byte that breaks UTF-8, or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else {
      return i;
    }
    let cp = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

export function decodeSource(bytes: Uint8Array, file: string): SourceText {
  if (bytes.length > LIMITS.runbookBytes) {
    const [is, limit] = formatBytesOver(bytes.length, LIMITS.runbookBytes);
    throw new FlightdeckError('too-large', `is ${is}; Flightdeck opens runbooks up to ${limit}.`, { file });
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new FlightdeckError('encoding', 'is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 and open it again.', { file, line: 1, column: 1 });
  }
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b);
  const body = bom ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = strict.decode(body);
  } catch {
    const bad = firstInvalidUtf8(body);
    const where = positionOfByte(body, Math.max(0, bad));
    const byte = body[bad] ?? 0;
    throw new FlightdeckError(
      'encoding',
      `is not valid UTF-8 (byte 0x${byte.toString(16).padStart(2, '0')}). Save the file as UTF-8 and open it again.`,
      { file, line: where.line, column: where.column },
    );
  }
  refuseControlText(text, file);
  return { text, bom, sha256: sha256Hex(bytes), bytes: bytes.length };
}

/**
 * Share of control characters above which a file is not text at all. A
 * checklist may carry a stray form feed or a pasted terminal escape; a
 * file of NULs (a disk image, a preallocated file, a crash's leftovers) is
 * not a runbook, and showing it as an empty one would say nothing is wrong.
 */
export const MAX_CONTROL_SHARE = 0.1;

/** C0 controls other than tab, line feed and carriage return, and DEL. */
function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
}

function refuseControlText(text: string, file: string): void {
  let count = 0;
  let first = -1;
  for (let i = 0; i < text.length; i++) {
    if (!isControl(text.charCodeAt(i))) continue;
    count++;
    if (first === -1) first = i;
  }
  if (count === 0 || count < text.length * MAX_CONTROL_SHARE) return;
  const line = countLineBreaks(text, 0, first) + 1;
  const column = first - (text.lastIndexOf('\n', first - 1) + 1) + 1;
  const share = Math.floor((count / text.length) * 100);
  throw new FlightdeckError(
    'encoding',
    `is not a text file: ${share}% of its characters are control bytes (NUL and the like; the first, 0x${text.charCodeAt(first).toString(16).padStart(2, '0')}, is here). Open the markdown checklist itself.`,
    { file, line, column },
  );
}
