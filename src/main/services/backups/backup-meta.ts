/**
 * backup.json: what a backup is (engine, name, source without credentials,
 * when, the facts its dump recorded, the tool versions), readable by a
 * person and checked by a schema whenever Flightdeck reads it back.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FlightdeckError } from '../../../shared/errors';

export const META_NAME = 'backup.json';

export const BackupMetaSchema = z.object({
  format: z.literal(1),
  engine: z.enum(['postgres', 'mongodb', 'redis']),
  name: z.string().min(1),
  /** Where it was read from, credentials removed. */
  source: z.string(),
  createdAt: z.iso.datetime(),
  /** When the dump finished (before verification). */
  dumpedAt: z.iso.datetime(),
  estimatedBytes: z.number().int().nonnegative(),
  facts: z.record(z.string(), z.union([z.number(), z.string()])),
  tools: z.record(z.string(), z.string()),
});
export type BackupMeta = z.infer<typeof BackupMetaSchema>;

export function formatMeta(meta: BackupMeta): string {
  return `${JSON.stringify(BackupMetaSchema.parse(meta), null, 2)}\n`;
}

/** Reads and checks `<dir>/backup.json`; errors name the file and the field. */
export async function readBackupMeta(dir: string): Promise<BackupMeta> {
  const file = join(dir, META_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new FlightdeckError('not-found', `${dir} has no ${META_NAME}`, { file });
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new FlightdeckError('bad-input', `${META_NAME} is not JSON: ${(error as Error).message}`, { file });
  }
  const parsed = BackupMetaSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new FlightdeckError('bad-input', `${META_NAME}: ${field || '(root)'}: ${issue.message}`, { file, field });
  }
  return parsed.data;
}
