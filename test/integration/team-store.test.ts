/**
 * The team store (issue 16) against a real PostgreSQL with password
 * authentication: migrations under approval, appends from separate pools
 * racing into one unforked chain that the verifier accepts, idempotent
 * retries, LISTEN and its loss, the single-flight lease by the database's
 * clock, tampering done in the database and refused by the verifier, the
 * append-only trigger, and credentials that never show in an error.
 * Members connect as a plain role with the documented grants; the schema
 * owner (the cluster's superuser here) migrates and tampers.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { inspect } from 'node:util';
import pg_ from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/main/services/journal/canonical-json';
import { ed25519FromPrivatePem, newEd25519PrivatePem, type Ed25519Key } from '../../src/main/services/signing/ed25519';
import { checkTeamChain, joinEntry, sealTeamEntry, type TeamEntry, type UnsignedTeamEntry } from '../../src/main/services/team/team-entry';
import { memberGrantsSql } from '../../src/main/services/team/team-migrations';
import { openPostgresTeamStore, type PostgresTeamStore, type TeamStoreOptions } from '../../src/main/services/team/team-store';
import { FlightdeckError } from '../../src/shared/errors';
import { GENESIS_HASH } from '../../src/shared/session-state';
import { startPostgres, type PostgresServer } from '../support/servers';
import { startTcpProxy } from '../support/tcp-proxy';
import { createTestPki, daysFromNow, type TestPki } from '../support/tls-certificates';
import { waitFor } from '../support/wait';

const { Client } = pg_;

const SUPERUSER_PASSWORD = `owner-${randomBytes(9).toString('hex')}`;
const MEMBER_PASSWORD = `member-${randomBytes(9).toString('hex')}`;
const MEMBER = 'team_member';

let pg: PostgresServer;
let databases = 0;
const opened: PostgresTeamStore[] = [];

beforeAll(async () => {
  pg = await startPostgres({ password: SUPERUSER_PASSWORD });
  pg.psql(`create role ${MEMBER} login password '${MEMBER_PASSWORD}'`);
}, 60_000);

afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
  await pg?.stop();
});

function open(database: string, as: 'owner' | 'member', extra: Partial<TeamStoreOptions> = {}): PostgresTeamStore {
  const user = as === 'owner' ? pg.user : MEMBER;
  const store = openPostgresTeamStore({
    url: `postgres://${user}@127.0.0.1:${pg.port}/${database}`,
    password: as === 'owner' ? SUPERUSER_PASSWORD : MEMBER_PASSWORD,
    ssl: { mode: 'disable' },
    ...extra,
  });
  opened.push(store);
  return store;
}

/** A new database; migrated and granted to the member role unless asked not to. */
async function freshDatabase(options: { migrate?: boolean } = {}): Promise<string> {
  databases += 1;
  const database = `team_${databases}`;
  pg.psql(`create database ${database}`);
  if (options.migrate !== false) {
    await open(database, 'owner').migrate();
    pg.psql(memberGrantsSql(MEMBER), database);
  }
  return database;
}

/** A superuser connection, for what only the database's owner can do (tampering, terminating backends). */
async function superClient(database: string): Promise<pg_.Client> {
  const client = new Client({ host: '127.0.0.1', port: pg.port, user: pg.user, password: SUPERUSER_PASSWORD, database });
  await client.connect();
  return client;
}

function newKey(): Ed25519Key {
  return ed25519FromPrivatePem(newEd25519PrivatePem());
}

/** The member's `member.joined`, appended the way the sync does it. */
function join(store: PostgresTeamStore, session: string, key: Ed25519Key, name: string) {
  const body = joinEntry(session, key, name, new Date().toISOString());
  return store.append(session, key.keyid, body.origin, (seq, prev) => sealTeamEntry({ ...body, seq, prev }, key));
}

function tick(store: PostgresTeamStore, session: string, key: Ed25519Key, name: string, origin: number, data: Record<string, unknown> = { item: `item-${origin}` }) {
  const body: Omit<UnsignedTeamEntry, 'seq' | 'prev'> = { session, author: key.keyid, name, origin, ts: new Date().toISOString(), type: 'item.ticked', by: name, data };
  return store.append(session, key.keyid, origin, (seq, prev) => sealTeamEntry({ ...body, seq, prev }, key));
}

/** Everything an error shows anywhere: message, stack, fields, inspection, JSON. */
function everythingIn(error: unknown): string {
  return [String((error as Error).message), String((error as Error).stack), inspect(error, { depth: 5 }), JSON.stringify(error)].join('\n');
}

async function failure(promise: Promise<unknown>): Promise<FlightdeckError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, 'expected a failure').toBeInstanceOf(FlightdeckError);
  return error as FlightdeckError;
}

describe('migrations', () => {
  it('lists v1 pending with its summary, refuses to work before it runs, applies it once', async () => {
    const database = await freshDatabase({ migrate: false });
    const owner = open(database, 'owner');
    const pending = await owner.pendingMigrations();
    expect(pending).toEqual([{ version: 1, summary: expect.stringContaining('flightdeck_entries') }]);
    expect(pending[0]!.summary).toMatch(/append-only/);

    const unmigrated = await failure(tick(owner, 's', newKey(), 'Ada', 0));
    expect(unmigrated.message).toBe(`The team store at 127.0.0.1:${pg.port}/${database} has no current Flightdeck schema (version 1 is missing): approve and run its migrations first.`);
    await expect(owner.headSeq('s')).rejects.toThrow(/run its migrations/);

    // Two people approving at the same time: one applies it, the other finds it done.
    const [first, second] = await Promise.all([owner.migrate(), open(database, 'owner').migrate()]);
    expect([first, second].sort()).toEqual([[], [1]]);
    expect(await owner.migrate()).toEqual([]);
    expect(await owner.pendingMigrations()).toEqual([]);
    expect(pg.psql('select version from flightdeck_schema', database).trim()).toBe('1');

    // The same store works once migrated: the failed schema check was not remembered.
    expect((await tick(owner, 's', newKey(), 'Ada', 0)).entry.seq).toBe(0);
  });
});

describe('the chain', () => {
  it('8 appenders on 8 pools x 50 appends: one contiguous chain the verifier accepts whole', async () => {
    const database = await freshDatabase();
    const session = 'window-concurrent';
    const members = Array.from({ length: 8 }, (_, i) => ({ name: `Member ${i}`, key: newKey(), store: open(database, 'member') }));
    const started = Date.now();
    await Promise.all(
      members.map(async ({ name, key, store }) => {
        await join(store, session, key, name);
        for (let origin = 0; origin < 50; origin += 1) {
          const { duplicate } = await tick(store, session, key, name, origin);
          expect(duplicate).toBe(false);
        }
      }),
    );
    const elapsed = Date.now() - started;

    const reader = open(database, 'member');
    const rows = (await reader.readSince(session, -1, 10_000)) as TeamEntry[];
    expect(rows).toHaveLength(408);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 408 }, (_, i) => i));
    rows.forEach((row, i) => expect(row.prev).toBe(i === 0 ? GENESIS_HASH : rows[i - 1]!.hash));
    const checked = checkTeamChain(session, rows);
    expect(checked.refused).toEqual([]);
    expect(checked.accepted).toHaveLength(408);
    expect(checked.head).toBe(rows[407]!.hash);
    expect(await reader.headSeq(session)).toBe(407);
    expect(await reader.headSeq('no-such-session')).toBe(-1);
    // Paging by seq returns the same rows.
    expect((await reader.readSince(session, 399, 5)).map((r) => (r as TeamEntry).seq)).toEqual([400, 401, 402, 403, 404]);
    console.log(`team store: 408 appends from 8 pools in ${elapsed} ms`);
  });

  it('gives back exactly what was sealed: numbers, NUL, unpaired surrogates and other text jsonb would change or refuse', async () => {
    const database = await freshDatabase();
    const store = open(database, 'member');
    const key = newKey();
    await join(store, 'round-trip', key, 'Ada');
    const data = {
      zero: 0,
      negativeZero: -0,
      big: 1e21,
      huge: 1.7976931348623157e308,
      tiny: 5e-324,
      unsafe: 2 ** 53 + 2,
      fraction: 0.1 + 0.2,
      negative: -123.456e-7,
      nul: 'before\u0000after',
      lone: 'high \ud800 alone',
      text: 'Zoë ✓ 🚀 עברית \u200b "quoted" \\ back\nline',
      nested: { z: [1, { b: null, a: true }], a: [], '': '' },
    };
    const { entry } = await tick(store, 'round-trip', key, 'Ada', 7, data);
    const [, row] = await store.readSince('round-trip', -1, 10);
    expect(canonicalJson(row)).toBe(canonicalJson(entry));
    expect((row as TeamEntry).data.lone).toBe('high \ud800 alone');
    expect((row as TeamEntry).data.nul).toBe('before\u0000after');
    expect(checkTeamChain('round-trip', await store.readSince('round-trip', -1, 10)).refused).toEqual([]);
  });

  it('a retried append (same author and origin) returns the stored entry and writes nothing', async () => {
    const database = await freshDatabase();
    const store = open(database, 'member');
    const key = newKey();
    await join(store, 'retry', key, 'Ada');
    const first = await tick(store, 'retry', key, 'Ada', 3);
    expect(first.duplicate).toBe(false);
    let sealedAgain = false;
    const again = await store.append('retry', key.keyid, 3, () => {
      sealedAgain = true;
      throw new Error('a retry must not be sealed again');
    });
    expect(again).toEqual({ entry: first.entry, duplicate: true });
    expect(sealedAgain).toBe(false);
    expect(pg.psql("select count(*) from flightdeck_entries where session = 'retry' and origin = 3", database).trim()).toBe('1');
    expect(await store.headSeq('retry')).toBe(1);
  });

  it('an outbox batch (appendMany) lands in order under one lock, skipping what a lost answer already put there', async () => {
    const database = await freshDatabase();
    const store = open(database, 'member');
    const other = open(database, 'member');
    const [ada, bea] = [newKey(), newKey()];
    await join(store, 'batch', ada, 'Ada');
    await join(other, 'batch', bea, 'Bea');
    await tick(store, 'batch', ada, 'Ada', 2);
    const body = (origin: number): Omit<UnsignedTeamEntry, 'seq' | 'prev'> => ({ session: 'batch', author: ada.keyid, name: 'Ada', origin, ts: new Date().toISOString(), type: 'item.ticked', by: 'Ada', data: { item: `item-${origin}` } });
    // Bea appends at the same time as Ada's batch: the chain interleaves them, never forks.
    const [written] = await Promise.all([
      store.appendMany('batch', ada.keyid, [1, 2, 3, 4, 5].map((origin) => ({ origin, seal: (seq: number, prev: string) => sealTeamEntry({ ...body(origin), seq, prev }, ada) }))),
      tick(other, 'batch', bea, 'Bea', 1),
    ]);
    expect(written.map((e) => e.origin)).toEqual([1, 3, 4, 5]);
    const rows = await store.readSince('batch', -1, 100);
    const { accepted, refused } = checkTeamChain('batch', rows);
    expect(refused).toEqual([]);
    expect(accepted.filter((e) => e.author === ada.keyid && e.origin >= 0).map((e) => e.origin)).toEqual(expect.arrayContaining([1, 2, 3, 4, 5]));
    expect(accepted.length).toBe(8);
    const adas = accepted.filter((e) => e.author === ada.keyid && e.origin > 0 && e.origin !== 2).map((e) => e.seq);
    expect(adas).toEqual([...adas].sort((a, b) => a - b));
  });

  it('a seal that throws appends nothing, and the next append takes that place', async () => {
    const database = await freshDatabase();
    const store = open(database, 'member');
    const key = newKey();
    await join(store, 'sealing', key, 'Ada');
    const refused = await failure(store.append('sealing', key.keyid, 1, () => { throw new Error('vault locked'); }));
    expect(refused.message).toMatch(/Sealing the entry for session "sealing" at seq 1 failed: vault locked; nothing was appended/);
    const misplaced = await failure(store.append('sealing', key.keyid, 1, (seq, prev) => sealTeamEntry({ session: 'sealing', seq: seq + 1, prev, author: key.keyid, name: 'Ada', origin: 1, ts: 't', type: 'item.ticked', by: 'Ada', data: {} }, key)));
    expect(misplaced.message).toMatch(/says seq 2, not 1; nothing was appended/);
    expect((await tick(store, 'sealing', key, 'Ada', 1)).entry.seq).toBe(1);
    expect(checkTeamChain('sealing', await store.readSince('sealing', -1, 10)).refused).toEqual([]);
  });
});

describe('listen', () => {
  it('hears an append made through another store, and says when its connection is killed', async () => {
    const database = await freshDatabase();
    const listener = open(database, 'member', { listenCheckMs: 600_000 });
    const writer = open(database, 'member');
    const heard: string[] = [];
    const lost: Error[] = [];
    await listener.listen(
      (session, seq) => heard.push(`${session}#${seq}`),
      (error) => lost.push(error),
    );
    const key = newKey();
    await join(writer, 'window 42', key, 'Ada');
    await tick(writer, 'window 42', key, 'Ada', 0);
    await waitFor('both appends heard', () => heard.length === 2, { lastSeen: () => heard.join(', ') });
    expect(heard).toEqual(['window 42#0', 'window 42#1']);

    const su = await superClient(database);
    try {
      const killed = await su.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and usename = $2 and query = 'listen flightdeck_entries'`, [database, MEMBER]);
      expect(killed.rowCount).toBe(1);
    } finally {
      await su.end();
    }
    await waitFor('onLost', () => lost.length === 1);
    expect(lost[0]).toBeInstanceOf(FlightdeckError);
    expect(lost[0]!.message).toContain(`the team store at 127.0.0.1:${pg.port}/${database}`);
    // Catching up by seq after the loss still works through the pool.
    expect(await listener.headSeq('window 42')).toBe(1);
  });

  it('through a cut network: the listener is lost, appends fail plainly, and after the heal a new listener and the catch-up read work', async () => {
    const database = await freshDatabase();
    const proxy = await startTcpProxy(pg.port);
    try {
      const viaProxy = (extra: Partial<TeamStoreOptions> = {}) => {
        const store = openPostgresTeamStore({ url: `postgres://${MEMBER}@127.0.0.1:${proxy.port}/${database}`, password: MEMBER_PASSWORD, ssl: { mode: 'disable' }, connectTimeoutMs: 1000, queryTimeoutMs: 1000, listenCheckMs: 200, ...extra });
        opened.push(store);
        return store;
      };
      const laptop = viaProxy();
      const other = open(database, 'member');
      const key = newKey();
      await join(laptop, 'cut', key, 'Ada');
      const lost: Error[] = [];
      await laptop.listen(() => undefined, (error) => lost.push(error));

      proxy.cut();
      await waitFor('the cut listener to be lost', () => lost.length === 1);
      const refused = await failure(tick(laptop, 'cut', key, 'Ada', 0));
      expect(refused.message).toContain(`127.0.0.1:${proxy.port}/${database}`);
      expect(everythingIn(refused)).not.toContain(MEMBER_PASSWORD);

      // A dropped network (no reset): the liveness check notices a silent listening connection, and a read times out.
      proxy.restore();
      const silentLost: Error[] = [];
      await laptop.listen(() => undefined, (error) => silentLost.push(error));
      proxy.freeze();
      const frozen = await failure(laptop.headSeq('cut'));
      expect(frozen.code).toBe('timeout');
      expect(frozen.message).toMatch(/did not answer in time/);
      await waitFor('the silent listener to be found lost', () => silentLost.length === 1);
      expect(silentLost[0]!.message).toMatch(/did not answer in time|connection was lost/);

      const otherKey = newKey();
      await join(other, 'cut', otherKey, 'Bea');
      proxy.restore();
      const heard: number[] = [];
      await laptop.listen((_, seq) => heard.push(seq), () => undefined);
      await tick(laptop, 'cut', key, 'Ada', 0);
      await waitFor('the healed listener hears its own append', () => heard.includes(2));
      const rows = await laptop.readSince('cut', -1, 100);
      expect(rows).toHaveLength(3);
      expect(checkTeamChain('cut', rows).refused).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('presence', () => {
  it('keeps one row per member with the latest phase and item, timed by the database', async () => {
    const database = await freshDatabase();
    const store = open(database, 'member');
    await store.heartbeat({ session: 'p', member: 'k1', name: 'Ada', phase: 'Deploy', item: 'item-1' });
    await store.heartbeat({ session: 'p', member: 'k2', name: 'Bea', phase: null, item: null });
    const before = (await store.presence('p')).find((row) => row.member === 'k1')!;
    await store.heartbeat({ session: 'p', member: 'k1', name: 'Ada', phase: 'Verify', item: 'item-9' });
    const rows = await store.presence('p');
    expect(rows.map((r) => [r.name, r.phase, r.item])).toEqual([
      ['Ada', 'Verify', 'item-9'],
      ['Bea', null, null],
    ]);
    expect(new Date(rows[0]!.lastSeen).toISOString()).toBe(rows[0]!.lastSeen);
    expect(Date.parse(rows[0]!.lastSeen)).toBeGreaterThanOrEqual(Date.parse(before.lastSeen));
    expect(await store.presence('nobody-here')).toEqual([]);
  });
});

describe('the single-flight lease', () => {
  it('one holder at a time; expiry by the database clock hands it over with a higher epoch; the old epoch cannot renew', async () => {
    const database = await freshDatabase();
    const a = open(database, 'member');
    const b = open(database, 'member');
    const session = 'lease';
    const ada = { session, holderKey: 'key-ada', holder: 'Ada', purpose: 'rollback' as const, subject: 'run-1' };
    const bea = { session, holderKey: 'key-bea', holder: 'Bea', purpose: 'rollback' as const, subject: 'run-2' };

    const took = await a.acquireLease({ ...ada, ttlMs: 60_000 });
    expect(took.taken).toBe(true);
    expect(took.lease).toMatchObject({ holder: 'Ada', holderKey: 'key-ada', purpose: 'rollback', subject: 'run-1', expired: false });
    const first = took.lease.epoch;

    const refused = await b.acquireLease({ ...bea, ttlMs: 60_000 });
    expect(refused).toMatchObject({ taken: false, lease: { holder: 'Ada', epoch: first, subject: 'run-1' } });
    expect(await a.renewLease(session, 'key-ada', first, 60_000)).toBe(true);
    expect(await b.renewLease(session, 'key-bea', first, 60_000)).toBe(false);

    // Ada's laptop stops renewing: her lease is shortened to expire, and the database says when it has.
    const again = await a.acquireLease({ ...ada, ttlMs: 200 });
    expect(again).toMatchObject({ taken: true, lease: { epoch: first } });
    await waitFor('the database to call the lease expired', async () => (await b.currentLease(session))?.expired === true);

    const takeover = await b.acquireLease({ ...bea, ttlMs: 60_000 });
    expect(takeover.taken).toBe(true);
    expect(takeover.lease.holder).toBe('Bea');
    expect(takeover.lease.epoch).toBeGreaterThan(first);
    expect(await a.renewLease(session, 'key-ada', first, 60_000)).toBe(false);
    expect((await a.acquireLease({ ...ada, ttlMs: 60_000 })).taken).toBe(false);

    await b.releaseLease(session, 'key-bea', takeover.lease.epoch);
    expect(await a.currentLease(session)).toBeNull();
    expect(await b.renewLease(session, 'key-bea', takeover.lease.epoch, 60_000)).toBe(false);
    const after = await a.acquireLease({ ...ada, ttlMs: 60_000 });
    expect(after.taken).toBe(true);
    expect(after.lease.epoch).toBeGreaterThan(takeover.lease.epoch);
  });

  it('two acquires racing: exactly one takes it, the other is told who', async () => {
    const database = await freshDatabase();
    const stores = [open(database, 'member'), open(database, 'member')];
    for (let round = 0; round < 5; round += 1) {
      const session = `race-${round}`;
      const attempts = await Promise.all(
        stores.map((store, i) => store.acquireLease({ session, holderKey: `key-${i}`, holder: `Holder ${i}`, purpose: 'flag', subject: 'checkout.new', ttlMs: 60_000 })),
      );
      const winners = attempts.filter((a) => a.taken);
      expect(winners).toHaveLength(1);
      const loser = attempts.find((a) => !a.taken)!;
      expect(loser.lease.holder).toBe(winners[0]!.lease.holder);
    }
  });
});

describe('tampering in the database, refused by the verifier naming the entry', () => {
  async function chain(database: string, session: string) {
    const store = open(database, 'member');
    const ada = newKey();
    const bea = newKey();
    await join(store, session, ada, 'Ada');
    await join(store, session, bea, 'Bea');
    for (const origin of [0, 1, 2]) await tick(store, session, ada, 'Ada', origin);
    await tick(store, session, bea, 'Bea', 0);
    expect(checkTeamChain(session, await store.readSince(session, -1, 100)).refused).toEqual([]);
    return { store, ada, bea };
  }

  /** The owner's way around the trigger (which is defence in depth only). */
  async function asOwnerBypassingTrigger(database: string, sql: string, params: unknown[]): Promise<void> {
    const su = await superClient(database);
    try {
      await su.query('set session_replication_role = replica');
      await su.query(sql, params);
    } finally {
      await su.end();
    }
  }

  it('a row edited in the database', async () => {
    const database = await freshDatabase();
    const { store } = await chain(database, 'edited');
    await asOwnerBypassingTrigger(database, `update flightdeck_entries set entry = jsonb_set(entry::jsonb, '{data,item}', '"item-other"')::json where session = $1 and seq = 3`, ['edited']);
    const { refused, accepted } = checkTeamChain('edited', await store.readSince('edited', -1, 100));
    expect(refused).toEqual([{ seq: 3, message: 'entry 3 (item.ticked by Ada): was altered in the store: its hash does not match its contents; refused' }]);
    expect(accepted).toHaveLength(5);
  });

  it('a forged author: signed with Bea\'s key, claiming to be Ada', async () => {
    const database = await freshDatabase();
    const { store, ada, bea } = await chain(database, 'forged');
    const head = (await store.readSince('forged', 4, 1))[0] as TeamEntry;
    const forged = sealTeamEntry({ session: 'forged', seq: 6, prev: head.hash, author: ada.keyid, name: 'Ada', origin: 99, ts: new Date().toISOString(), type: 'rollback.started', by: 'Ada', data: {} }, bea);
    const su = await superClient(database);
    try {
      await su.query('insert into flightdeck_entries (session, seq, author, origin, entry) values ($1, 6, $2, 99, $3::json)', ['forged', ada.keyid, JSON.stringify(forged)]);
    } finally {
      await su.end();
    }
    const { refused } = checkTeamChain('forged', await store.readSince('forged', -1, 100));
    expect(refused).toHaveLength(1);
    expect(refused[0]!.seq).toBe(6);
    expect(refused[0]!.message).toMatch(/^entry 6 \(rollback\.started by Ada\): its signature is not Ada's \(key .*\): altered or forged; refused$/);
  });

  it('a reordered pair', async () => {
    const database = await freshDatabase();
    const { store } = await chain(database, 'swapped');
    await asOwnerBypassingTrigger(
      database,
      `update flightdeck_entries e set entry = o.entry from flightdeck_entries o
       where e.session = $1 and o.session = $1 and ((e.seq = 3 and o.seq = 4) or (e.seq = 4 and o.seq = 3))`,
      ['swapped'],
    );
    const { refused } = checkTeamChain('swapped', await store.readSince('swapped', -1, 100));
    // The row after the pair links to the hash of the entry that was at 4: the chain shows the swap there too.
    expect(refused.map((r) => r.seq)).toEqual([3, 4, 5]);
    expect(refused[0]!.message).toBe('entry 4 (item.ticked by Ada): is at position 3 but says seq 4: rows are missing or reordered; refused');
    expect(refused[1]!.message).toBe('entry 3 (item.ticked by Ada): is at position 4 but says seq 3: rows are missing or reordered; refused');
    expect(refused[2]!.message).toMatch(/^entry 5 \(item\.ticked by Bea\): does not follow the entry before it/);
  });

  it('members have no UPDATE or DELETE on entries, and the trigger refuses them even where they were granted, and to the owner', async () => {
    const database = await freshDatabase();
    await chain(database, 'locked');
    const member = new Client({ host: '127.0.0.1', port: pg.port, user: MEMBER, password: MEMBER_PASSWORD, database });
    await member.connect();
    const su = await superClient(database);
    try {
      await expect(member.query("update flightdeck_entries set author = 'someone' where session = 'locked'")).rejects.toThrow('permission denied for table flightdeck_entries');
      await expect(member.query("delete from flightdeck_entries where session = 'locked'")).rejects.toThrow('permission denied for table flightdeck_entries');
      // A careless "grant all" does not open it either.
      await su.query(`grant all on flightdeck_entries to ${MEMBER}`);
      await expect(member.query("update flightdeck_entries set author = 'someone' where session = 'locked'")).rejects.toThrow('flightdeck_entries is append-only: UPDATE refused');
      await expect(member.query("delete from flightdeck_entries where session = 'locked'")).rejects.toThrow('flightdeck_entries is append-only: DELETE refused');
      await expect(su.query("update flightdeck_entries set author = 'someone' where session = 'locked'")).rejects.toThrow('append-only: UPDATE refused');
      await expect(su.query('truncate flightdeck_entries cascade')).rejects.toThrow('append-only: TRUNCATE refused');
    } finally {
      await member.end();
      await su.end();
    }
    expect(pg.psql("select count(*) from flightdeck_entries where session = 'locked'", database).trim()).toBe('6');
  });
});

describe('credentials', () => {
  it('a wrong or missing password cannot read or append, and no error shows a password', async () => {
    const database = await freshDatabase();
    const url = `postgres://${MEMBER}@127.0.0.1:${pg.port}/${database}`;
    const key = newKey();
    const wrong = openPostgresTeamStore({ url, password: 'not-the-password', ssl: { mode: 'disable' } });
    const none = openPostgresTeamStore({ url, password: null, ssl: { mode: 'disable' } });
    opened.push(wrong, none);
    for (const attempt of [join(wrong, 's', key, 'Ada'), wrong.readSince('s', -1, 10), wrong.listen(() => undefined, () => undefined)]) {
      const error = await failure(attempt);
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(new RegExp(`^the team store at 127\\.0\\.0\\.1:${pg.port}/${database} refused the credentials of user "${MEMBER}"`));
      expect(everythingIn(error)).not.toContain(MEMBER_PASSWORD);
      expect(everythingIn(error)).not.toContain('not-the-password');
    }
    for (const attempt of [join(none, 's', key, 'Ada'), none.readSince('s', -1, 10)]) {
      const error = await failure(attempt);
      expect(error.code).toBe('forbidden');
      expect(error.message).toMatch(/asks for a password while .*, and none is configured/);
    }
    expect(pg.psql("select count(*) from flightdeck_entries where session = 's'", database).trim()).toBe('0');
  });

  it('a URL carrying a password is refused without repeating it', () => {
    const error = (() => {
      try {
        openPostgresTeamStore({ url: `postgres://${MEMBER}:${MEMBER_PASSWORD}@127.0.0.1:${pg.port}/db`, password: null, ssl: { mode: 'disable' } });
      } catch (e) {
        return e as FlightdeckError;
      }
      throw new Error('accepted a URL with a password');
    })();
    expect(error.field).toBe('url');
    expect(error.message).toMatch(/carries a password/);
    expect(everythingIn(error)).not.toContain(MEMBER_PASSWORD);
  });

  it('every other failure it can be driven into names the store and never the password', async () => {
    const database = await freshDatabase();
    pg.psql(`create role outsider login password '${MEMBER_PASSWORD}-outsider'`);
    const proxy = await startTcpProxy(pg.port);
    proxy.cut({ blackhole: true });
    const closedPort = await startTcpProxy(pg.port);
    await closedPort.close();
    try {
      const cases: { what: string; options: TeamStoreOptions; expect: RegExp; password: string }[] = [
        { what: 'no such database', options: { url: `postgres://${MEMBER}@127.0.0.1:${pg.port}/nowhere`, password: MEMBER_PASSWORD, ssl: { mode: 'disable' } }, expect: /database "nowhere" does not exist/, password: MEMBER_PASSWORD },
        { what: 'nothing listening', options: { url: `postgres://${MEMBER}@127.0.0.1:${closedPort.port}/${database}`, password: MEMBER_PASSWORD, ssl: { mode: 'disable' } }, expect: /^Cannot reach the team store at .* \(ECONNREFUSED\)/, password: MEMBER_PASSWORD },
        { what: 'a silent network', options: { url: `postgres://${MEMBER}@127.0.0.1:${proxy.port}/${database}`, password: MEMBER_PASSWORD, ssl: { mode: 'disable' }, connectTimeoutMs: 300 }, expect: /did not answer in time/, password: MEMBER_PASSWORD },
        { what: 'a role without the grants', options: { url: `postgres://outsider@127.0.0.1:${pg.port}/${database}`, password: `${MEMBER_PASSWORD}-outsider`, ssl: { mode: 'disable' } }, expect: /refused .* to user "outsider": permission denied/, password: `${MEMBER_PASSWORD}-outsider` },
        { what: 'TLS required from a server without it', options: { url: `postgres://${MEMBER}@127.0.0.1:${pg.port}/${database}`, password: MEMBER_PASSWORD, ssl: { mode: 'verify-full' } }, expect: /does not offer TLS, and the store's ssl mode is verify-full/, password: MEMBER_PASSWORD },
      ];
      for (const c of cases) {
        const store = openPostgresTeamStore(c.options);
        opened.push(store);
        const error = await failure(tick(store, 's', newKey(), 'Ada', 0));
        expect(error.message, c.what).toMatch(c.expect);
        expect(everythingIn(error), c.what).not.toContain(c.password);
      }
      const noCa = await failure(Promise.resolve().then(() => openPostgresTeamStore({ url: `postgres://${MEMBER}@127.0.0.1:${pg.port}/${database}`, password: null, ssl: { mode: 'verify-full', caFile: '/nonexistent/ca.pem' } })));
      expect(noCa).toMatchObject({ field: 'ssl.caFile', file: '/nonexistent/ca.pem' });
    } finally {
      await proxy.close();
    }
  });
});

describe('TLS (sslmode=verify-full)', () => {
  let tlsPg: PostgresServer;
  let pki: TestPki;
  let otherPki: TestPki;
  let dir: string;

  beforeAll(async () => {
    [tlsPg, pki, otherPki] = await Promise.all([startPostgres({ password: SUPERUSER_PASSWORD }), createTestPki(), createTestPki()]);
    dir = mkdtempSync(joinPath(tmpdir(), 'flightdeck-team-tls-'));
    chmodSync(dir, 0o755);
  }, 60_000);

  afterAll(async () => {
    await tlsPg?.stop();
    pki?.remove();
    otherPki?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Gives the cluster a server certificate for `names` and accepts only TLS connections from then on. */
  async function serveTls(names: string[], label: string): Promise<void> {
    const leaf = await pki.issue(daysFromNow(-1), daysFromNow(10), names);
    const cert = joinPath(dir, `${label}.pem`);
    const key = joinPath(dir, `${label}.key`);
    writeFileSync(cert, leaf.cert);
    writeFileSync(key, leaf.key, { mode: 0o600 });
    // The cluster runs as "postgres" when the tests run as root; PostgreSQL wants its key file its own and private.
    if (process.getuid?.() === 0) {
      const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
      chownSync(cert, uid, -1);
      chownSync(key, uid, -1);
    }
    const hba = tlsPg.psql('show hba_file').trim();
    writeFileSync(hba, 'local all all scram-sha-256\nhostssl all all 127.0.0.1/32 scram-sha-256\n');
    tlsPg.psql(`alter system set ssl_cert_file = '${cert}'`);
    tlsPg.psql(`alter system set ssl_key_file = '${key}'`);
    tlsPg.psql('alter system set ssl = on');
    tlsPg.psql('select pg_reload_conf()');
  }

  function tlsStore(host: string, caFile: string | undefined, mode: 'disable' | 'verify-full' = 'verify-full'): PostgresTeamStore {
    const store = openPostgresTeamStore({ url: `postgres://${tlsPg.user}@${host}:${tlsPg.port}/postgres`, password: SUPERUSER_PASSWORD, ssl: caFile ? { mode, caFile } : { mode } });
    opened.push(store);
    return store;
  }

  it('connects only with the team CA and the certificate\'s own name; refuses an unknown CA or another name', async () => {
    const ca = joinPath(dir, 'ca.pem');
    const otherCa = joinPath(dir, 'other-ca.pem');
    writeFileSync(ca, pki.caCert);
    writeFileSync(otherCa, otherPki.caCert);
    await serveTls(['IP:127.0.0.1'], 'ip');

    // The reload is asynchronous: wait until the server speaks TLS with this certificate.
    await waitFor('the cluster to serve TLS', () => tlsStore('127.0.0.1', ca).pendingMigrations().then(() => true, () => false), 30_000);
    const store = tlsStore('127.0.0.1', ca);
    expect(await store.migrate()).toEqual([1]);
    const key = newKey();
    await join(store, 'tls', key, 'Ada');
    expect(await store.headSeq('tls')).toBe(0);

    // The server takes TLS only: a store with TLS off is refused by pg_hba.
    const plain = await failure(tlsStore('127.0.0.1', undefined, 'disable').headSeq('tls'));
    expect(plain.message).toMatch(/^the team store at 127\.0\.0\.1:\d+\/postgres does not let user "flightdeck" connect from here .*no encryption/);

    const unknownCa = await failure(tlsStore('127.0.0.1', otherCa).headSeq('tls'));
    expect(unknownCa.field).toBe('ssl.caFile');
    expect(unknownCa.message).toMatch(/presented a certificate that does not verify/);
    const systemRootsOnly = await failure(tlsStore('127.0.0.1', undefined).headSeq('tls'));
    expect(systemRootsOnly.message).toMatch(/presented a certificate that does not verify/);

    await serveTls(['DNS:db.example.internal'], 'other-name');
    const wrongName = await waitFor('the certificate for another name to be refused', () =>
      tlsStore('127.0.0.1', ca)
        .headSeq('tls')
        .then(
          () => null,
          (error: FlightdeckError) => error,
        ),
    30_000);
    expect(wrongName.message).toMatch(/does not verify .*the URL's host is the certificate's name/);
    for (const error of [plain, unknownCa, systemRootsOnly, wrongName]) expect(everythingIn(error)).not.toContain(SUPERUSER_PASSWORD);
  });
});
