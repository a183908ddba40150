/**
 * A joined session's team sync as the terminal opens it: this person's key
 * from the vault, the store's password from the vault or
 * FLIGHTDECK_SECRET_TEAM_STORE (sent only to the store the person typed at
 * join), and the PostgreSQL store. One place for `session join`,
 * `session status`, and the acting commands that take the lease.
 */
import { FlightdeckError } from '../../shared/errors';
import { SigningIdentities } from '../services/signing/signing-identity';
import type { Ed25519Key } from '../services/signing/ed25519';
import { hostDestination } from '../services/vault/destination';
import type { Vault } from '../services/vault/vault';
import { readTeamConfig, storeLabel, type TeamConfig } from '../services/team/team-config';
import { openPostgresTeamStore } from '../services/team/team-store';
import { TeamSync, type LocalJournal } from '../services/team/team-sync';
import type { TeamStore } from '../services/team/team-store-api';
import { EnvSecretResolver } from './env-secrets';
import { openVault, type VaultOpenOptions } from './vault-open';

export interface TeamMemberHandle {
  config: TeamConfig;
  sync: TeamSync;
  /** A store of its own, for what the sync does not do (migrations). */
  openStore(): Promise<TeamStore>;
  close(): Promise<void>;
}

/** This person's key: made on first use, the same key their sign-offs carry. */
export function memberKey(vault: Vault, name: string): Ed25519Key {
  const key = new SigningIdentities(vault).signerKey(name, { create: true });
  if (!key) throw new FlightdeckError('locked', 'The vault could not give a signing key.');
  return key;
}

/** The store's password; a member always needs one (the session's data is the team's, behind its credentials). */
export function storePassword(config: TeamConfig, env: NodeJS.ProcessEnv, vault: Vault): string {
  const name = config.store.secret;
  const destination = hostDestination(config.store.url);
  const secrets = new EnvSecretResolver(env, { approved: (secret, target) => secret === name && target === destination });
  if (secrets.has(name)) return secrets.get(name, destination);
  if (vault.has(name)) return vault.get(name, destination);
  throw noStorePassword(config);
}

export function noStorePassword(config: TeamConfig): FlightdeckError {
  return new FlightdeckError('locked', `The team store's password is not set: put it in the vault secret "${config.store.secret}" (or FLIGHTDECK_SECRET_TEAM_STORE for the command line); it is sent only to ${storeLabel(config.store.url)}.`, { field: config.store.secret });
}

export async function openTeamMember(dir: string, env: NodeJS.ProcessEnv, local: LocalJournal, options: VaultOpenOptions = {}): Promise<TeamMemberHandle> {
  const config = readTeamConfig(dir);
  const vault = await openVault(env, options);
  let key: Ed25519Key;
  let password: string;
  try {
    key = memberKey(vault, config.member.name);
    password = storePassword(config, env, vault);
  } finally {
    vault.lock();
  }
  if (key.keyid !== config.member.key) {
    throw new FlightdeckError('conflict', `The vault here holds a different key for ${config.member.name} than the one that joined this session; use the data directory that joined it.`, { file: dir });
  }
  const openStore = async (): Promise<TeamStore> =>
    openPostgresTeamStore({ url: config.store.url, password, ssl: { mode: config.store.ssl, ...(config.store.caFile ? { caFile: config.store.caFile } : {}) } });
  const sync = new TeamSync({ sessionDir: dir, config, key, local, openStore });
  return { config, sync, openStore, close: () => sync.stop() };
}
