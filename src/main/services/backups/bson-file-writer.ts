/**
 * Writes one collection as mongodump does: the documents' BSON
 * serializations concatenated into `<collection>.bson`, or gzipped into
 * `<collection>.bson.gz` (what `mongodump --gzip` writes). Documents are
 * pulled from the source only as fast as the disk takes them (stream
 * backpressure), so memory stays flat whatever the collection size. The
 * file is hashed as it is written, for the manifest.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { serialize, type Document } from 'bson';
import { FlightdeckError } from '../../../shared/errors';
import { PRIVATE_FILE_MODE } from '../storage/private-fs';

export interface BsonWriteOptions {
  gzip?: boolean;
  signal?: AbortSignal;
  /** Called as documents go out: documents so far, bytes on disk so far. */
  onProgress?(documents: number, bytes: number): void;
}

export interface BsonWriteResult {
  documents: number;
  /** Bytes of the file on disk (compressed when gzip). */
  bytes: number;
  sha256: string;
}

/**
 * `documents` may yield plain documents (serialized here with the bson
 * package) or raw BSON buffers as the driver returns them with `raw: true`
 * (written as they are, after a framing check).
 */
export async function writeBsonFile(path: string, documents: AsyncIterable<Document | Uint8Array> | Iterable<Document | Uint8Array>, options: BsonWriteOptions = {}): Promise<BsonWriteResult> {
  let count = 0;
  let bytes = 0;
  const hash = createHash('sha256');
  const onProgress = options.onProgress;

  async function* serialized(): AsyncGenerator<Buffer> {
    for await (const document of documents) {
      const buffer = document instanceof Uint8Array ? checkedRaw(document, count, path) : serialize(document);
      count++;
      yield Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    }
  }
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      onProgress?.(count, bytes);
      done(null, chunk);
    },
  });
  const stages = [Readable.from(serialized(), { objectMode: false, highWaterMark: 1 << 16 }), ...(options.gzip ? [createGzip()] : []), counter, createWriteStream(path, { flags: 'wx', mode: PRIVATE_FILE_MODE })];
  await pipeline(stages as unknown as [NodeJS.ReadableStream, NodeJS.WritableStream], options.signal ? { signal: options.signal } : {});
  onProgress?.(count, bytes);
  return { documents: count, bytes, sha256: hash.digest('hex') };
}

/** A raw document must carry its own length and end with a 0 byte, or the file would be unreadable. */
function checkedRaw(raw: Uint8Array, index: number, path: string): Uint8Array {
  const declared = raw.byteLength >= 5 ? Buffer.from(raw.buffer, raw.byteOffset, 4).readInt32LE(0) : -1;
  if (declared !== raw.byteLength || raw[raw.byteLength - 1] !== 0) {
    throw new FlightdeckError('internal', `${path}: document ${index + 1} from the server is not a complete BSON document (${raw.byteLength} bytes, length field ${declared})`, { file: path });
  }
  return raw;
}
