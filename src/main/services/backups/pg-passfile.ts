/**
 * A temporary libpq password file, the one way a password reaches pg_dump
 * and pg_restore: not argv (visible to every user in /proc), not
 * PGPASSWORD (inherited by anything the tool starts, and shown by tools
 * that dump their environment). The file lives in a private directory,
 * mode 0600, and is removed as soon as the tool has connected (libpq reads
 * it only while connecting), at the latest when the tool ends. A crash in
 * between leaves the directory, named after our pid, for
 * `removeStalePassfiles` to delete at the next start.
 */
import { readdir, rm, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlightdeckError } from '../../../shared/errors';
import { processAlive } from './process-alive';

const PREFIX = 'flightdeck-pgpass-';

/** A passfile line matching any host, port, database and user: names never need escaping that way. */
export function passfileLine(password: string): string {
  if (/[\n\r\0]/.test(password)) {
    throw new FlightdeckError('bad-input', 'The PostgreSQL password contains a line break or NUL, which a libpq password file cannot hold', { field: 'password' });
  }
  return `*:*:*:*:${password.replace(/\\/g, '\\\\').replace(/:/g, '\\:')}\n`;
}

/**
 * Runs `use` with the path of a passfile holding `password` (null: no
 * passfile) and a `release` that deletes it early (once the tool is
 * connected); deletes it afterwards whatever happens.
 */
export async function withPassfile<T>(password: string | null, use: (passfile: string | null, release: () => void) => Promise<T>): Promise<T> {
  if (password === null) return use(null, () => undefined);
  const line = passfileLine(password);
  const dir = await mkdtemp(join(tmpdir(), `${PREFIX}${process.pid}-`));
  let removal: Promise<void> | null = null;
  const release = () => {
    removal ??= rm(dir, { recursive: true, force: true });
  };
  try {
    const file = join(dir, 'pgpass');
    await writeFile(file, line, { mode: 0o600, flag: 'wx' });
    return await use(file, release);
  } finally {
    release();
    await removal;
  }
}

/** Deletes password directories whose process is gone (a crash mid-dump); returns what it removed. */
export async function removeStalePassfiles(dir = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(entry);
    if (!match || processAlive(Number(match[1]))) continue;
    await rm(join(dir, entry), { recursive: true, force: true });
    removed.push(join(dir, entry));
  }
  return removed;
}
