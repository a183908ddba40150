/**
 * This laptop's replica of the merged chain: `team/chain.jsonl`, every row
 * the store gave it, in order, each on disk (fsync) before it is shown.
 * Rows are kept as read, refused ones too, so `flightdeck verify` on any
 * member's session folder reaches the same verdict offline that the
 * laptop reached when the row arrived.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { FlightdeckError, messageOf } from '../../../shared/errors';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../storage/private-fs';
import { FILE_LIMITS, readRegularFileSync } from '../storage/read-regular-file';
import { teamDir } from './team-config';

export const CHAIN_FILE = 'chain.jsonl';

export function chainFile(sessionDir: string): string {
  return join(teamDir(sessionDir), CHAIN_FILE);
}

/** The rows of a replica; a last line a crash cut short (no newline) is left out. */
export function readReplica(sessionDir: string): unknown[] {
  const file = chainFile(sessionDir);
  if (!fs.existsSync(file)) return [];
  const text = readRegularFileSync(file, { maxBytes: FILE_LIMITS.journalBytes, what: 'a team chain replica' }).toString('utf8');
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a torn write
  return lines.map((line, index) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      throw new FlightdeckError('conflict', `${CHAIN_FILE} line ${index + 1}: bad JSON`, { file, line: index + 1 });
    }
  });
}

export class ReplicaWriter {
  private readonly fd: number;

  constructor(sessionDir: string) {
    makePrivateDir(teamDir(sessionDir));
    const file = chainFile(sessionDir);
    this.fd = fs.openSync(file, 'a', PRIVATE_FILE_MODE);
    // A torn last line from a crash is cut, so the next row starts on a clean line.
    const text = fs.readFileSync(file, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) {
      fs.ftruncateSync(this.fd, end);
      fs.fsyncSync(this.fd);
    }
  }

  /** Appends rows, on disk when this returns. */
  append(rows: readonly unknown[]): void {
    if (rows.length === 0) return;
    const bytes = Buffer.from(rows.map((row) => `${JSON.stringify(row)}\n`).join(''), 'utf8');
    try {
      fs.writeSync(this.fd, bytes);
      fs.fsyncSync(this.fd);
    } catch (error) {
      throw new FlightdeckError('internal', `Could not keep the team's entries in ${CHAIN_FILE}: ${messageOf(error)}.`);
    }
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
