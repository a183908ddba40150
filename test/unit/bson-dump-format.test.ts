/**
 * The mongodump directory format without a server: known documents written
 * with the bson package's serializer through the backup's writer, read back
 * by its reader and by bson.deserialize directly, plain and gzipped; file
 * names and metadata as mongodump writes them; corrupt files named with
 * their offset; and memory that stays flat however many documents go out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Binary, Decimal128, deserialize, Double, EJSON, Int32, Long, ObjectId, serialize, type Document } from 'bson';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeDocument, readBsonFile } from '../../src/main/services/backups/bson-file-reader';
import { writeBsonFile } from '../../src/main/services/backups/bson-file-writer';
import { verifyMongoDump } from '../../src/main/services/backups/mongo-backup';
import { countDocuments, listDumpedCollections } from '../../src/main/services/backups/mongo-dump-dir';
import { bsonFileName, documentsFact, escapeCollectionName, formatMetadata, metadataFileName, parseMetadata } from '../../src/main/services/backups/mongo-dump-layout';
import { FlightdeckError } from '../../src/shared/errors';
import { tempDir } from '../support/app';

const work = tempDir('flightdeck-bson-format-');
afterAll(() => work.remove());

const MEGABYTE_STRING = 'x'.repeat(1024 * 1024);

function knownDocuments(): Document[] {
  return [
    {
      _id: new ObjectId('64b7f0c2a1b2c3d4e5f60718'),
      at: new Date('2026-05-04T10:20:30.123Z'),
      price: Decimal128.fromString('1234567890.123456789'),
      blob: new Binary(Buffer.from([0, 1, 2, 250, 255]), Binary.SUBTYPE_BYTE_ARRAY),
      big: Long.fromString('9007199254740993'),
      nested: { list: [1, 'two', { three: [3, [3.5]] }, null, true], empty: {} },
    },
    { _id: 2, text: MEGABYTE_STRING, small: new Int32(7), real: new Double(2) },
    { _id: 'third', unicode: 'Zürich ✓ 日本', arrays: [[], [[]], [{ a: 1 }]] },
  ];
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function readAll(path: string): Promise<Document[]> {
  const out: Document[] = [];
  for await (const raw of readBsonFile(path)) out.push(decodeDocument(raw, path, { promoteValues: false }));
  return out;
}

/** Splits a concatenation of BSON documents by their length prefixes, independently of the reader. */
function splitBson(bytes: Buffer): Document[] {
  const docs: Document[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const length = bytes.readInt32LE(offset);
    docs.push(deserialize(bytes.subarray(offset, offset + length), { promoteValues: false }));
    offset += length;
  }
  return docs;
}

describe.each([
  { gzip: false, name: 'orders.bson' },
  { gzip: true, name: 'orders.bson.gz' },
])('writing and reading a collection (gzip: $gzip)', ({ gzip, name }) => {
  it('round-trips documents of every common type, byte for byte as the bson serializer wrote them', async () => {
    const dir = join(work.path, gzip ? 'gz' : 'plain');
    await mkdir(dir, { recursive: true });
    const path = join(dir, bsonFileName('orders', 'collection', gzip));
    expect(path.endsWith(name)).toBe(true);
    const documents = knownDocuments();
    const progress: number[] = [];
    const result = await writeBsonFile(path, from(documents), { gzip, onProgress: (docs) => progress.push(docs) });

    expect(result.documents).toBe(3);
    expect(progress.at(-1)).toBe(3);
    const onDisk = readFileSync(path);
    expect(result.bytes).toBe(onDisk.length);
    const plain = gzip ? gunzipSync(onDisk) : onDisk;
    // The file is exactly the serializations, concatenated: what mongorestore reads.
    expect(plain.equals(Buffer.concat(documents.map((d) => serialize(d))))).toBe(true);
    if (gzip) expect(onDisk.length).toBeLessThan(plain.length / 10); // the 1 MB string compresses

    // Read back by our reader and, independently, by bson.deserialize over the raw bytes.
    for (const back of [await readAll(path), splitBson(plain)]) {
      expect(back).toHaveLength(3);
      expect(EJSON.stringify(back, { relaxed: false })).toBe(EJSON.stringify(documents, { relaxed: false }));
      expect((back[0]!.big as Long).toString()).toBe('9007199254740993');
      expect((back[0]!.price as Decimal128).toString()).toBe('1234567890.123456789');
      expect((back[0]!.at as Date).toISOString()).toBe('2026-05-04T10:20:30.123Z');
      expect(Buffer.from((back[0]!.blob as Binary).buffer)).toEqual(Buffer.from([0, 1, 2, 250, 255]));
      expect((back[1]!.text as string).length).toBe(1024 * 1024);
    }
  });

  it('writes raw BSON buffers (what the driver returns with raw: true) unchanged, and refuses a broken one', async () => {
    const path = join(work.path, `raw${gzip ? '.bson.gz' : '.bson'}`);
    const raws = knownDocuments().map((d) => serialize(d));
    await writeBsonFile(path, from(raws), { gzip });
    const plain = gzip ? gunzipSync(readFileSync(path)) : readFileSync(path);
    expect(plain.equals(Buffer.concat(raws))).toBe(true);

    const broken = Buffer.from(raws[0]!).subarray(0, 40);
    await expect(writeBsonFile(join(work.path, `broken${gzip ? '.bson.gz' : '.bson'}`), from([raws[1]!, broken]), { gzip })).rejects.toThrow(/document 2 from the server is not a complete BSON document \(40 bytes, length field \d+\)/);
  });
});

describe('file names and metadata as mongodump writes them', () => {
  it('escapes collection names like Go url.PathEscape and shortens very long ones with a hash', () => {
    expect(bsonFileName('orders', 'collection', false)).toBe('orders.bson');
    expect(bsonFileName('orders', 'collection', true)).toBe('orders.bson.gz');
    expect(metadataFileName('orders', false)).toBe('orders.metadata.json');
    expect(metadataFileName('orders', true)).toBe('orders.metadata.json.gz');
    expect(bsonFileName('weather', 'timeseries', false)).toBe('system.buckets.weather.bson');
    expect(escapeCollectionName('a/b c?d;e,f')).toBe('a%2Fb%20c%3Fd%3Be%2Cf');
    expect(escapeCollectionName('keep.$&+:=@-_~')).toBe('keep.$&+:=@-_~');
    expect(escapeCollectionName('café%')).toBe('caf%C3%A9%25');
    const long = escapeCollectionName('n'.repeat(300));
    expect(long).toMatch(/^n{208}%24[A-Za-z0-9_-]{27}$/);
    expect(long.length).toBe(238);
    // Different long names sharing the first 208 characters do not collide.
    expect(escapeCollectionName(`${'n'.repeat(299)}m`)).not.toBe(long);
  });

  it('metadata is canonical Extended JSON with mongodump key order; empty options and uuid are omitted', () => {
    const text = formatMetadata({
      options: {},
      indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }, { v: 2, key: { email: 1 }, name: 'email_1', unique: true }],
      uuid: '0123456789abcdef0123456789abcdef',
      collectionName: 'users',
      type: 'collection',
    });
    expect(text).toBe(
      '{"indexes":[{"v":{"$numberInt":"2"},"key":{"_id":{"$numberInt":"1"}},"name":"_id_"},{"v":{"$numberInt":"2"},"key":{"email":{"$numberInt":"1"}},"name":"email_1","unique":true}],"uuid":"0123456789abcdef0123456789abcdef","collectionName":"users","type":"collection"}',
    );
    expect(Object.keys(JSON.parse(formatMetadata({ options: { capped: true, size: 4096 }, indexes: [], collectionName: 'log', type: 'collection' })))).toEqual(['options', 'indexes', 'collectionName', 'type']);
    const back = parseMetadata(text, 'users.metadata.json');
    // Parsed canonically: an index key stays the Int32 the server had, not a JS number.
    expect(back.indexes[1]!.key.email).toEqual(new Int32(1));
    expect(EJSON.stringify(back.indexes[1]!, { relaxed: false })).toBe('{"v":{"$numberInt":"2"},"key":{"email":{"$numberInt":"1"}},"name":"email_1","unique":true}');
    expect(() => parseMetadata('{"collectionName":"x"}', 'x.metadata.json')).toThrow(/x\.metadata\.json: "indexes" must be an array/);
    expect(() => parseMetadata('{"indexes":[], ', 'y.metadata.json')).toThrow(/y\.metadata\.json: not valid Extended JSON/);
  });
});

describe('corrupt and truncated files are named with their offset', () => {
  const docs = [{ _id: 1, a: 'x' }, { _id: 2, b: 'y'.repeat(100) }, { _id: 3 }];
  const bytes = Buffer.concat(docs.map((d) => serialize(d)));
  const second = serialize(docs[0]!).length;

  async function failure(path: string): Promise<FlightdeckError> {
    const error = await countDocuments(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlightdeckError);
    return error as FlightdeckError;
  }

  it('a truncated file', async () => {
    const path = join(work.path, 'truncated.bson');
    writeFileSync(path, bytes.subarray(0, bytes.length - 3));
    const error = await failure(path);
    const third = second + serialize(docs[1]!).length;
    expect(error.message).toBe(`${path}: corrupt BSON document at byte offset ${third}: truncated: the document needs ${serialize(docs[2]!).length} bytes, the file ends after ${serialize(docs[2]!).length - 3}`);
    expect(error.file).toBe(path);
  });

  it('a length field that cannot be right', async () => {
    const path = join(work.path, 'length.bson');
    const copy = Buffer.from(bytes);
    copy.writeInt32LE(-7, second);
    writeFileSync(path, copy);
    expect((await failure(path)).message).toBe(`${path}: corrupt BSON document at byte offset ${second}: length field says -7 bytes (a document has 5 to 16793600)`);
  });

  it('a document without its terminating zero', async () => {
    const path = join(work.path, 'terminator.bson');
    const copy = Buffer.from(bytes);
    copy[second + serialize(docs[1]!).length - 1] = 0x41;
    writeFileSync(path, copy);
    expect((await failure(path)).message).toMatch(new RegExp(`corrupt BSON document at byte offset ${second}: the \\d+-byte document does not end with a 0 byte`));
  });

  it('a document whose inside is damaged, in a gzipped file: the offset is in the uncompressed data', async () => {
    const path = join(work.path, 'inner.bson.gz');
    const copy = Buffer.from(bytes);
    copy[second + 4] = 0x7f; // an element type that does not exist
    writeFileSync(path, gzipSync(copy));
    expect((await failure(path)).message).toMatch(new RegExp(`^${path.replace(/[.]/g, '\\.')}: corrupt BSON document at byte offset ${second} of the uncompressed data: .+`));
  });

  it('a damaged gzip stream', async () => {
    const path = join(work.path, 'cut.bson.gz');
    writeFileSync(path, gzipSync(bytes).subarray(0, 20));
    expect((await failure(path)).message).toMatch(/cut\.bson\.gz: corrupt BSON document at byte offset 0 of the uncompressed data: the gzip stream is damaged/);
  });
});

describe('a dump directory, verified offline', () => {
  it('counts match the facts, metadata parses, and a missing or short collection is named', async () => {
    const dir = join(work.path, 'dump');
    await mkdir(join(dir, 'shop'), { recursive: true });
    await writeBsonFile(join(dir, 'shop', 'orders.bson.gz'), from([{ _id: 1 }, { _id: 2 }]), { gzip: true });
    await writeFile(join(dir, 'shop', 'orders.metadata.json.gz'), gzipSync(formatMetadata({ indexes: [{ v: 2, key: { _id: 1 }, name: '_id_' }], collectionName: 'orders', type: 'collection' })));
    await writeFile(join(dir, 'shop', 'recent.metadata.json'), formatMetadata({ options: { viewOn: 'orders', pipeline: [] }, indexes: [], collectionName: 'recent', type: 'view' }));
    const facts = { [documentsFact('shop', 'orders')]: 2, collections: 2 };
    const signal = new AbortController().signal;
    const context = { signal, progress: () => undefined };

    expect((await listDumpedCollections(dir)).map((c) => [c.collection, c.metadata.type, c.dataPath?.slice(dir.length)])).toEqual([
      ['orders', 'collection', '/shop/orders.bson.gz'],
      ['recent', 'view', undefined],
    ]);
    expect(await verifyMongoDump(dir, facts, context)).toEqual([
      '2 collections, 2 documents, every document\'s BSON framing valid',
      'shop.orders: 2 documents read back, 1 indexes in the metadata',
      'shop.recent: a view, its definition in the metadata',
    ]);
    await expect(verifyMongoDump(dir, { ...facts, [documentsFact('shop', 'orders')]: 3 }, context)).rejects.toThrow(/orders\.bson\.gz: 2 documents, but the dump wrote 3/);
    await expect(verifyMongoDump(dir, { ...facts, [documentsFact('shop', 'gone')]: 1 }, context)).rejects.toThrow(/shop\.gone was dumped but its metadata file is missing/);
  });
});

describe('memory stays flat', () => {
  it('writing 300k documents streamed from a generator keeps the heap flat (after gc)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const COUNT = 300_000;
    let peak = 0;
    gc();
    const baseline = process.memoryUsage().heapUsed;
    async function* documents(): AsyncGenerator<Document> {
      for (let i = 0; i < COUNT; i++) {
        if (i % 50_000 === 0) {
          gc();
          peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
        }
        yield { _id: i, name: `customer-${i}`, tags: ['a', 'b', 'c'], amount: i * 1.5, note: 'n'.repeat(100) };
      }
    }
    const path = join(work.path, 'big.bson');
    const result = await writeBsonFile(path, documents());
    expect(result.documents).toBe(COUNT);
    // ~50 MB went to disk; the heap held at most a few buffers of it at any time.
    expect(result.bytes).toBeGreaterThan(45 * 1024 * 1024);
    expect(peak).toBeLessThan(8 * 1024 * 1024);

    let read = 0;
    gc();
    const before = process.memoryUsage().heapUsed;
    let readPeak = 0;
    for await (const raw of readBsonFile(path)) {
      if (++read % 50_000 === 0) {
        gc();
        readPeak = Math.max(readPeak, process.memoryUsage().heapUsed - before);
      }
      if (read === 1) expect(decodeDocument(raw, path).name).toBe('customer-0');
    }
    expect(read).toBe(COUNT);
    expect(readPeak).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);
});
