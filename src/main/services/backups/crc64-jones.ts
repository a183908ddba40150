/**
 * CRC-64/Jones, the checksum Redis writes after the EOF opcode of every RDB
 * file (reflected, polynomial 0xad93d23594c935a9, initial value 0). Checking
 * it is the only offline way to notice a flipped byte inside a dump.
 *
 * The 64-bit state is kept as two 32-bit halves: BigInt arithmetic per byte
 * would make checking a gigabyte dump take minutes instead of seconds.
 */

const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5; // 0xad93d23594c935a9 bit-reversed, split in halves

const TABLE_HI = new Uint32Array(256);
const TABLE_LO = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let hi = 0;
  let lo = n;
  for (let bit = 0; bit < 8; bit++) {
    const carry = lo & 1;
    lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
    hi = hi >>> 1;
    if (carry) {
      hi = (hi ^ POLY_HI) >>> 0;
      lo = (lo ^ POLY_LO) >>> 0;
    }
  }
  TABLE_HI[n] = hi;
  TABLE_LO[n] = lo;
}

/** A running CRC over chunks, for files streamed from disk. */
export class Crc64Jones {
  private hi = 0;
  private lo = 0;

  update(chunk: Uint8Array): this {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < chunk.length; i++) {
      const index = (lo ^ chunk[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ TABLE_LO[index]!;
      hi = (hi >>> 8) ^ TABLE_HI[index]!;
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  /** The checksum as Redis stores it: 8 bytes, little-endian. */
  digestLE(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32LE(this.lo >>> 0, 0);
    out.writeUInt32LE(this.hi >>> 0, 4);
    return out;
  }

  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }
}
