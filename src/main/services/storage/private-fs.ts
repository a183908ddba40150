/**
 * Files only their owner reads. Journals, metrics, reports, prefs and every
 * backup file hold production facts (and a backup holds the data itself),
 * so everything Flightdeck writes into its data directory is owner-only:
 * files 0600, directories 0700. The modes are written here and nowhere else.
 *
 * A requested mode passes through the process umask, which can only take
 * bits away; a chmod afterwards sets it exactly, so a stricter umask cannot
 * leave a directory its owner cannot write either. On Windows chmod only
 * toggles the read-only flag and both modes leave files writable; the
 * per-user profile directory is what keeps other users out there.
 */
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * mkdir -p where every directory it creates is 0700. Directories that
 * already exist keep their mode: a backup folder the profile names may be
 * the team's own. Returns the first directory created, as mkdirSync does.
 */
export function makePrivateDir(dir: string): string | undefined {
  const first = fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return undefined;
  const top = path.resolve(first);
  for (let created = path.resolve(dir); ; created = path.dirname(created)) {
    fs.chmodSync(created, PRIVATE_DIR_MODE);
    if (created === top || created === path.dirname(created)) break;
  }
  return first;
}

/** Creates one directory (not its parents) as 0700; throws EEXIST as mkdirSync does. */
export function makePrivateDirOnce(dir: string): void {
  fs.mkdirSync(dir, { mode: PRIVATE_DIR_MODE });
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * The data directory at start: created 0700, or an existing one tightened
 * to 0700 (an older version, or Electron's userData, may have made it 0755).
 */
export function ensurePrivateDataDir(dir: string): void {
  makePrivateDir(dir);
  fs.chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Sets an open file to 0600: for files another program created, or an older version left readable. */
export function makeFdPrivate(fd: number): void {
  fs.fchmodSync(fd, PRIVATE_FILE_MODE);
}

/**
 * Creates an empty 0600 file that must not exist yet, for a program that
 * then writes into it (redis-cli --rdb opens its output without O_EXCL and
 * keeps an existing file's mode), so the data is never readable by others,
 * not even while it is being written.
 */
export function createPrivateFile(file: string): void {
  const fd = fs.openSync(file, 'wx', PRIVATE_FILE_MODE);
  try {
    makeFdPrivate(fd);
  } finally {
    fs.closeSync(fd);
  }
}
