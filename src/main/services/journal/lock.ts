/**
 * One writer per session directory. Two Flightdecks appending to the same
 * journal would fork its hash chain, so the second one is refused while the
 * first is alive, and a lock left by a crash is taken over.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FlightdeckError } from '../../../shared/errors';
import { tempPathFor } from '../storage/durable-fs';
import { PRIVATE_FILE_MODE } from '../storage/private-fs';

export const LOCK_FILE = 'journal.lock';

export interface Lock {
  readonly file: string;
  release(): void;
}

interface Owner {
  pid: number;
  hostname: string;
  startedAt: string;
}

/**
 * Directories this process holds, by real path. A lock file naming our own
 * pid that is not in here was left by an earlier process that had our pid
 * (a restarted container numbers its processes the same way every time).
 */
const held = new Set<string>();

/** Filesystems without hard links (FAT, some network shares) answer with these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);

export function acquireLock(dir: string): Lock {
  const key = fs.realpathSync(dir);
  const file = path.join(dir, LOCK_FILE);
  if (held.has(key)) throw new FlightdeckError('locked', `Session ${dir} is already open in this Flightdeck (pid ${process.pid}).`, { file: dir });
  const me: Owner = { pid: process.pid, hostname: os.hostname(), startedAt: new Date().toISOString() };
  const content = JSON.stringify(me);
  // A few rounds: each lost race either ends in "locked" or removes a stale lock.
  for (let round = 0; round < 5; round++) {
    if (createExclusive(file, content)) {
      held.add(key);
      return { file, release: once(() => release(file, key, me)) };
    }
    let judged: Buffer;
    try {
      judged = fs.readFileSync(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const owner = parseOwner(judged);
    if (owner && isAlive(owner)) throw lockedError(dir, owner);
    moveAside(file, judged);
  }
  throw new FlightdeckError('locked', `Session ${dir} is being opened by several Flightdecks at once.`, { file: dir });
}

function lockedError(dir: string, owner: Owner): FlightdeckError {
  const where = owner.hostname === os.hostname() ? `pid ${owner.pid}` : `pid ${owner.pid} on ${owner.hostname}; if that host no longer has it open, delete ${LOCK_FILE}`;
  return new FlightdeckError('locked', `Session ${dir} is open in another Flightdeck (${where}).`, { file: dir });
}

/**
 * Creates the lock with its content already in place: written to a temp
 * file and hard-linked, which fails if the lock exists. With a plain O_EXCL
 * create another process could read the lock while it is still empty and
 * take it for one left by a crash.
 */
function createExclusive(file: string, content: string): boolean {
  const temp = tempPathFor(file);
  let linkFailed: NodeJS.ErrnoException;
  fs.writeFileSync(temp, content, { flag: 'wx', mode: PRIVATE_FILE_MODE });
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (err) {
    linkFailed = err as NodeJS.ErrnoException;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  if (linkFailed.code === 'EEXIST') return false;
  if (!NO_HARD_LINKS.has(linkFailed.code ?? '')) throw linkFailed;
  try {
    fs.writeFileSync(file, content, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Null for an empty or garbled lock: a crash between creating and writing it. */
function parseOwner(bytes: Buffer): Owner | null {
  try {
    const value = JSON.parse(bytes.toString('utf8')) as Partial<Owner> | null;
    if (!value || !Number.isSafeInteger(value.pid) || (value.pid as number) <= 0) return null;
    if (typeof value.hostname !== 'string' || typeof value.startedAt !== 'string') return null;
    return { pid: value.pid as number, hostname: value.hostname, startedAt: value.startedAt };
  } catch {
    return null;
  }
}

function isAlive(owner: Owner): boolean {
  // A pid means nothing on another host: only its owner can say it is done.
  if (owner.hostname !== os.hostname()) return true;
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes a stale lock, but only the one that was judged stale: renaming it
 * to a private name is atomic, so of several processes taking over at once
 * only one moves it, and one that moved a fresh lock instead puts it back.
 * The caller then tries again and judges whatever lock it finds.
 */
function moveAside(file: string, judged: Buffer): void {
  const aside = tempPathFor(file);
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const moved = fs.readFileSync(aside);
    if (moved.equals(judged)) return;
    try {
      fs.writeFileSync(file, moved, { flag: 'wx', mode: PRIVATE_FILE_MODE });
    } catch {
      // Another process created a lock meanwhile; the next round judges that one.
    }
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

function release(file: string, key: string, me: Owner): void {
  held.delete(key);
  let owner: Owner | null;
  try {
    owner = parseOwner(fs.readFileSync(file));
  } catch {
    return;
  }
  // Someone took the lock over (believing us dead): it is theirs to remove.
  if (owner?.pid !== me.pid || owner.startedAt !== me.startedAt || owner.hostname !== me.hostname) return;
  fs.rmSync(file, { force: true });
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
