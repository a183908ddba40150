/**
 * The checksum manifest of a backup: SHA256SUMS in the format of coreutils'
 * `sha256sum`, so `sha256sum -c SHA256SUMS` checks a backup with no
 * Flightdeck at hand. It is written last; its presence is what makes a
 * directory a backup.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, posix, relative, sep } from 'node:path';
import { FlightdeckError } from '../../../shared/errors';

export const MANIFEST_NAME = 'SHA256SUMS';

export interface ManifestEntry {
  /** Relative to the backup directory, with forward slashes. */
  path: string;
  sha256: string;
}

/**
 * One line per file: hash, two spaces, name. sha256sum escapes names with a
 * backslash or newline by prefixing the line with "\"; engines never write
 * such names, so they are refused rather than escaped.
 */
export function formatManifest(entries: readonly ManifestEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sorted
    .map((entry) => {
      if (/[\\\n\r]/.test(entry.path)) throw new FlightdeckError('bad-input', `A backup file name cannot contain a backslash or a line break: ${JSON.stringify(entry.path)}`, { field: 'path' });
      if (!/^[0-9a-f]{64}$/.test(entry.sha256)) throw new FlightdeckError('internal', `Not a sha256 hex digest for ${entry.path}`);
      return `${entry.sha256}  ${entry.path}\n`;
    })
    .join('');
}

/** Reads SHA256SUMS text back; `file` names it in errors. Accepts the binary-mode marker ("*") sha256sum may write. */
export function parseManifest(text: string, file: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, index) => {
    const match = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!match) throw new FlightdeckError('bad-input', `Not a sha256sum line: ${JSON.stringify(line.slice(0, 120))}`, { file, line: index + 1 });
    const path = match[2]!;
    if (path.startsWith('/') || path.split('/').includes('..')) throw new FlightdeckError('bad-input', `The manifest names a file outside the backup: ${path}`, { file, line: index + 1 });
    if (seen.has(path)) throw new FlightdeckError('bad-input', `The manifest lists ${path} twice`, { file, line: index + 1 });
    seen.add(path);
    entries.push({ path, sha256: match[1]! });
  });
  return entries;
}

export async function sha256OfFile(file: string, signal?: AbortSignal): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const stream = createReadStream(file, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { sha256: hash.digest('hex'), bytes };
}

/** Every regular file under `dir`, relative, forward slashes, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await readdir(current, { withFileTypes: true })) {
      const full = join(current, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(relative(dir, full).split(sep).join(posix.sep));
    }
  };
  await walk(dir);
  return out.sort();
}

/**
 * Checks every file of a backup directory against its manifest: each listed
 * file present with its hash, no file unlisted. Throws naming the file that
 * is wrong; returns the checks in sentences.
 */
export async function checkManifest(dir: string, signal: AbortSignal): Promise<{ checks: string[]; entries: ManifestEntry[]; bytes: number }> {
  const manifestFile = join(dir, MANIFEST_NAME);
  let text: string;
  try {
    text = await readFile(manifestFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FlightdeckError('not-found', `${dir} is not a complete backup: it has no ${MANIFEST_NAME}`, { file: manifestFile });
    throw error;
  }
  const entries = parseManifest(text, manifestFile);
  const listed = new Set(entries.map((entry) => entry.path));
  for (const present of await listFiles(dir)) {
    if (present !== MANIFEST_NAME && !listed.has(present)) throw new FlightdeckError('conflict', `${present} is in the backup directory but not in its ${MANIFEST_NAME}`, { file: join(dir, present) });
  }
  let bytes = 0;
  for (const entry of entries) {
    const file = join(dir, ...entry.path.split('/'));
    let actual: { sha256: string; bytes: number };
    try {
      actual = await sha256OfFile(file, signal);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FlightdeckError('not-found', `${entry.path} is listed in ${MANIFEST_NAME} but missing`, { file });
      throw error;
    }
    if (actual.sha256 !== entry.sha256) throw new FlightdeckError('conflict', `${entry.path} does not match its checksum (expected ${entry.sha256.slice(0, 12)}…, found ${actual.sha256.slice(0, 12)}…): the file changed or is damaged`, { file });
    bytes += actual.bytes;
  }
  return { checks: [`${entries.length} file(s), ${bytes} bytes, match ${MANIFEST_NAME}`], entries, bytes };
}
