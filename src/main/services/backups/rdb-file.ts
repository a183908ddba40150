/**
 * What can be known about a Redis RDB file without a server: its header,
 * its end and its checksum. From the RDB format notes (redis.io, "RDB file
 * format", and rdb.c): the file starts with the magic "REDIS" and the RDB
 * version as 4 ASCII digits, ends with the EOF opcode 0xFF followed by an
 * 8-byte little-endian CRC-64/Jones of everything before it. A checksum of
 * all zeros means the server had `rdbchecksum no`: then only the framing
 * can be checked, and the caller is told so.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { FlightdeckError } from '../../../shared/errors';
import { Crc64Jones } from './crc64-jones';

const MAGIC = 'REDIS';
const EOF_OPCODE = 0xff;
const CHECKSUM_BYTES = 8;
/** "REDIS" + 4 digits + EOF opcode: anything shorter cannot be a dump. */
export const RDB_MIN_BYTES = MAGIC.length + 4 + 1;

export interface RdbFileFacts {
  version: number;
  bytes: number;
  /** 'verified' when the stored CRC matches; 'disabled' when the server wrote none. */
  checksum: 'verified' | 'disabled';
}

/** The RDB version from the header alone (the full check is checkRdbFile). */
export async function readRdbVersion(path: string): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length + 4);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const digits = head.subarray(MAGIC.length, bytesRead).toString('latin1');
    if (bytesRead < head.length || head.subarray(0, MAGIC.length).toString('latin1') !== MAGIC || !/^\d{4}$/.test(digits)) {
      throw new FlightdeckError('bad-input', `${path}: does not start with "REDIS" and a 4-digit version: not an RDB dump`, { file: path });
    }
    return Number(digits);
  } finally {
    await handle.close();
  }
}

/** Reads the whole file once (streamed): header, EOF opcode and CRC-64. */
export async function checkRdbFile(path: string, signal?: AbortSignal): Promise<RdbFileFacts> {
  const bad = (message: string) => new FlightdeckError('bad-input', `${path}: ${message}`, { file: path });
  let bytes: number;
  try {
    bytes = (await stat(path)).size;
  } catch {
    throw new FlightdeckError('not-found', `${path}: the RDB file is missing`, { file: path });
  }
  if (bytes < RDB_MIN_BYTES + CHECKSUM_BYTES) throw bad(`only ${bytes} bytes: too short to be an RDB dump (the header and the end marker alone take ${RDB_MIN_BYTES + CHECKSUM_BYTES})`);

  const crc = new Crc64Jones();
  const head = Buffer.alloc(MAGIC.length + 4);
  const tail = Buffer.alloc(CHECKSUM_BYTES + 1);
  let offset = 0;
  const covered = bytes - CHECKSUM_BYTES; // the CRC covers everything up to and including the EOF opcode
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal }) as AsyncIterable<Buffer>) {
    if (offset < head.length) chunk.copy(head, offset, 0, Math.min(chunk.length, head.length - offset));
    const crcEnd = Math.max(0, Math.min(chunk.length, covered - offset));
    if (crcEnd > 0) crc.update(chunk.subarray(0, crcEnd));
    // The last 9 bytes: the EOF opcode and the stored checksum.
    const tailStart = bytes - tail.length;
    if (offset + chunk.length > tailStart) {
      const from = Math.max(0, tailStart - offset);
      chunk.copy(tail, offset + from - tailStart, from);
    }
    offset += chunk.length;
  }
  if (offset !== bytes) throw bad(`the file changed while it was read (${bytes} bytes expected, ${offset} read)`);

  const magic = head.subarray(0, MAGIC.length).toString('latin1');
  const digits = head.subarray(MAGIC.length).toString('latin1');
  if (magic !== MAGIC) throw bad(`does not start with "REDIS" (found ${JSON.stringify(magic)}): not an RDB dump`);
  if (!/^\d{4}$/.test(digits)) throw bad(`the RDB version after "REDIS" is not 4 digits (found ${JSON.stringify(digits)})`);
  if (tail[0] !== EOF_OPCODE) throw bad(`does not end with the RDB end-of-file marker 0xFF and a checksum: the dump is truncated`);
  const stored = tail.subarray(1);
  if (stored.every((b) => b === 0)) return { version: Number(digits), bytes, checksum: 'disabled' };
  const computed = crc.digestLE();
  if (!computed.equals(stored)) throw bad(`checksum mismatch: the file says ${stored.toString('hex')}, its contents give ${computed.toString('hex')}; the dump is corrupt`);
  return { version: Number(digits), bytes, checksum: 'verified' };
}
