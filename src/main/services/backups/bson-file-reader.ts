/**
 * Reads a mongodump `.bson` / `.bson.gz` file back one document at a time:
 * each document is an int32 length (little-endian, counting itself) then
 * that many bytes ending in 0x00. The framing of every document is checked,
 * and a bad one is reported with the file and its byte offset (in the
 * uncompressed data for .gz), so a corrupt backup is named, not guessed.
 * Memory holds one document at a time, whatever the file size.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { deserialize, type Document } from 'bson';
import { FlightdeckError, messageOf } from '../../../shared/errors';

/** The largest document a server stores (16 MiB) plus the slack it allows internally. */
export const MAX_DOCUMENT_BYTES = 16 * 1024 * 1024 + 16 * 1024;
const MIN_DOCUMENT_BYTES = 5;

export interface RawDocument {
  /** The document's bytes, length prefix and terminator included. */
  raw: Buffer;
  /** Where it starts in the (uncompressed) file. */
  offset: number;
}

export function corruptAt(path: string, offset: number, why: string): FlightdeckError {
  const where = path.endsWith('.gz') ? `byte offset ${offset} of the uncompressed data` : `byte offset ${offset}`;
  return new FlightdeckError('bad-input', `${path}: corrupt BSON document at ${where}: ${why}`, { file: path, field: `offset ${offset}` });
}

/** Streams the documents of one file, framing checked; contents are not parsed here (see decodeDocument). */
export async function* readBsonFile(path: string, options: { signal?: AbortSignal } = {}): AsyncGenerator<RawDocument> {
  const file = createReadStream(path, { highWaterMark: 1 << 16, ...(options.signal ? { signal: options.signal } : {}) });
  let source: AsyncIterable<Buffer> = file;
  if (path.endsWith('.gz')) {
    const gunzip = createGunzip();
    // pipeline, not pipe: a read error of the file reaches the gunzip, and this loop, instead of being an unhandled 'error' event.
    pipeline(file, gunzip, () => undefined);
    source = gunzip;
  }
  const pending: Buffer[] = [];
  let buffered = 0;
  let offset = 0;
  let needed = -1;

  const take = (n: number): Buffer => {
    const first = pending[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) pending.shift();
      else pending[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const head = pending[0]!;
        const part = Math.min(head.length, n - filled);
        head.copy(out, filled, 0, part);
        filled += part;
        if (part === head.length) pending.shift();
        else pending[0] = head.subarray(part);
      }
    }
    buffered -= n;
    return out;
  };
  const peekLength = (): number => {
    const first = pending[0]!;
    if (first.length >= 4) return first.readInt32LE(0);
    const four = Buffer.alloc(4);
    let filled = 0;
    for (const chunk of pending) {
      filled += chunk.copy(four, filled, 0, Math.min(chunk.length, 4 - filled));
      if (filled === 4) break;
    }
    return four.readInt32LE(0);
  };

  try {
    for await (const chunk of source) {
      pending.push(chunk);
      buffered += chunk.length;
      for (;;) {
        if (needed < 0) {
          if (buffered < 4) break;
          needed = peekLength();
          if (needed < MIN_DOCUMENT_BYTES || needed > MAX_DOCUMENT_BYTES) throw corruptAt(path, offset, `length field says ${needed} bytes (a document has ${MIN_DOCUMENT_BYTES} to ${MAX_DOCUMENT_BYTES})`);
        }
        if (buffered < needed) break;
        const raw = take(needed);
        if (raw[needed - 1] !== 0) throw corruptAt(path, offset, `the ${needed}-byte document does not end with a 0 byte`);
        yield { raw, offset };
        offset += needed;
        needed = -1;
      }
    }
  } catch (error) {
    if (error instanceof FlightdeckError) throw error;
    if ((error as { code?: string }).code === 'ENOENT') throw new FlightdeckError('not-found', `${path}: missing`, { file: path });
    if (/incorrect header check|unexpected end of file|invalid/i.test(messageOf(error)) && path.endsWith('.gz')) throw corruptAt(path, offset, `the gzip stream is damaged (${messageOf(error)})`);
    throw error;
  }
  if (buffered > 0) throw corruptAt(path, offset, needed > 0 ? `truncated: the document needs ${needed} bytes, the file ends after ${buffered}` : `truncated: ${buffered} stray bytes at the end`);
}

/** Parses one document with the bson package, reporting a bad one by file and offset. */
export function decodeDocument(document: RawDocument, path: string, options: Parameters<typeof deserialize>[1] = {}): Document {
  try {
    return deserialize(document.raw, options);
  } catch (error) {
    throw corruptAt(path, document.offset, messageOf(error));
  }
}
