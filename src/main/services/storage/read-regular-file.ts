/**
 * The one way Flightdeck reads a file it was pointed at: a runbook, a
 * profile, a metric history, the vault, a journal, a `--trust` file.
 *
 * A path can name something that is not a file. A FIFO blocks a plain read
 * until some writer appears (forever, and with readFileSync the whole event
 * loop with it); a device never ends (/dev/zero) or has side effects when
 * opened; a directory or a socket cannot be read at all. So the path is
 * looked at first (nothing strange is even opened), then opened with
 * O_NONBLOCK (a FIFO swapped in meanwhile cannot block the open), and the
 * open handle is checked again with fstat: what is read is what was checked,
 * whatever was renamed in between. Symbolic links are followed (teams link
 * runbooks); the check is on what they lead to.
 *
 * Every refusal is a FlightdeckError naming the file (the `file` field, so
 * formatError prints "path: is a FIFO ..."), and the async read has a
 * deadline: a file on a hung network mount ends the read with 'timeout'
 * instead of leaving the caller waiting.
 */
import fs from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { FlightdeckError, type ErrorCode } from '../../../shared/errors';
import { formatBytesOver } from '../../../shared/format';

export interface ReadFileOptions {
  /** Larger files are refused, naming the file and this limit. */
  maxBytes: number;
  /** How the file is named in errors; the path by default (a CLI shows what the user typed). */
  label?: string;
  /** What the file is for, in the size refusal: "a runbook", "a profile". */
  what?: string;
  /** The read is abandoned after this long (async read only). */
  timeoutMs?: number;
  /** Ends the read early (async read only). */
  signal?: AbortSignal;
}

/** Long enough for any local disk under load, short enough that a stuck mount is reported while someone waits. */
export const FILE_READ_DEADLINE_MS = 15_000;

/** Size limits of the files Flightdeck reads, one place for all of them. */
export const FILE_LIMITS = {
  /** A deployment profile is a page or two of YAML. */
  profileBytes: 1024 * 1024,
  /** A few hundred sealed secrets. */
  vaultBytes: 8 * 1024 * 1024,
  /** An 8-hour window at several entries a second stays far below this; memory holds it whole. */
  journalBytes: 512 * 1024 * 1024,
  /** Histories are read whole; a month of 1 s samples of ten metrics fits well under this. */
  metricHistoryBytes: 512 * 1024 * 1024,
  /** A certificate chain or a public key. */
  trustBytes: 256 * 1024,
} as const;

const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;
const READ_FLAGS = fs.constants.O_RDONLY | O_NONBLOCK;

/** What a path is, in words, when it is not a regular file. */
export function describeKind(info: fs.Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function notRegular(info: fs.Stats, label: string): FlightdeckError {
  return new FlightdeckError('bad-input', `is ${describeKind(info)}, not a regular file; Flightdeck reads only regular files.`, { file: label });
}

function tooLarge(size: number, options: ReadFileOptions, label: string): FlightdeckError {
  const what = options.what ? `${options.what} ` : 'this file ';
  const [is, limit] = formatBytesOver(size, options.maxBytes);
  return new FlightdeckError('too-large', `is ${is}; Flightdeck reads ${what}up to ${limit}.`, { file: label });
}

/** A failed stat, open or read as a FlightdeckError naming the file. */
export function fileError(error: unknown, label: string): FlightdeckError {
  if (error instanceof FlightdeckError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const as = (errorCode: ErrorCode, message: string) => new FlightdeckError(errorCode, message, { file: label });
  if (code === 'ENOENT' || code === 'ENOTDIR') return as('not-found', 'does not exist.');
  if (code === 'EACCES' || code === 'EPERM') return as('forbidden', 'cannot be read: permission denied.');
  if (code === 'EISDIR') return as('bad-input', 'is a directory, not a regular file; Flightdeck reads only regular files.');
  if (code === 'ELOOP') return as('bad-input', 'is a loop of symbolic links.');
  return as('bad-input', `cannot be read: ${code ?? (error instanceof Error ? error.message : String(error))}.`);
}

function checkRegular(info: fs.Stats, options: ReadFileOptions, label: string): void {
  if (!info.isFile()) throw notRegular(info, label);
  if (info.size > options.maxBytes) throw tooLarge(info.size, options, label);
}

/**
 * Reads a regular file whole, or refuses it: not found, not a regular file,
 * over `maxBytes` (also when it grows while read), or past its deadline.
 */
export async function readRegularFile(path: string, options: ReadFileOptions): Promise<Buffer> {
  const label = options.label ?? path;
  const timeoutMs = options.timeoutMs ?? FILE_READ_DEADLINE_MS;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const onOuterAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const deadline = new Promise<never>((_, reject) => {
    controller.signal.addEventListener(
      'abort',
      () => {
        reject(
          options.signal?.aborted
            ? new FlightdeckError('timeout', 'was not read: the read was cancelled.', { file: label })
            : new FlightdeckError('timeout', `could not be read within ${timeoutMs / 1000} s (a stalled disk or network mount?).`, { file: label }),
        );
      },
      { once: true },
    );
  });
  deadline.catch(() => undefined);
  try {
    if (options.signal?.aborted) controller.abort();
    return await Promise.race([readChecked(path, options, label, controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onOuterAbort);
    // Whatever is still running (a read stuck in the kernel) sees this and stops at its next step.
    controller.abort();
  }
}

async function readChecked(path: string, options: ReadFileOptions, label: string, signal: AbortSignal): Promise<Buffer> {
  let handle: fs.promises.FileHandle | null = null;
  try {
    // Look before opening: a device or a FIFO is never opened at all.
    checkRegular(await stat(path), options, label);
    handle = await open(path, READ_FLAGS);
    if (signal.aborted) return Buffer.alloc(0);
    // And after: what is read is the file that was checked, whatever was renamed in between.
    const info = await handle.stat();
    checkRegular(info, options, label);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      if (signal.aborted) return Buffer.alloc(0);
      const room = Math.min(Math.max(info.size - total, 0) + 1, options.maxBytes + 1 - total, 1024 * 1024);
      const chunk = Buffer.allocUnsafe(Math.max(room, 1));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      // A file that grows past the limit while it is read is refused like one that was too large to begin with.
      if (total > options.maxBytes) throw tooLarge(total, options, label);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    throw fileError(error, label);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * The same checks for a caller that must stay synchronous (the journal,
 * which answers each append only once it is on disk). It cannot have a
 * deadline, but a FIFO, a device or a directory is still refused without
 * ever blocking, and the size is still limited.
 */
export function readRegularFileSync(path: string, options: ReadFileOptions): Buffer {
  const label = options.label ?? path;
  let fd: number | null = null;
  try {
    checkRegular(fs.statSync(path), options, label);
    fd = fs.openSync(path, READ_FLAGS);
    const info = fs.fstatSync(fd);
    checkRegular(info, options, label);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const room = Math.min(Math.max(info.size - total, 0) + 1, options.maxBytes + 1 - total, 1024 * 1024);
      const chunk = Buffer.allocUnsafe(Math.max(room, 1));
      const bytesRead = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > options.maxBytes) throw tooLarge(total, options, label);
      chunks.push(chunk.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } catch (error) {
    throw fileError(error, label);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/**
 * Refuses a path that exists and is not a regular file, naming what it is,
 * without opening it. For files Flightdeck opens to write (the journal):
 * opening a FIFO for writing blocks until a reader comes.
 */
export function refuseNonRegularSync(path: string, label: string = path): void {
  let info: fs.Stats;
  try {
    info = fs.statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw fileError(error, label);
  }
  if (!info.isFile()) throw notRegular(info, label);
}
