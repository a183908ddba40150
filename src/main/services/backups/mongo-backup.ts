/**
 * MongoDB backups through the driver into the mongodump directory format
 * (mongo-dump-layout.ts), so `mongorestore DIR` (with --gzip when gzipped)
 * reads them. Each collection is a `find()` cursor with `raw: true`: the
 * server's BSON bytes go straight into the tested writer, unparsed and
 * unchanged, with backpressure. Restores read the same files with the
 * tested reader and write through the driver.
 *
 * This file is the thin driver part: there is no MongoDB server on the
 * build machines, so it runs against a real one only when MONGODB_URI is
 * set; the format itself is tested without a server.
 *
 * Credentials: the URL carries at most the user name; the password comes
 * from the vault and goes to the driver as an auth option, so it is never
 * part of a URL that could be logged.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Document, MongoClient } from 'mongodb';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { displayTarget, scrub } from '../probes/target-display';
import type { BackupEngine, DumpFacts, EngineContext, OfflineVerifier, RestoreEngine, RestoreOptions } from './backup-engine';
import { decodeDocument, readBsonFile } from './bson-file-reader';
import { writeBsonFile } from './bson-file-writer';
import { countDocuments, listDumpedCollections, type DumpedCollection } from './mongo-dump-dir';
import { dataFileName, documentsFact, formatMetadata, metadataFileName, parseDocumentsFact, type CollectionMetadata } from './mongo-dump-layout';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../storage/private-fs';

export interface MongoBackupOptions {
  /** mongodb://[user@]host[:port][,…]/[?options], without a password. */
  url: string;
  password?: string | null;
  /** Databases to back up; default all but admin, local and config. */
  databases?: string[];
  gzip?: boolean;
  /** Deadline for connecting and for each server answer. */
  timeoutMs?: number;
}

/** Never dumped, as mongodump skips them: internal, or recreated by the server. */
const SKIPPED_DATABASES = new Set(['admin', 'local', 'config']);
const INSERT_BATCH_DOCUMENTS = 1000;
const INSERT_BATCH_BYTES = 8 * 1024 * 1024;

export class MongoBackupEngine implements BackupEngine, RestoreEngine {
  readonly engine = 'mongodb' as const;
  readonly source: string;
  private readonly url: string;
  private readonly username: string | null;
  private readonly password: string | null;
  private readonly timeoutMs: number;

  constructor(private readonly options: MongoBackupOptions) {
    const { url, username } = splitUserInfo(options.url);
    this.url = url;
    this.username = username;
    this.password = options.password ?? null;
    this.source = displayTarget(url);
    this.timeoutMs = options.timeoutMs ?? 10_000;
    if (this.password !== null && this.username === null) throw new FlightdeckError('bad-input', `mongodb backup: ${this.source}: a password needs a user name in the URL (mongodb://USER@host/)`, { field: 'url' });
  }

  /** dataSize of every database backed up: the uncompressed BSON a dump writes. */
  async estimate(signal: AbortSignal): Promise<number> {
    return this.withClient(signal, async (client) => {
      let bytes = 0;
      for (const name of await this.databaseNames(client)) bytes += Number((await client.db(name).stats()).dataSize ?? 0);
      return bytes;
    });
  }

  async dump(dir: string, context: EngineContext): Promise<DumpFacts> {
    return this.withClient(context.signal, async (client) => {
      const plan: { database: string; info: CollectionInfo; estimated: number }[] = [];
      for (const database of await this.databaseNames(client)) {
        for (const info of (await client.db(database).listCollections({}, { nameOnly: false }).toArray()) as CollectionInfo[]) {
          if (skipCollection(info.name)) continue;
          const estimated = info.type === 'view' ? 0 : await client.db(database).collection(info.name).estimatedDocumentCount({ maxTimeMS: this.timeoutMs });
          plan.push({ database, info, estimated });
        }
      }
      const total = plan.reduce((sum, p) => sum + p.estimated, 0);
      const gzip = this.options.gzip === true;
      const facts: DumpFacts = { collections: plan.length, gzip: gzip ? 'yes' : 'no' };
      let done = 0;
      let bytes = 0;
      context.progress({ phase: 'dumping', unit: 'documents', done: 0, total, bytes: 0 });
      for (const { database, info } of plan) {
        context.signal.throwIfAborted();
        makePrivateDir(join(dir, database));
        const type = info.type ?? 'collection';
        const dataName = dataFileName(info.name, type, gzip);
        if (dataName !== null) {
          const source = type === 'timeseries' ? `system.buckets.${info.name}` : info.name;
          const cursor = client.db(database).collection(source).find({}, { raw: true, batchSize: 1000 });
          const before = { done, bytes };
          const result = await writeBsonFile(join(dir, database, dataName), cursor as AsyncIterable<Uint8Array>, {
            gzip,
            signal: context.signal,
            onProgress: (docs, fileBytes) => context.progress({ done: before.done + docs, bytes: before.bytes + fileBytes }),
          }).finally(() => cursor.close().catch(() => undefined));
          context.fileWritten?.(`${database}/${dataName}`, result.sha256, result.bytes);
          done += result.documents;
          bytes += result.bytes;
          facts[documentsFact(database, info.name)] = result.documents;
        }
        const indexes = type === 'view' ? [] : await client.db(database).collection(info.name).listIndexes().toArray();
        const metadata: CollectionMetadata = { options: info.options ?? {}, indexes, collectionName: info.name, type };
        if (info.info?.uuid) metadata.uuid = Buffer.from(info.info.uuid.buffer).toString('hex');
        const text = formatMetadata(metadata);
        await writeFile(join(dir, database, metadataFileName(info.name, gzip)), gzip ? gzipSync(text) : text, { flag: 'wx', mode: PRIVATE_FILE_MODE });
      }
      context.progress({ done, total: Math.max(total, done), bytes });
      return facts;
    });
  }

  async verify(dir: string, facts: DumpFacts, context: EngineContext): Promise<string[]> {
    context.progress({ phase: 'verifying' });
    return verifyMongoDump(dir, facts, context);
  }

  async restore(dir: string, context: EngineContext, options: RestoreOptions = {}): Promise<string> {
    const collections = (await listDumpedCollections(dir)).filter((c) => !this.options.databases || this.options.databases.includes(c.database));
    return this.withClient(context.signal, async (client) => {
      let inserted = 0;
      let duplicates = 0;
      let indexes = 0;
      // Views last: they may be defined on collections restored before them.
      const ordered = [...collections.filter((c) => c.metadata.type !== 'view'), ...collections.filter((c) => c.metadata.type === 'view')];
      for (const dumped of ordered) {
        context.signal.throwIfAborted();
        const result = await this.restoreCollection(client, dumped, options, context, inserted);
        inserted += result.inserted;
        duplicates += result.duplicates;
        indexes += result.indexes;
      }
      let sentence = `restored ${inserted} documents into ${ordered.length} collections of ${this.source}, with ${indexes} indexes`;
      if (options.clean) sentence += ', after dropping each collection';
      if (duplicates > 0) sentence += `; ${duplicates} documents whose _id was already there were left as they are`;
      return sentence;
    });
  }

  private async restoreCollection(client: MongoClient, dumped: DumpedCollection, options: RestoreOptions, context: EngineContext, before: number) {
    const db = client.db(dumped.database);
    const { collection, metadata } = dumped;
    if (options.clean) await db.dropCollection(collection).catch((error: unknown) => ignoreNamespaceNotFound(error));
    const exists = (await db.listCollections({ name: collection }, { nameOnly: true }).toArray()).length > 0;
    if (!exists) await db.createCollection(collection, (metadata.options ?? {}) as Document);
    let inserted = 0;
    let duplicates = 0;
    if (dumped.dataPath !== null) {
      const target = db.collection(metadata.type === 'timeseries' ? `system.buckets.${collection}` : collection);
      let batch: Document[] = [];
      let batchBytes = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const outcome = await insertBatch(target, batch);
        inserted += outcome.inserted;
        duplicates += outcome.duplicates;
        context.progress({ done: before + inserted });
        batch = [];
        batchBytes = 0;
      };
      for await (const raw of readBsonFile(dumped.dataPath, { signal: context.signal })) {
        // promoteValues: false keeps Int32, Int64 and Double as they were, so types survive the round trip.
        batch.push(decodeDocument(raw, dumped.dataPath, { promoteValues: false, bsonRegExp: true }));
        batchBytes += raw.raw.length;
        if (batch.length >= INSERT_BATCH_DOCUMENTS || batchBytes >= INSERT_BATCH_BYTES) await flush();
      }
      await flush();
    }
    const specs = metadata.indexes.filter((index) => index.name !== '_id_').map(({ ns: _ns, ...spec }) => spec as Document & { key: Document; name: string });
    if (specs.length > 0 && metadata.type !== 'view') await db.command({ createIndexes: collection, indexes: specs });
    return { inserted, duplicates, indexes: specs.length };
  }

  private async databaseNames(client: MongoClient): Promise<string[]> {
    if (this.options.databases) return this.options.databases;
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    return databases.map((d) => d.name).filter((name) => !SKIPPED_DATABASES.has(name)).sort();
  }

  private async withClient<T>(signal: AbortSignal, use: (client: MongoClient) => Promise<T>): Promise<T> {
    const { MongoClient } = await import('mongodb');
    const client = new MongoClient(this.url, {
      ...(this.username !== null ? { auth: { username: this.username, ...(this.password !== null ? { password: this.password } : {}) } } : {}),
      serverSelectionTimeoutMS: this.timeoutMs,
      connectTimeoutMS: this.timeoutMs,
      // A getMore on a large collection can take a while; a frozen socket still ends.
      socketTimeoutMS: Math.max(this.timeoutMs, 120_000),
      appName: 'flightdeck-backup',
    });
    const abort = () => void client.close(true).catch(() => undefined);
    signal.addEventListener('abort', abort, { once: true });
    try {
      await client.connect();
      return await use(client);
    } catch (error) {
      if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new FlightdeckError('timeout', 'cancelled');
      if (error instanceof FlightdeckError) throw error;
      const message = messageOf(error);
      const why = /Authentication failed|auth/i.test(message) && (error as { code?: number }).code === 18 ? `authentication failed (${message})` : message;
      throw new FlightdeckError('bad-input', scrub(`${this.source}: ${why}`, this.password ? [this.password] : []));
    } finally {
      signal.removeEventListener('abort', abort);
      await client.close().catch(() => undefined);
    }
  }
}

/**
 * Every collection's metadata parses, every .bson reads back document by
 * document with valid framing, and the counts match what the dump recorded.
 */
export const verifyMongoDump: OfflineVerifier = async (dir, facts, context) => {
  const collections = await listDumpedCollections(dir);
  const checks: string[] = [];
  const seen = new Set<string>();
  let documents = 0;
  for (const dumped of collections) {
    const key = documentsFact(dumped.database, dumped.collection);
    seen.add(key);
    if (dumped.dataPath === null) {
      checks.push(`${dumped.database}.${dumped.collection}: a view, its definition in the metadata`);
      continue;
    }
    const count = await countDocuments(dumped.dataPath, context.signal);
    const recorded = facts[key];
    if (typeof recorded === 'number' && recorded !== count) {
      throw new FlightdeckError('bad-input', `${dumped.dataPath}: ${count} documents, but the dump wrote ${recorded}`, { file: dumped.dataPath });
    }
    documents += count;
    checks.push(`${dumped.database}.${dumped.collection}: ${count} documents read back, ${dumped.metadata.indexes.length} indexes in the metadata`);
  }
  for (const key of Object.keys(facts)) {
    const names = parseDocumentsFact(key);
    if (names && !seen.has(key)) throw new FlightdeckError('not-found', `${dir}: ${names.database}.${names.collection} was dumped but its metadata file is missing`, { file: dir });
  }
  checks.unshift(`${collections.length} collections, ${documents} documents, every document's BSON framing valid`);
  return checks;
};

interface CollectionInfo {
  name: string;
  type?: string;
  options?: Document;
  info?: { uuid?: { buffer: Uint8Array } };
}

/** As mongodump: system collections other than system.js are the server's own. */
function skipCollection(name: string): boolean {
  return name.startsWith('system.') && name !== 'system.js';
}

/** mongodb://user@hosts/… → the URL without user info, and the user name. A password in the URL is refused. */
export function splitUserInfo(raw: string): { url: string; username: string | null } {
  const match = /^(mongodb(?:\+srv)?:\/\/)(?:([^@/?]*)@)?(.*)$/i.exec(raw);
  if (!match) throw new FlightdeckError('bad-input', `mongodb backup: "${displayTarget(raw)}" is not a mongodb:// URL`, { field: 'url' });
  const userInfo = match[2];
  if (userInfo === undefined || userInfo === '') return { url: `${match[1]}${match[3]}`, username: null };
  if (userInfo.includes(':')) throw new FlightdeckError('bad-input', `mongodb backup: the URL carries a password; put it in the vault and reference it as { secret: NAME }`, { field: 'url' });
  return { url: `${match[1]}${match[3]}`, username: decodeURIComponent(userInfo) };
}

async function insertBatch(collection: import('mongodb').Collection, batch: Document[]): Promise<{ inserted: number; duplicates: number }> {
  try {
    const result = await collection.insertMany(batch, { ordered: false });
    return { inserted: result.insertedCount, duplicates: 0 };
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    const onlyDuplicates = list.length > 0 && list.every((e) => e.code === 11000);
    if (!onlyDuplicates) throw error;
    const inserted = (error as { result?: { insertedCount?: number } }).result?.insertedCount ?? batch.length - list.length;
    return { inserted, duplicates: list.length };
  }
}

function ignoreNamespaceNotFound(error: unknown): void {
  if ((error as { codeName?: string; code?: number }).code === 26) return;
  throw error;
}
