/**
 * The team sync of the open session, in the app (issue 16). When the open
 * session's folder is joined to a team (team/member.json, written by
 * `flightdeck session join`), this builds its TeamSync from the vault (the
 * person's key, and the store's password sent only to the store's
 * host:port), shares each entry the session records, and attaches the
 * sync to the window (LiveTeam). The vault may still be locked when the
 * session opens: the team then shows offline with the reason, and the
 * sync starts once the vault opens.
 *
 * It also owns the app's single flight: the rollback fence (the lease
 * taken before the first step acts, renewed and the intent shared before
 * each one) and whether this laptop may run the automatic rollback.
 */
import { FlightdeckError, messageOf, noRunbookOpen } from '../../shared/errors';
import type { TeamView } from '../../shared/team-model';
import { SigningIdentities } from '../services/signing/signing-identity';
import { hostDestination } from '../services/vault/destination';
import type { Vault } from '../services/vault/vault';
import { checkStoreUrl, DEFAULT_STORE_SECRET, defaultSslMode, isJoined, readTeamConfig, storeLabel, writeTeamConfig, type TeamConfig } from '../services/team/team-config';
import { checkTeamChain, MEMBER_JOINED } from '../services/team/team-entry';
import { describeHolder, takeFlight, type FlightLease } from '../services/team/team-flight';
import { openPostgresTeamStore } from '../services/team/team-store';
import { TeamSync } from '../services/team/team-sync';
import type { Activation, Cockpit } from './cockpit';
import type { LiveTeam, TeamSource } from './live-team';
import type { Logger } from './log';

export interface LiveTeamSyncDeps {
  cockpit: Cockpit;
  vault: Vault;
  team: LiveTeam;
  log: Logger;
  /** FLIGHTDECK_SECRET_TEAM_STORE, for browser mode started from a terminal; the vault's "team-store" comes first. */
  env?: NodeJS.ProcessEnv;
}

const RETRY_MS = 2000;

export interface JoinRequest {
  store: string;
  session: string;
  password: string;
  sslmode?: 'verify-full' | 'disable' | undefined;
  migrate: boolean;
}

export class LiveTeamSync {
  private sync: TeamSync | null = null;
  private sessionDir: string | null = null;
  private activation: Activation | null = null;
  private waiting: { config: TeamConfig; reason: string } | null = null;
  private retry: NodeJS.Timeout | null = null;
  private lease: FlightLease | null = null;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(private readonly deps: LiveTeamSyncDeps) {
    this.unsubscribe.push(deps.cockpit.onActivated((activation) => void this.activate(activation)));
    this.unsubscribe.push(
      deps.cockpit.onEntry((entry) => {
        this.sync?.kick();
        // The run this laptop held the flight for is over: the team may fly again.
        if (entry.type === 'rollback.finished') void this.releaseFlight();
      }),
    );
  }

  /** The open session's team sync, null when it is not joined (or not yet started). */
  current(): TeamSync | null {
    return this.sync;
  }

  /**
   * The rollback fence: takes the team's lease before the first step, then
   * renews it and shares the step's intent before each one. Another
   * member's unexpired lease stops the step unrun, naming them.
   */
  async fence(): Promise<void> {
    const sync = this.sync;
    if (!sync) {
      if (this.waiting) throw new FlightdeckError('conflict', `Not run: this session flies with a team, and the team store cannot be reached here (${this.waiting.reason}), so the team's single flight cannot be taken.`);
      return;
    }
    if (!this.lease?.held) {
      const attempt = await takeFlight(sync, { purpose: 'rollback', subject: null });
      if ('heldBy' in attempt) throw new FlightdeckError('conflict', `Not run here: ${describeHolder(attempt.heldBy)}; follow their run.`);
      // Free, but another member's run stopped mid-plan: the app starts plans afresh, and resuming theirs
      // without repeating its finished steps is the terminal's --take-over, which shows what already ran.
      const stopped = othersUnfinishedRun(sync);
      if (stopped) {
        await attempt.held.release();
        throw new FlightdeckError('conflict', `Not run here: ${stopped} stopped mid-plan. Take it over from a terminal with \`flightdeck rollback --take-over\`, which shows what already ran, so no finished step runs twice.`);
      }
      this.lease = attempt.held;
    }
    await this.lease.fence();
  }

  /**
   * A flag write in a team session: the team's lease for it (or the one
   * this laptop already holds for a rollback), the intent so far shared;
   * returns the release. Another member's lease refuses the write, naming them.
   */
  async flagFlight(flag: string): Promise<() => Promise<void>> {
    const sync = this.sync;
    if (!sync) {
      if (this.waiting) throw new FlightdeckError('conflict', `Not written: this session flies with a team, and the team store cannot be reached here (${this.waiting.reason}), so flag writes cannot be serialised with the team.`);
      return async () => undefined;
    }
    if (this.lease?.held) {
      await this.lease.fence();
      return async () => undefined;
    }
    const attempt = await takeFlight(sync, { purpose: 'flag', subject: flag });
    if ('heldBy' in attempt) throw new FlightdeckError('conflict', `Not written: ${describeHolder(attempt.heldBy)}; wait for them to finish.`, { field: 'flag' });
    await attempt.held.fence();
    return () => attempt.held.release();
  }

  /** The automatic rollback runs on exactly one laptop: the one that can take (or holds) the team's lease. */
  async mayAutoRollback(): Promise<boolean> {
    if (!this.sync) return this.waiting === null;
    try {
      await this.fence();
      return true;
    } catch (error) {
      this.deps.log.warn(`automatic rollback left to the team: ${messageOf(error)}`);
      return false;
    }
  }

  /**
   * Joins the open session to a team session: the operator's key (made on
   * first use, the one their sign-offs carry), the store's password into
   * the vault scoped to the store alone, the schema migrations only with
   * the person's approval, then team/member.json and the sync.
   */
  async join(request: JoinRequest): Promise<{ team: TeamView | null; pendingMigrations: { version: number; summary: string }[] }> {
    const activation = this.activation;
    if (!activation) throw noRunbookOpen();
    const name = this.deps.cockpit.operator();
    if (!name) throw new FlightdeckError('bad-input', 'Put your name in the top bar first: the team sees it on everything you sign.', { field: 'operator' });
    const address = checkStoreUrl(request.store);
    const session = request.session.trim();
    if (isJoined(activation.sessionDir)) throw new FlightdeckError('conflict', `This session already flies with team session ${readTeamConfig(activation.sessionDir).session}.`, { field: 'session' });
    const vault = this.deps.vault;
    if (vault.status().state !== 'unlocked') throw new FlightdeckError('locked', 'Unlock the vault first: your signing key and the store password are kept there.', { field: 'password' });
    const key = new SigningIdentities(vault).signerKey(name, { create: true });
    if (!key) throw new FlightdeckError('locked', 'The vault could not give a signing key.');
    const destination = hostDestination(request.store);
    // A typed password is kept only once the store has accepted it (below); else the one the vault holds.
    const password = request.password || (vault.has(DEFAULT_STORE_SECRET) ? vault.get(DEFAULT_STORE_SECRET, destination) : '');
    if (!password) throw new FlightdeckError('bad-input', `Give the team store's password: it is kept in the vault and sent only to ${address.display}.`, { field: 'password' });
    const ssl = request.sslmode ?? defaultSslMode(request.store);
    const config: TeamConfig = { session, store: { url: request.store, ssl, caFile: null, secret: DEFAULT_STORE_SECRET }, member: { name, key: key.keyid } };
    const store = openPostgresTeamStore({ url: config.store.url, password, ssl: { mode: ssl } });
    try {
      const pending = await store.pendingMigrations();
      if (request.password) vault.put(DEFAULT_STORE_SECRET, request.password, [destination]);
      if (pending.length > 0 && !request.migrate) return { team: null, pendingMigrations: pending };
      if (pending.length > 0) await store.migrate();
      // A name belongs to the first key that joined with it: said now, not as a sync that never connects.
      const owner = checkTeamChain(session, await store.readSince(session, -1, 100_000)).accepted.find((entry) => entry.type === MEMBER_JOINED && entry.name === name && entry.author !== key.keyid);
      if (owner) throw new FlightdeckError('conflict', `${name} already joined team session ${session} from another laptop (key ${owner.author.slice(0, 8)}…): put another name in the top bar, e.g. "${name} (2)".`, { field: 'operator' });
    } finally {
      await store.close();
    }
    writeTeamConfig(activation.sessionDir, config);
    this.sessionDir = null;
    await this.activate(activation);
    return { team: this.deps.team.view(), pendingMigrations: [] };
  }

  async close(): Promise<void> {
    for (const stop of this.unsubscribe) stop();
    await this.stop();
  }

  private async activate(activation: Activation): Promise<void> {
    this.activation = activation;
    if (activation.sessionDir === this.sessionDir && (this.sync || this.waiting)) return;
    await this.stop();
    this.sessionDir = activation.sessionDir;
    if (!isJoined(activation.sessionDir)) return;
    this.start();
  }

  private start(): void {
    const activation = this.activation;
    if (!activation || this.sync) return;
    let config: TeamConfig;
    try {
      config = readTeamConfig(activation.sessionDir);
    } catch (error) {
      this.deps.log.warn(`team: ${messageOf(error)}`);
      return;
    }
    try {
      const { key, password } = this.credentials(config);
      const sync = new TeamSync({
        sessionDir: activation.sessionDir,
        config,
        key,
        local: activation.journal,
        openStore: async () => openPostgresTeamStore({ url: config.store.url, password, ssl: { mode: config.store.ssl, ...(config.store.caFile ? { caFile: config.store.caFile } : {}) } }),
        position: () => this.position(config.member.name),
      });
      this.sync = sync.start();
      this.waiting = null;
      this.deps.team.attach(syncSource(sync));
    } catch (error) {
      // Locked vault, or a key that is not this person's: shown, and tried again.
      this.waiting = { config, reason: messageOf(error) };
      this.deps.team.attach(waitingSource(config, this.waiting.reason));
      this.retry = setTimeout(() => {
        this.retry = null;
        if (this.waiting) {
          this.waiting = null;
          this.start();
        }
      }, RETRY_MS);
      this.retry.unref?.();
    }
  }

  private credentials(config: TeamConfig): { key: import('../services/signing/ed25519').Ed25519Key; password: string } {
    const vault = this.deps.vault;
    if (vault.status().state !== 'unlocked') throw new FlightdeckError('locked', 'unlock the vault to share with the team: your key is kept there');
    const key = new SigningIdentities(vault).signerKey(config.member.name, { create: false });
    if (!key || key.keyid !== config.member.key) throw new FlightdeckError('conflict', `this vault holds no key for ${config.member.name} that matches the one that joined (${config.member.key.slice(0, 8)}…)`);
    const destination = hostDestination(config.store.url);
    const fromEnv = this.deps.env?.FLIGHTDECK_SECRET_TEAM_STORE;
    const password = vault.has(config.store.secret) ? vault.get(config.store.secret, destination) : fromEnv;
    if (!password) throw new FlightdeckError('locked', `the team store's password is not set: put it in the vault as "${config.store.secret}"`);
    return { key, password };
  }

  /** Where this person is: the item they last ticked or noted, and its phase. */
  private position(name: string): { phase: string | null; item: string | null } {
    const activation = this.activation;
    if (!activation) return { phase: null, item: null };
    const last = activation.journal.entries().findLast((e) => (e.type === 'item.ticked' || e.type === 'item.noted') && (e.by === name || e.by === this.deps.cockpit.operator()));
    const itemId = typeof last?.data.itemId === 'string' ? last.data.itemId : null;
    const item = itemId ? activation.runbook.items.find((i) => i.id === itemId) : undefined;
    return { phase: item?.phaseId ?? null, item: item?.id ?? null };
  }

  private async releaseFlight(): Promise<void> {
    const lease = this.lease;
    this.lease = null;
    await lease?.release();
  }

  private async stop(): Promise<void> {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.waiting = null;
    await this.releaseFlight();
    const sync = this.sync;
    this.sync = null;
    if (sync || this.sessionDir) this.deps.team.attach(null);
    await sync?.stop().catch((error: unknown) => this.deps.log.warn(`team: ${messageOf(error)}`));
  }
}

/** Another member's rollback the merged chain shows started and not finished: "Ada's run rb-…", else null. */
function othersUnfinishedRun(sync: TeamSync): string | null {
  const open = new Map<string, string>();
  for (const entry of sync.merged()) {
    const runId = String(entry.data.runId ?? '');
    if (entry.type === 'rollback.started' && entry.author !== sync.member.key) open.set(runId, entry.name);
    else if (entry.type === 'rollback.finished') open.delete(runId);
  }
  const last = [...open].at(-1);
  return last ? `${last[1]}'s run ${last[0]}` : null;
}

function syncSource(sync: TeamSync): TeamSource {
  return { view: () => sync.view(), onChange: (listener) => sync.onChange(() => listener(sync.view())) };
}

/** The team as shown before its sync can start: offline, with the reason. */
function waitingSource(config: TeamConfig, reason: string): TeamSource {
  const view: TeamView = {
    session: config.session,
    store: storeLabel(config.store.url),
    you: { key: config.member.key, name: config.member.name },
    connection: 'offline',
    lastError: reason,
    members: [],
    unshared: [],
    lease: null,
    refused: [],
    items: {},
    head: null,
  };
  return { view: () => view, onChange: () => () => undefined };
}
