/**
 * MongoDB backups against a real server. There is no MongoDB server on the
 * build machines: these run only when MONGODB_URI points at one and are
 * skipped otherwise, saying so. The directory format itself is tested
 * without a server in test/unit/bson-dump-format.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Decimal128, Long, ObjectId } from 'bson';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupProgress } from '../../src/main/services/backups/backup-engine';
import { runBackup, type BackupResult } from '../../src/main/services/backups/backup-pipeline';
import { MongoBackupEngine, verifyMongoDump } from '../../src/main/services/backups/mongo-backup';
import { tempDir } from '../support/app';

const URI = process.env.MONGODB_URI;
if (!URI) console.warn('backup-mongodb: skipped, MONGODB_URI is not set (no MongoDB server here); set it to a server URI to run these.');

describe.skipIf(!URI)('MongoDB backup through the driver', () => {
  const database = `flightdeck_backup_${randomBytes(4).toString('hex')}`;
  let client: MongoClient;
  let work: ReturnType<typeof tempDir>;
  let result: BackupResult;

  beforeAll(async () => {
    client = new MongoClient(URI!, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    const db = client.db(database);
    await db.collection('orders').insertMany(
      Array.from({ length: 5000 }, (_, i) => ({ _id: new ObjectId(), n: i, amount: Decimal128.fromString(`${i}.25`), big: Long.fromNumber(i * 1e6), at: new Date(1_700_000_000_000 + i) })),
    );
    await db.collection('orders').createIndex({ n: 1 }, { unique: true, name: 'n_unique' });
    await db.collection<{ _id: number; odd: string }>('a/b c').insertOne({ _id: 1, odd: 'name' });
    await db.createCollection('big_orders', { viewOn: 'orders', pipeline: [{ $match: { n: { $gte: 4990 } } }] });
    work = tempDir('flightdeck-backup-mongo-');
  });

  afterAll(async () => {
    await client?.db(database).dropDatabase();
    await client?.close();
    work?.remove();
  });

  it('backs up into the mongodump layout, gzipped, with progress in documents, and verifies it', async () => {
    const seen: BackupProgress[] = [];
    const engine = new MongoBackupEngine({ url: URI!, databases: [database], gzip: true });
    result = await runBackup({ engine, root: work.path, name: 'shop', retention: { keep: null, maxAgeDays: null }, signal: new AbortController().signal, onProgress: (p) => void seen.push(p) });

    expect(result.facts[`documents.${database}.orders`]).toBe(5000);
    expect(result.facts[`documents.${database}.a/b c`]).toBe(1);
    expect(existsSync(join(result.dir, database, 'orders.bson.gz'))).toBe(true);
    expect(existsSync(join(result.dir, database, 'a%2Fb%20c.bson.gz'))).toBe(true);
    expect(existsSync(join(result.dir, database, 'big_orders.bson.gz'))).toBe(false);
    const meta = JSON.parse(gunzipSync(readFileSync(join(result.dir, database, 'orders.metadata.json.gz'))).toString()) as { indexes: { name: string }[]; collectionName: string; type: string; uuid?: string };
    expect(meta).toMatchObject({ collectionName: 'orders', type: 'collection' });
    expect(meta.indexes.map((i) => i.name).sort()).toEqual(['_id_', 'n_unique']);
    expect(seen.some((p) => p.unit === 'documents' && p.total !== null && p.total >= 5000)).toBe(true);
    expect(await verifyMongoDump(result.dir, result.facts, { signal: new AbortController().signal, progress: () => undefined })).toContain(`${database}.orders: 5000 documents read back, 2 indexes in the metadata`);
  });

  it('restores the same documents, types and indexes, types and indexes; clean replaces instead of duplicating', async () => {
    // A hundred documents lost: a restore without clean puts them back and leaves the others.
    await client.db(database).collection('orders').deleteMany({ n: { $lt: 100 } });
    const engine = new MongoBackupEngine({ url: URI!, databases: [database] });
    const sentence = await engine.restore(result.dir, { signal: new AbortController().signal, progress: () => undefined });
    expect(sentence).toMatch(/^restored 101 documents into 3 collections/);
    expect(sentence).toMatch(/4901 documents whose _id was already there were left as they are/);
    const orders = client.db(database).collection('orders');
    expect(await orders.countDocuments()).toBe(5000);
    const one = await orders.findOne({ n: 7 }, { promoteValues: false });
    expect(one!.amount).toEqual(Decimal128.fromString('7.25'));
    expect(String(one!.big)).toBe('7000000');

    const clean = await engine.restore(result.dir, { signal: new AbortController().signal, progress: () => undefined }, { clean: true });
    expect(clean).toMatch(/^restored 5001 documents into 3 collections of .*, after dropping each collection$/);
    expect((await orders.indexes()).map((i) => i.name).sort()).toEqual(['_id_', 'n_unique']);
    expect(await client.db(database).collection('big_orders').countDocuments()).toBe(10);
  });
});
