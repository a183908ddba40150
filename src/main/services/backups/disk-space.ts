/**
 * The free-disk check before a backup starts: a dump that cannot fit should
 * be refused up front with the numbers, not fail an hour in with ENOSPC.
 */
import { statfs } from 'node:fs/promises';
import { FlightdeckError } from '../../../shared/errors';
import { formatBytes } from '../../../shared/format';

/**
 * Engines estimate from the database's own size, which is usually larger
 * than a compressed dump but can be smaller (a database that grew since its
 * statistics, text that compresses badly). A tenth more covers that drift;
 * the fixed 16 MiB covers backup.json, the manifest, filesystem metadata and
 * the blocks root reserves on small volumes.
 */
export const MARGIN_DIVISOR = 10;
export const MARGIN_BYTES = 16 * 1024 * 1024;

export function requiredBytes(estimate: number): number {
  const bytes = Math.max(0, Math.ceil(estimate));
  return bytes + Math.ceil(bytes / MARGIN_DIVISOR) + MARGIN_BYTES;
}

/** Bytes an unprivileged writer may still use on the filesystem holding `dir`. */
export async function freeBytesOf(dir: string): Promise<number> {
  const stats = await statfs(dir);
  return Number(stats.bavail) * Number(stats.bsize);
}

/** Throws a FlightdeckError naming the directory, the estimate and the free space when the backup would not fit. */
export function assertFits(dir: string, estimate: number, free: number): void {
  const needed = requiredBytes(estimate);
  if (needed <= free) return;
  throw new FlightdeckError(
    'too-large',
    `Not enough free space in ${dir}: the backup is estimated at ${formatBytes(estimate)} (${formatBytes(needed)} with margin), but only ${formatBytes(free)} is free`,
    { file: dir },
  );
}
