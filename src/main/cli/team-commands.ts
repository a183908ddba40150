/**
 * `flightdeck session join`: joins a local session to a team session in
 * the team's PostgreSQL (issue 16), shares what this laptop recorded,
 * and catches up with the others. With --follow it keeps doing so until
 * stopped, printing each entry the team adds, so ticks and notes recorded
 * by `flightdeck session tick|note` in the same folder are shared as they
 * are made.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlightdeckError, messageOf } from '../../shared/errors';
import { checkPersonName } from '../../shared/person-name';
import type { RunbookLoader } from '../services/runbook/runbook-loader';
import { Session, runbookRef } from '../services/session/session';
import { checkStoreUrl, DEFAULT_STORE_SECRET, defaultSslMode, isJoined, readTeamConfig, storeLabel, writeTeamConfig, type TeamConfig } from '../services/team/team-config';
import type { TeamEntry } from '../services/team/team-entry';
import type { TeamStore } from '../services/team/team-store-api';
import { JournalFollower } from '../services/team/journal-follower';
import { EXIT, UsageError, json, type Io } from './io';
import { memberKey, openTeamMember } from './team-member';
import { openVault, type VaultOpenOptions } from './vault-open';

export const JOIN_USAGE = `Usage: flightdeck session join --store postgres://USER@HOST:PORT/DB --session ID --dir DIR [--runbook FILE] [--by NAME]
                               [--sslmode verify-full|disable] [--ca FILE] [--follow] [--json]

Joins the session in DIR (made from --runbook when DIR holds none) to team
session ID in the team's PostgreSQL, shares what was recorded here, and
catches up with the others. Each entry is signed with NAME's own key, kept
in the vault (FLIGHTDECK_VAULT_PASSPHRASE). The store's password is read
from FLIGHTDECK_SECRET_TEAM_STORE (or the vault secret "team-store") and
is only ever sent to the store named here; never put it in the URL.

  --sslmode   verify-full (the default, except on 127.0.0.1/localhost):
              TLS with the server's certificate checked against --ca FILE
              or the system's roots; disable only on a trusted network
  --follow    keep sharing and following until stopped (Ctrl-C)
  --migrate   approve and run the schema migrations the store lacks (listed
              first; without it, a store that needs them is only described)

Exit status: 0 joined and in step, 1 the store could not be reached (what was
recorded here stays, not yet shared), 2 bad input.`;

const JOIN_WAIT_MS = 20_000;

export async function sessionJoinCommand(args: string[], io: Io, loader: () => Promise<RunbookLoader>, env: NodeJS.ProcessEnv = process.env, vaultOptions: VaultOpenOptions = {}): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      store: { type: 'string' },
      session: { type: 'string' },
      dir: { type: 'string' },
      runbook: { type: 'string' },
      by: { type: 'string' },
      sslmode: { type: 'string' },
      ca: { type: 'string' },
      follow: { type: 'boolean', default: false },
      migrate: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.out(JOIN_USAGE);
    return EXIT.ok;
  }
  const dir = values.dir;
  if (!dir) throw new UsageError(`missing --dir DIR\n\n${JOIN_USAGE}`);
  const by = checkPersonName(values.by ?? env.USER ?? env.USERNAME ?? null, '--by');
  if (!by) throw new UsageError(`missing --by NAME\n\n${JOIN_USAGE}`);
  if (!isJoined(dir)) {
    if (!values.store || !values.session) throw new UsageError(`missing --store URL and --session ID\n\n${JOIN_USAGE}`);
    await ensureLocalSession(dir, values.runbook, by, loader);
    const vault = await openVault(env, vaultOptions);
    let key: string;
    try {
      key = memberKey(vault, by).keyid;
    } finally {
      vault.lock();
    }
    writeTeamConfig(dir, newConfig(values.store, values.session, values.sslmode, values.ca ?? null, by, key));
  } else {
    const joined = readTeamConfig(dir);
    if ((values.session && values.session !== joined.session) || (values.store && values.store !== joined.store.url)) {
      throw new FlightdeckError('conflict', `is already joined to team session ${joined.session} at ${storeLabel(joined.store.url)}; a session folder joins one team session.`, { file: dir });
    }
  }
  const member = await openTeamMember(dir, env, new JournalFollower(dir), vaultOptions);
  const { sync } = member;
  try {
    await approveMigrations(await member.openStore(), values.migrate === true, io);
  } catch (error) {
    await member.close();
    if (error instanceof FlightdeckError && error.field === 'migrate') throw error;
    io.err(`The team store is not reachable (${messageOf(error)}): nothing was shared; what is recorded in ${dir} stays here.`);
    return EXIT.failure;
  }
  sync.start();
  try {
    if (values.follow) return await follow(member.config, sync, io, values.json === true);
    try {
      await sync.until(() => sync.status().connection === 'connected' && sync.status().unshared === 0, JOIN_WAIT_MS, `team store ${storeLabel(member.config.store.url)}`);
    } catch {
      const view = sync.view();
      io.err(`Joined team session ${view.session}, but the store is not reachable (${view.lastError ?? 'no answer'}): ${view.unshared.length} entries recorded here are not yet shared.`);
      return EXIT.failure;
    }
    const view = sync.view();
    for (const refusal of view.refused) io.err(`Refused from the team store: ${refusal.message}`);
    if (values.json) io.out(json(view));
    else io.out(`Joined team session ${view.session} at ${view.store} as ${view.you.name}: ${view.members.length} members (${view.members.map((m) => m.name).join(', ')}), chain at entry ${view.head?.seq ?? 0}, nothing waiting to be shared.`);
    return view.refused.length === 0 ? EXIT.ok : EXIT.failure;
  } finally {
    await member.close();
  }
}

/** The schema the store lacks: described, and run only with --migrate (the approval of the person who configures it). */
async function approveMigrations(store: TeamStore, approved: boolean, io: Io): Promise<void> {
  try {
    const pending = await store.pendingMigrations();
    if (pending.length === 0) return;
    const list = pending.map((m) => `  version ${m.version}: ${m.summary}`).join('\n');
    if (!approved) {
      throw new FlightdeckError('forbidden', `The team store needs these schema migrations before a session can use it:\n${list}\nRun again with --migrate to approve and run them (as a user allowed to create tables).`, { field: 'migrate' });
    }
    io.err(`Running the team store's schema migrations:\n${list}`);
    const applied = await store.migrate();
    io.err(`Applied schema version${applied.length === 1 ? '' : 's'} ${applied.join(', ')}.`);
  } finally {
    await store.close();
  }
}

function newConfig(url: string, session: string, sslmode: string | undefined, caFile: string | null, name: string, key: string): TeamConfig {
  checkStoreUrl(url);
  const mode = sslmode ?? (caFile ? 'verify-full' : defaultSslMode(url));
  if (mode !== 'verify-full' && mode !== 'disable') throw new UsageError(`--sslmode must be verify-full or disable, not "${mode}"`);
  if (caFile && !existsSync(caFile)) throw new FlightdeckError('not-found', 'is not there (the CA certificate for --ca).', { file: caFile });
  return { session, store: { url, ssl: mode, caFile, secret: DEFAULT_STORE_SECRET }, member: { name, key } };
}

async function ensureLocalSession(dir: string, runbook: string | undefined, by: string, loader: () => Promise<RunbookLoader>): Promise<void> {
  if (existsSync(join(dir, 'journal.jsonl'))) return;
  if (!runbook) throw new UsageError(`${dir} holds no session yet: give --runbook FILE to start one\n\n${JOIN_USAGE}`);
  const { doc, text } = await (await loader()).loadFile(runbook, 'file', runbook);
  Session.create(dir, runbookRef(doc), text, by).close();
}

/** Shares and follows until SIGINT or SIGTERM, one line per entry the team adds. */
async function follow(config: TeamConfig, sync: import('../services/team/team-sync').TeamSync, io: Io, asJson: boolean): Promise<number> {
  let connection = '';
  sync.onChange(() => {
    const now = sync.status();
    if (now.connection === connection || (now.connection === 'connecting' && !now.lastError)) return;
    connection = now.connection;
    if (asJson) io.out(JSON.stringify({ event: 'connection', connection, lastError: now.lastError, unshared: now.unshared }));
    else io.err(connection === 'connected' ? `Connected to ${storeLabel(config.store.url)}.` : `${connection}: ${now.lastError ?? ''} (${now.unshared} not yet shared)`);
  });
  sync.onEntry((entry: TeamEntry) => {
    if (asJson) io.out(JSON.stringify({ event: 'entry', seq: entry.seq, type: entry.type, name: entry.name, origin: entry.origin, ts: entry.ts, data: entry.data }));
    else io.out(`${entry.seq} ${entry.ts.slice(11, 19)} ${entry.name}: ${entry.type}${typeof entry.data.itemText === 'string' ? ` "${entry.data.itemText}"` : ''}`);
  });
  io.err(`Following team session ${config.session} as ${config.member.name}; Ctrl-C to stop.`);
  // The sync's own timers do not hold the process: while the store is cut off nothing else would.
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(keepAlive);
  return EXIT.ok;
}
