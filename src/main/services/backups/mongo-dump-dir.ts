/**
 * Finds the collections of a mongodump-format directory (one folder per
 * database, a metadata file per collection) and counts and checks their
 * documents. Shared by the offline verification and the restore, so both
 * read a backup exactly the way the tested reader does.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { decodeDocument, readBsonFile } from './bson-file-reader';
import { dataFileName, parseMetadata, type CollectionMetadata } from './mongo-dump-layout';

export interface DumpedCollection {
  database: string;
  collection: string;
  metadata: CollectionMetadata;
  metadataPath: string;
  /** Null for a view. */
  dataPath: string | null;
  gzip: boolean;
}

const METADATA = /\.metadata\.json(\.gz)?$/;

export async function listDumpedCollections(dir: string): Promise<DumpedCollection[]> {
  const found: DumpedCollection[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const database = entry.name;
    for (const name of (await readdir(join(dir, database))).sort()) {
      const match = METADATA.exec(name);
      if (!match) continue;
      const gzip = match[1] !== undefined;
      const metadataPath = join(dir, database, name);
      let text: string;
      try {
        const bytes = await readFile(metadataPath);
        text = (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
      } catch (error) {
        throw new FlightdeckError('bad-input', `${metadataPath}: cannot be read (${messageOf(error)})`, { file: metadataPath });
      }
      const metadata = parseMetadata(text, metadataPath);
      const dataName = dataFileName(metadata.collectionName, metadata.type, gzip);
      found.push({ database, collection: metadata.collectionName, metadata, metadataPath, dataPath: dataName === null ? null : join(dir, database, dataName), gzip });
    }
  }
  return found;
}

/** Reads every document of a data file, checking framing and parsing each; returns the count. */
export async function countDocuments(path: string, signal?: AbortSignal, onDocument?: (count: number) => void): Promise<number> {
  await stat(path).catch(() => {
    throw new FlightdeckError('not-found', `${path}: the collection's data file is missing`, { file: path });
  });
  let count = 0;
  for await (const document of readBsonFile(path, signal ? { signal } : {})) {
    decodeDocument(document, path);
    count++;
    if (onDocument && count % 1000 === 0) onDocument(count);
  }
  return count;
}
