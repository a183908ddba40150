/**
 * Writes that survive a crash or power cut. Synchronous on purpose: the
 * journal answers only once its bytes are on disk, and these calls are short.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PRIVATE_FILE_MODE } from './private-fs';

/**
 * Makes a directory's entries (new, renamed or removed files) durable; a
 * file's own fsync does not cover the name that points at it.
 */
export function fsyncDir(dir: string): void {
  // Windows cannot open a directory for fsync, and NTFS journals its metadata.
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } catch (err) {
    // Some filesystems (network shares, FUSE) cannot fsync a directory at all.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw err;
  } finally {
    fs.closeSync(fd);
  }
}

/** Name for a temporary sibling of `file`, unique per call. */
export function tempPathFor(file: string): string {
  return `${file}.${randomBytes(6).toString('hex')}.tmp`;
}

/**
 * Replaces `file` so that a reader, or the file after a crash, holds either
 * the old content or the new one, never a mix or nothing. The file is
 * owner-only (0600) unless `mode` says otherwise: a runbook written back
 * keeps its own permissions.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, mode: number = PRIVATE_FILE_MODE): void {
  const temp = tempPathFor(file);
  try {
    // Created owner-only, so not even the temp file is readable by others for a moment.
    const fd = fs.openSync(temp, 'wx', PRIVATE_FILE_MODE);
    try {
      fs.fchmodSync(fd, mode);
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  fsyncDir(path.dirname(file));
}
