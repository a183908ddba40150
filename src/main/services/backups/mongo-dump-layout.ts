/**
 * The mongodump directory layout, as mongo-tools writes it (mongodump's
 * prepare.go and metadata_dump.go), so that `mongorestore DIR` reads a
 * Flightdeck backup:
 *
 *   <db>/<collection>.bson            documents (absent for views)
 *   <db>/<collection>.metadata.json   {"options":…,"indexes":[…],"uuid":…,"collectionName":…,"type":…}
 *   (both with .gz appended under --gzip)
 *
 * Collection names are escaped like Go's url.PathEscape; names whose escaped
 * form passes 238 bytes are cut to 208 bytes plus "%24" and a sha1 of the
 * full name (the real name is in the metadata). Time-series collections are
 * dumped from their buckets, as `system.buckets.<name>.bson`. The metadata is
 * canonical Extended JSON; "options" and "uuid" are left out when empty, as
 * mongodump's Go struct tags (omitempty) do.
 */
import { createHash } from 'node:crypto';
import { EJSON, type Document } from 'bson';
import { FlightdeckError, messageOf } from '../../../shared/errors';

export interface CollectionMetadata {
  options?: Document;
  indexes: Document[];
  /** The collection UUID as 32 hex digits, when the server has one. */
  uuid?: string;
  collectionName: string;
  type?: 'collection' | 'view' | 'timeseries' | string;
}

/** Characters url.PathEscape leaves alone: unreserved ones and the sub-delimiters allowed in a path segment. */
const PLAIN = /[A-Za-z0-9\-_.~$&+:=@]/;
const MAX_ESCAPED = 238;
const KEEP_WHEN_CUT = 208;

export function escapeCollectionName(name: string): string {
  let out = '';
  for (const char of name) {
    if (PLAIN.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length <= MAX_ESCAPED) return out;
  const hash = createHash('sha1').update(name, 'utf8').digest('base64url');
  return `${out.slice(0, KEEP_WHEN_CUT)}%24${hash}`;
}

export function bsonFileName(collection: string, type: CollectionMetadata['type'], gzip: boolean): string {
  const base = type === 'timeseries' ? escapeCollectionName(`system.buckets.${collection}`) : escapeCollectionName(collection);
  return `${base}.bson${gzip ? '.gz' : ''}`;
}

export function metadataFileName(collection: string, gzip: boolean): string {
  return `${escapeCollectionName(collection)}.metadata.json${gzip ? '.gz' : ''}`;
}

/** The collection's data file, or null for a view (mongodump writes none). */
export function dataFileName(collection: string, type: CollectionMetadata['type'], gzip: boolean): string | null {
  return type === 'view' ? null : bsonFileName(collection, type, gzip);
}

export function formatMetadata(meta: CollectionMetadata): string {
  const ordered: Document = {};
  if (meta.options && Object.keys(meta.options).length > 0) ordered.options = meta.options;
  ordered.indexes = meta.indexes;
  if (meta.uuid) ordered.uuid = meta.uuid;
  ordered.collectionName = meta.collectionName;
  if (meta.type) ordered.type = meta.type;
  return EJSON.stringify(ordered, { relaxed: false });
}

export function parseMetadata(text: string, path: string): CollectionMetadata {
  let parsed: unknown;
  try {
    parsed = EJSON.parse(text, { relaxed: false });
  } catch (error) {
    throw new FlightdeckError('bad-input', `${path}: not valid Extended JSON (${messageOf(error)})`, { file: path });
  }
  const meta = parsed as Partial<CollectionMetadata> | null;
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) throw new FlightdeckError('bad-input', `${path}: expected a JSON object`, { file: path });
  if (!Array.isArray(meta.indexes)) throw new FlightdeckError('bad-input', `${path}: "indexes" must be an array`, { file: path, field: 'indexes' });
  if (typeof meta.collectionName !== 'string' || meta.collectionName === '') throw new FlightdeckError('bad-input', `${path}: "collectionName" is missing`, { file: path, field: 'collectionName' });
  if (meta.options !== undefined && (typeof meta.options !== 'object' || meta.options === null)) throw new FlightdeckError('bad-input', `${path}: "options" must be an object`, { file: path, field: 'options' });
  return meta as CollectionMetadata;
}

/** The key under which a dump's facts record a collection's document count. */
export function documentsFact(database: string, collection: string): string {
  return `documents.${database}.${collection}`;
}

/** Database names cannot contain '.', so the first dot after the prefix splits database from collection. */
export function parseDocumentsFact(key: string): { database: string; collection: string } | null {
  const match = /^documents\.([^.]+)\.(.+)$/.exec(key);
  return match ? { database: match[1]!, collection: match[2]! } : null;
}
