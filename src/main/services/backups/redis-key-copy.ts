/**
 * Copies every key of one Redis server into another with DUMP / RESTORE …
 * REPLACE, db by db, in pipelined batches: the way a restore reaches a
 * server that cannot be stopped to swap its RDB file. Keys keep their
 * remaining time to live (PTTL). Key names are handled as bytes: Redis keys
 * need not be UTF-8.
 */
import type { Redis } from 'ioredis';
import { abortReason } from './redis-connection';

export interface KeyCopyResult {
  /** Keys written into the target, per db. */
  restored: Map<number, number>;
  /** Keys that expired in the source between listing and copying. */
  expired: number;
}

const BATCH = 1000;

export async function copyAllKeys(
  source: Redis,
  target: Redis,
  dbs: number[],
  signal: AbortSignal,
  onProgress: (copied: number) => void,
): Promise<KeyCopyResult> {
  const restored = new Map<number, number>();
  let expired = 0;
  let copied = 0;
  for (const db of dbs) {
    await source.select(db);
    await target.select(db);
    let count = 0;
    let cursor = '0';
    // One batch is written while the next is read: the two servers work at the same time.
    let writing: Promise<void> = Promise.resolve();
    do {
      if (signal.aborted) throw abortReason(signal);
      const [next, keys] = await source.scanBuffer(cursor, 'COUNT', BATCH);
      cursor = next.toString();
      if (keys.length === 0) continue;
      const read = source.pipeline();
      for (const key of keys) read.dumpBuffer(key).pttl(key);
      const answers = (await read.exec()) ?? [];
      const write = target.pipeline();
      let writes = 0;
      for (let i = 0; i < keys.length; i++) {
        const [dumpError, payload] = answers[2 * i] ?? [null, null];
        const [ttlError, ttl] = answers[2 * i + 1] ?? [null, null];
        if (dumpError) throw dumpError;
        if (ttlError) throw ttlError;
        // A key that expired since SCAN listed it: gone from the backup's point of view too.
        if (payload === null || ttl === -2) {
          expired++;
          continue;
        }
        // PTTL -1: no expiry (RESTORE takes 0 for that); a positive remainder is kept, never rounded to "forever".
        write.restore(keys[i]!, ttl === -1 ? 0 : Math.max(1, Number(ttl)), payload as Buffer, 'REPLACE');
        writes++;
      }
      await writing;
      writing = writes === 0 ? Promise.resolve() : execWrites(write).then(() => {
        count += writes;
        copied += writes;
        onProgress(copied);
      });
      // Keep a failed write from going unhandled while the next batch is read.
      writing.catch(() => undefined);
    } while (cursor !== '0');
    await writing;
    restored.set(db, count);
  }
  return { restored, expired };
}

async function execWrites(write: ReturnType<Redis['pipeline']>): Promise<void> {
  for (const [error] of (await write.exec()) ?? []) if (error) throw error;
}
