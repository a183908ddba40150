/**
 * Browser mode's port and token, kept across restarts in the data directory
 * (`browser-mode.json`, owner-only, like the vault beside it), so a tab left
 * open on the cockpit keeps working after the process restarts: same origin,
 * so the same HttpOnly cookie, holding the same token. `--rotate-token` (or
 * FLIGHTDECK_ROTATE_TOKEN=1) makes a new token; every open tab must then be
 * reopened with the new address.
 *
 * A file that is unreadable, malformed, or readable by other users is not
 * trusted: a fresh token is made and the reason is said.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../services/storage/durable-fs';
import { PRIVATE_FILE_MODE } from '../services/storage/private-fs';

export const KEPT_LAUNCH_FILE = 'browser-mode.json';

export interface KeptLaunch {
  port: number;
  token: string;
}

export interface LaunchPlan {
  /** The port to try first: asked for, else the kept one, else 0 (any free port). */
  port: number;
  /** True when `port` came from the file: if it is taken, another one is picked instead of failing. */
  portIsKept: boolean;
  token: string;
  /** What the operator should be told about the choice (a rotated or distrusted token). */
  notes: string[];
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The kept launch, or null with the reason it was not used (null reason: there is none yet). */
export function readKeptLaunch(dataDir: string): { kept: KeptLaunch | null; problem: string | null } {
  const file = join(dataDir, KEPT_LAUNCH_FILE);
  let text: string;
  try {
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
      return { kept: null, problem: `${file} is readable by other users, so its token is not reused` };
    }
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { kept: null, problem: code === 'ENOENT' ? null : `${file} cannot be read (${code ?? String(error)})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kept: null, problem: `${file} is not JSON` };
  }
  const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (!Number.isInteger(record.port) || (record.port as number) < 1 || (record.port as number) > 65535) return { kept: null, problem: `${file}: field "port" is not a port number` };
  if (typeof record.token !== 'string' || !TOKEN_PATTERN.test(record.token)) return { kept: null, problem: `${file}: field "token" is not a token` };
  return { kept: { port: record.port as number, token: record.token }, problem: null };
}

/** Written after the server listens, with the port it really got. */
export function keepLaunch(dataDir: string, launch: KeptLaunch): void {
  writeFileAtomic(join(dataDir, KEPT_LAUNCH_FILE), `${JSON.stringify(launch)}\n`, PRIVATE_FILE_MODE);
}

/**
 * Decides the port and token of this start. `askedPort` is --port or
 * FLIGHTDECK_PORT (null when neither was given); an asked port is used as
 * asked, and fails if taken.
 */
export function planLaunch(dataDir: string, askedPort: number | null, rotate: boolean): LaunchPlan {
  const { kept, problem } = readKeptLaunch(dataDir);
  const notes: string[] = [];
  if (problem) notes.push(`${problem}; a new token was made.`);
  let token = kept?.token ?? newToken();
  if (rotate) {
    token = newToken();
    if (kept) notes.push('The browser-mode token was rotated: tabs opened before must be opened again with the new address.');
  }
  if (askedPort !== null) return { port: askedPort, portIsKept: false, token, notes };
  return { port: kept?.port ?? 0, portIsKept: kept !== null, token, notes };
}
