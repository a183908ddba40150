/**
 * How a local session is joined to a team session: `team/member.json` in
 * the session folder. It names the store (URL without credentials, TLS
 * mode), the vault secret that holds the store's password, the team
 * session id, and this laptop's member (name and key id). The password and
 * the private key stay in the vault; this file holds nothing secret.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { FlightdeckError } from '../../../shared/errors';
import { writeFileAtomic } from '../storage/durable-fs';
import { makePrivateDir } from '../storage/private-fs';
import { parseTeamStoreUrl, type TeamStoreAddress } from './team-store';

export const TEAM_DIR = 'team';
export const MEMBER_FILE = 'member.json';
/** The vault secret (or FLIGHTDECK_SECRET_TEAM_STORE on the command line) holding the store's password. */
export const DEFAULT_STORE_SECRET = 'team-store';

const TeamConfigSchema = z.object({
  session: z.string().regex(/^[A-Za-z0-9._-]{1,80}$/, 'letters, digits, ".", "_" or "-", at most 80'),
  store: z.object({
    url: z.string(),
    ssl: z.enum(['disable', 'verify-full']),
    caFile: z.string().nullable(),
    secret: z.string(),
  }),
  member: z.object({ name: z.string(), key: z.string().regex(/^[0-9a-f]{64}$/) }),
});
export type TeamConfig = z.infer<typeof TeamConfigSchema>;

export function teamDir(sessionDir: string): string {
  return join(sessionDir, TEAM_DIR);
}

export function isJoined(sessionDir: string): boolean {
  return existsSync(join(teamDir(sessionDir), MEMBER_FILE));
}

export function readTeamConfig(sessionDir: string): TeamConfig {
  const file = join(teamDir(sessionDir), MEMBER_FILE);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new FlightdeckError(missing ? 'not-found' : 'bad-input', missing ? 'is not joined to a team session (flightdeck session join).' : 'is not valid JSON.', { file });
  }
  const parsed = TeamConfigSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FlightdeckError('bad-input', `${issue?.path.join('.') || 'member'}: ${issue?.message ?? 'invalid'}.`, { file, field: issue?.path.join('.') });
  }
  checkStoreUrl(parsed.data.store.url);
  return parsed.data;
}

export function writeTeamConfig(sessionDir: string, config: TeamConfig): void {
  const parsed = TeamConfigSchema.safeParse(config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.at(-1) === 'session' ? 'session' : (issue?.path.join('.') ?? 'member');
    throw new FlightdeckError('bad-input', `The team ${field === 'session' ? 'session id' : field} is not valid: ${issue?.message ?? 'invalid'}.`, { field });
  }
  checkStoreUrl(config.store.url);
  makePrivateDir(teamDir(sessionDir));
  writeFileAtomic(join(teamDir(sessionDir), MEMBER_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** The store's URL checked (postgres://user@host:port/db, no password, no parameters); the one rule is team-store.ts's. */
export function checkStoreUrl(url: string): TeamStoreAddress {
  return parseTeamStoreUrl(url);
}

/**
 * TLS unless the store is on this machine: verify-full (certificate chain
 * and host name checked) everywhere else, so a store on the network is
 * never reached in clear text by default.
 */
export function defaultSslMode(url: string): 'verify-full' | 'disable' {
  const { host } = parseTeamStoreUrl(url);
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' ? 'disable' : 'verify-full';
}

/** "host:port/database": how the store is named on screen and in messages. */
export function storeLabel(url: string): string {
  return parseTeamStoreUrl(url).display;
}
