/**
 * The one path every backup takes, whatever the database, so each gets the
 * same guarantees: refused up front when it cannot fit; written into
 * `<root>/<name>/<stamp>.<pid>.partial/` (never listed or presented as a
 * backup); described in backup.json; verified; sealed by SHA256SUMS
 * written last; made durable (fsync files and directories) and moved into
 * place by one atomic rename; and only then, retention. Cancel, a deadline
 * or any failure removes the partial directory; a crash leaves one that
 * `removePartials` clears. Every directory is 0700 and every file 0600,
 * whichever program wrote it: a backup is the data itself.
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { chmod, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { fsyncDir, writeFileAtomic } from '../storage/durable-fs';
import { makeFdPrivate, makePrivateDir, makePrivateDirOnce, PRIVATE_DIR_MODE } from '../storage/private-fs';
import type { BackupEngine, BackupEngineName, BackupProgress, DumpFacts, EngineContext, OfflineVerifier, VerifyOptions } from './backup-engine';
import { formatMeta, META_NAME, readBackupMeta, type BackupMeta } from './backup-meta';
import { expiredBackups, type Retention } from './backup-retention';
import { ProgressMeter } from './backup-progress';
import { removeStalePassfiles } from './pg-passfile';
import { processAlive } from './process-alive';
import { assertFits, freeBytesOf } from './disk-space';
import { checkManifest, formatManifest, listFiles, MANIFEST_NAME, parseManifest, sha256OfFile, type ManifestEntry } from './manifest';

export type { Retention } from './backup-retention';

export interface BackupRequest {
  engine: BackupEngine;
  /** The backup folder of the profile; backups of `name` go into `<root>/<name>/`. */
  root: string;
  name: string;
  retention: Retention;
  signal: AbortSignal;
  onProgress(p: BackupProgress): void;
  verify?: VerifyOptions;
  now?: () => Date;
  /** Free bytes on the filesystem of a directory (tests shrink it). */
  freeBytes?: (dir: string) => Promise<number>;
}

export interface BackupFile {
  /** Relative to dir, forward slashes. */
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupResult {
  dir: string;
  bytes: number;
  files: BackupFile[];
  manifestSha256: string;
  checks: string[];
  facts: DumpFacts;
  removedByRetention: string[];
}

export interface BackupListing {
  dir: string;
  name: string;
  engine: BackupEngineName;
  createdAt: string;
  bytes: number;
}

const PARTIAL_SUFFIX = '.partial';
/** `<stamp>.<pid>.partial`: the pid tells removePartials whether a live process still writes it. */
const PARTIAL_PATTERN = /\.(\d+)\.partial$/;
/** Partial directories this process is writing right now. */
const active = new Set<string>();

function checkName(name: string): void {
  if (!name || name === '.' || name === '..' || /[/\\\0]/.test(name) || name.endsWith(PARTIAL_SUFFIX) || name.length > 200) {
    throw new FlightdeckError('bad-input', `A backup name must be a plain folder name (no slash, not ending in ${PARTIAL_SUFFIX}): ${JSON.stringify(name)}`, { field: 'name' });
  }
}

/** 2026-05-04T10-20-30-123Z: sortable, and valid on every filesystem. */
function stampOf(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

/** Durable and owner-only, also when a dump tool (redis-cli, pg_dump, mongodump) made it with its own mode. */
function sealFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    makeFdPrivate(fd);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Turns the errors of a full disk or a file-size limit into a message that says so. */
function explainWriteFailure(error: unknown, dir: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const text = messageOf(error);
  if (code === 'ENOSPC' || code === 'EDQUOT' || /no space left on device|disk quota exceeded/i.test(text)) {
    return new FlightdeckError('too-large', `The backup failed: no space left on device in ${dir} (${messageOf(error)}); nothing was kept`, { file: dir });
  }
  if (code === 'EFBIG' || /file too large/i.test(text)) {
    return new FlightdeckError('too-large', `The backup failed: file too large for ${dir} (a file-size limit or the filesystem's) (${messageOf(error)}); nothing was kept`, { file: dir });
  }
  return error;
}

async function makePartialDir(parent: string, stamp: string): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    const dir = join(parent, `${stamp}${attempt ? `-${attempt}` : ''}.${process.pid}${PARTIAL_SUFFIX}`);
    try {
      makePrivateDirOnce(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 20) throw error;
    }
  }
}

/** Moves the sealed directory into place; another backup in the same millisecond gets a suffix instead of a clash. */
async function moveIntoPlace(partial: string, parent: string, stamp: string): Promise<string> {
  for (let attempt = 0; ; attempt += 1) {
    const target = join(parent, `${stamp}${attempt ? `-${attempt}` : ''}`);
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await rename(partial, target);
      return target;
    }
    if (attempt > 20) throw new FlightdeckError('conflict', `Cannot move the backup into place: ${target} exists`, { file: target });
  }
}

async function sealTree(dir: string, files: readonly string[]): Promise<void> {
  const dirs = new Set<string>([dir]);
  for (const file of files) {
    const parts = file.split('/');
    sealFile(join(dir, ...parts));
    for (let i = 1; i < parts.length; i += 1) dirs.add(join(dir, ...parts.slice(0, i)));
  }
  for (const d of dirs) {
    await chmod(d, PRIVATE_DIR_MODE);
    fsyncDir(d);
  }
}

function stopped(signal: AbortSignal, partial: string | null): FlightdeckError {
  const why = signal.reason instanceof Error ? signal.reason.message : signal.reason ? String(signal.reason) : 'cancelled';
  const cleanup = partial ? `; its unfinished directory ${basename(partial)} was removed` : '';
  return new FlightdeckError('timeout', `The backup stopped before it was complete (${why})${cleanup}`, partial ? { file: partial } : {});
}

export async function runBackup(request: BackupRequest): Promise<BackupResult> {
  checkName(request.name);
  const { engine, signal } = request;
  const now = request.now ?? (() => new Date());
  const parent = join(request.root, request.name);
  makePrivateDir(parent);
  const meter = new ProgressMeter(request.onProgress);
  let partial: string | null = null;
  // When an engine reports no bytes itself, the pipeline measures its directory.
  let engineReportsBytes = false;
  let poll: NodeJS.Timeout | null = null;
  try {
    meter.update({ phase: 'estimating' });
    const estimate = await engine.estimate(signal);
    const tools = engine.toolVersions ? await engine.toolVersions(signal) : {};
    const free = await (request.freeBytes ?? freeBytesOf)(parent);
    assertFits(parent, estimate, free);
    signal.throwIfAborted();

    const createdAt = now();
    const stamp = stampOf(createdAt);
    partial = await makePartialDir(parent, stamp);
    active.add(partial);
    const hashed = new Map<string, { sha256: string; bytes: number }>();
    const context: EngineContext = {
      signal,
      progress: (update) => {
        if (update.bytes !== undefined) engineReportsBytes = true;
        meter.update(update);
      },
      fileWritten: (path, sha256, bytes) => void hashed.set(path, { sha256, bytes }),
    };
    meter.update({ phase: 'dumping', estimatedBytes: estimate, bytes: 0 });
    const dumpDir = partial;
    poll = setInterval(() => {
      if (engineReportsBytes) return;
      void directoryBytes(dumpDir).then(
        (bytes) => meter.update({ bytes }),
        () => undefined,
      );
    }, 500);
    poll.unref?.();
    const facts = await engine.dump(partial, context);
    clearInterval(poll);
    poll = null;
    signal.throwIfAborted();

    const meta: BackupMeta = {
      format: 1,
      engine: engine.engine,
      name: request.name,
      source: engine.source,
      createdAt: createdAt.toISOString(),
      dumpedAt: now().toISOString(),
      estimatedBytes: Math.max(0, Math.round(estimate)),
      facts,
      tools,
    };
    writeFileAtomic(join(partial, META_NAME), formatMeta(meta));

    meter.update({ phase: 'verifying', secondsLeft: null });
    const checks = await engine.verify(partial, facts, context, request.verify ?? {});
    signal.throwIfAborted();

    meter.update({ phase: 'finishing', secondsLeft: null });
    const names = (await listFiles(partial)).filter((name) => name !== MANIFEST_NAME);
    const files: BackupFile[] = [];
    for (const path of names) {
      const size = (await stat(join(partial, ...path.split('/')))).size;
      const known = hashed.get(path);
      // A hash taken while writing is trusted only if the file is still the size it had then.
      const sum = known && known.bytes === size ? known : await sha256OfFile(join(partial, ...path.split('/')), signal);
      files.push({ path, bytes: sum.bytes, sha256: sum.sha256 });
    }
    await sealTree(partial, names);
    const manifest = formatManifest(files.map((f): ManifestEntry => ({ path: f.path, sha256: f.sha256 })));
    signal.throwIfAborted();
    writeFileAtomic(join(partial, MANIFEST_NAME), manifest);
    const dir = await moveIntoPlace(partial, parent, stamp);
    active.delete(partial);
    partial = null;
    fsyncDir(parent);
    const bytes = files.reduce((sum, f) => sum + f.bytes, 0);
    meter.update({ bytes, secondsLeft: 0 });
    meter.flush();

    const removedByRetention = await applyRetention(request.root, request.name, request.retention, now(), dir);
    return {
      dir,
      bytes,
      files,
      manifestSha256: createHash('sha256').update(manifest).digest('hex'),
      checks,
      facts,
      removedByRetention,
    };
  } catch (error) {
    if (poll) clearInterval(poll);
    meter.stop();
    if (partial) {
      await rm(partial, { recursive: true, force: true }).catch(() => undefined);
      active.delete(partial);
    }
    if (signal.aborted) throw stopped(signal, partial);
    throw explainWriteFailure(error, parent);
  }
}

async function directoryBytes(dir: string): Promise<number> {
  let total = 0;
  for (const file of await listFiles(dir)) total += (await stat(join(dir, ...file.split('/')))).size;
  return total;
}

/**
 * Removes backups the rule lets go. Each is first renamed to a partial name
 * (one atomic step that takes it off the list), then deleted, so a crash
 * mid-delete never leaves a half backup that still looks whole. A backup
 * that cannot be removed stays, and is tried again after the next backup.
 */
async function applyRetention(root: string, name: string, retention: Retention, now: Date, newest: string): Promise<string[]> {
  if (retention.keep === null && retention.maxAgeDays === null) return [];
  const parent = join(root, name);
  const expired = expiredBackups(await listBackups(root, name), retention, now, newest);
  const removed: string[] = [];
  for (const backup of expired) {
    const doomed = `${backup.dir}.${process.pid}${PARTIAL_SUFFIX}`;
    try {
      await rename(backup.dir, doomed);
      fsyncDir(parent);
      await rm(doomed, { recursive: true, force: true });
      removed.push(backup.dir);
    } catch {
      // Left for the next run (renamed ones are cleared by removePartials).
    }
  }
  return removed;
}

/** The complete backups of a listing, or null when `dir` is not one. */
async function completeBackup(dir: string, name: string): Promise<BackupListing | null> {
  try {
    const manifestFile = join(dir, MANIFEST_NAME);
    const entries = parseManifest(await readFile(manifestFile, 'utf8'), manifestFile);
    if (!entries.some((entry) => entry.path === META_NAME)) return null;
    let bytes = 0;
    for (const entry of entries) {
      const info = await stat(join(dir, ...entry.path.split('/')));
      if (!info.isFile()) return null;
      bytes += info.size;
    }
    const meta = await readBackupMeta(dir);
    if (meta.name !== name) return null;
    return { dir, name, engine: meta.engine, createdAt: meta.createdAt, bytes };
  } catch {
    return null;
  }
}

async function subdirectories(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/**
 * Complete backups under `root` (of one `name`, or all), newest first.
 * Complete means: not a partial directory, a SHA256SUMS that parses and
 * lists backup.json, every listed file present, a valid backup.json. It
 * does not read the files' contents: `verifyBackupDir` does.
 */
export async function listBackups(root: string, name?: string): Promise<BackupListing[]> {
  if (name !== undefined) checkName(name);
  const names = name !== undefined ? [name] : await subdirectories(root);
  const found: BackupListing[] = [];
  for (const each of names) {
    if (each.endsWith(PARTIAL_SUFFIX)) continue;
    for (const entry of await subdirectories(join(root, each))) {
      if (entry.endsWith(PARTIAL_SUFFIX)) continue;
      const listing = await completeBackup(join(root, each, entry), each);
      if (listing) found.push(listing);
    }
  }
  return found.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.dir < b.dir ? 1 : -1));
}

/**
 * Checks a backup directory with no connection: every file against
 * SHA256SUMS, then the engine's offline verifier (named in backup.json).
 * Throws a FlightdeckError naming the file that is wrong.
 */
export async function verifyBackupDir(dir: string, verifiers: Record<BackupEngineName, OfflineVerifier>, signal: AbortSignal): Promise<{ checks: string[]; meta: BackupMeta }> {
  if (dir.replace(/[/\\]+$/, '').endsWith(PARTIAL_SUFFIX)) {
    throw new FlightdeckError('bad-input', `${dir} is an unfinished backup (a partial directory), not a backup`, { file: dir });
  }
  const manifest = await checkManifest(dir, signal);
  const meta = await readBackupMeta(dir);
  const verifier = verifiers[meta.engine];
  const context: EngineContext = { signal, progress: () => undefined };
  const engineChecks = await verifier(dir, meta.facts, context);
  return { checks: [...manifest.checks, ...engineChecks], meta };
}

/**
 * Deletes what a crash left behind under `root`: partial directories whose
 * writer is gone (its pid no longer runs, or it is this process and no
 * backup of ours is writing there). Returns the removed paths. Also clears
 * the temporary password files of a PostgreSQL dump cut short by a crash.
 */
export async function removePartials(root: string): Promise<string[]> {
  await removeStalePassfiles();
  const removed: string[] = [];
  for (const name of await subdirectories(root)) {
    const parent = join(root, name);
    for (const entry of await subdirectories(parent)) {
      const match = PARTIAL_PATTERN.exec(entry);
      if (!match) continue;
      const dir = join(parent, entry);
      const pid = Number(match[1]);
      if (pid === process.pid ? active.has(dir) : processAlive(pid)) continue;
      await rm(dir, { recursive: true, force: true });
      removed.push(dir);
    }
    if (removed.length) fsyncDir(parent);
  }
  return removed;
}
