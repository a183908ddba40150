/**
 * Flag writes against a real redis-server that is killed, frozen with
 * SIGSTOP, or paused with CLIENT PAUSE: the outcome is unknown or failed
 * within the deadline and never ok; after recovery the read-back settles
 * it; and a write reported failed never lands later. A write made after a
 * read is conditional (WATCH, GET, MULTI/SET/EXEC): a frozen server that
 * never answers the check never receives the SET, so it fails with that
 * evidence; a write without a read before it is a plain SET. Where "never lands
 * later" needs a moment to pass, the test waits for a control write that
 * was queued at the same time (by a client with ioredis's defaults, or a
 * second connection held by the pause) to land, instead of sleeping.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { ActionLog } from '../../src/main/services/flags/action-log';
import { FlagService } from '../../src/main/services/flags/flag-service';
import { FlagSchema } from '../../src/main/services/profile/flags-schema';
import type { SecretResolver } from '../../src/main/services/vault/secrets';
import { tempDir } from '../support/app';
import { startRedis, type RedisServer } from '../support/servers';
import { waitFor } from '../support/wait';

const TIMEOUT_MS = 300;
/** Write deadline + read-back deadline, plus scheduling slack on a shared 2-core machine. */
const OUTCOME_WITHIN_MS = 2 * TIMEOUT_MS + 250;
const KEY = 'flags:checkout_v2';

const noSecrets: SecretResolver = {
  has: () => false,
  get: (name) => {
    throw new FlightdeckError('not-found', `no secret ${name}`);
  },
};

let redis: RedisServer;
let admin: Redis;
let work: ReturnType<typeof tempDir>;
let log: ActionLog;
let flags: FlagService;
const extraClients: Redis[] = [];

function service(field?: string): FlagService {
  const config = FlagSchema.parse({ name: 'checkout_v2', backend: { type: 'redis', url: redis.url, key: KEY, ...(field ? { field } : {}) }, timeoutMs: TIMEOUT_MS });
  return new FlagService({ flags: [config], secrets: noSecrets, journal: log, settleDelaysMs: [] });
}

/** A client with ioredis's defaults (offline queue, reconnects, resend): what the app must not be. */
function defaultClient(): Redis {
  const client = new Redis(redis.url);
  client.on('error', () => undefined);
  extraClients.push(client);
  return client;
}

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
}

beforeEach(async () => {
  redis = await startRedis();
  admin = defaultClient();
  await admin.set(KEY, '10');
  work = tempDir('flightdeck-flags-redis-');
  log = ActionLog.open(work.path);
  flags = service();
  expect((await flags.read('checkout_v2')).value).toBe('10');
});

afterEach(async () => {
  redis.thaw();
  await flags.close();
  for (const client of extraClients.splice(0)) client.disconnect();
  log.close();
  work.remove();
  await redis.stop();
});

describe('redis flag writes under chaos', () => {
  it('a healthy server: ok, read back, journaled', async () => {
    const record = await flags.set('checkout_v2', 50, 'rm');
    expect(record).toMatchObject({ outcome: 'ok', message: 'set to 50 and read back 50', inputs: { from: '10', to: '50' } });
    expect(await admin.get(KEY)).toBe('50');
    expect(log.entries().map((e) => e.type)).toEqual(['action.started', 'action.finished']);
  });

  it('killed: the write fails at once, never lands after the restart, and the next write goes through', async () => {
    await redis.kill();
    const control = defaultClient();
    const controlWrite = control.set('control', 'queued while down');
    const { value: record, ms } = await timed(flags.set('checkout_v2', 0, 'rm'));
    expect(record.outcome).toBe('failed');
    expect(ms).toBeLessThan(OUTCOME_WITHIN_MS);
    expect(record.message).toMatch(/not written: .*(could not connect|nothing was sent|never sent)/);

    await redis.start();
    // ioredis's defaults queue a write and send it after reconnecting: the control lands...
    await controlWrite;
    expect(await control.get('control')).toBe('queued while down');
    // ...ours, reported failed, does not: the restarted server never hears of it.
    expect(await control.get(KEY)).toBeNull();
    await control.set(KEY, '10');
    const again = await flags.set('checkout_v2', 0, 'rm');
    expect(again.outcome).toBe('ok');
    expect(await control.get(KEY)).toBe('0');
  });

  it('frozen with SIGSTOP after a read: the check is never answered, so the SET is never sent: failed, and it never lands', async () => {
    redis.freeze();
    const { value: record, ms } = await timed(flags.set('checkout_v2', 50, 'rm'));
    expect(record.outcome).toBe('failed');
    expect(ms).toBeLessThan(OUTCOME_WITHIN_MS);
    expect(record.message).toContain('the write was never sent');
    const control = defaultClient();
    const controlWrite = control.set('control', 'queued while frozen');
    redis.thaw();
    await controlWrite;
    expect(await control.get(KEY)).toBe('10');
  });

  it('frozen with SIGSTOP, a plain write (no read before it): unknown within the deadline, then the read-back after thawing settles it', async () => {
    await flags.close();
    flags = service();
    redis.freeze();
    const { value: record, ms } = await timed(flags.set('checkout_v2', 50, 'rm'));
    expect(record.outcome).toBe('unknown');
    expect(ms).toBeLessThan(OUTCOME_WITHIN_MS);
    expect(record.message).toContain('not known whether it landed');
    expect(flags.unsettledActions()).toEqual([record.id]);

    redis.thaw();
    // The SET sat in the frozen server's socket buffer: it runs on thaw, and the read-back says so.
    const settled = await flags.reconcile(record.id);
    expect(settled.outcome).toBe('ok');
    expect(settled.message).toContain('read-back shows the new value 50');
    expect(await admin.get(KEY)).toBe('50');
    expect(log.entries().map((e) => e.type)).toEqual(['action.started', 'action.finished', 'action.settled']);
    expect(log.entries()[1]!.data).toMatchObject({ outcome: 'unknown' });
    expect(log.entries()[2]!.data).toMatchObject({ outcome: 'ok', readBack: '50' });
  });

  it('paused with CLIENT PAUSE WRITE: unknown within the deadline, settled once the pause expires', async () => {
    const pauser = defaultClient();
    await pauser.call('CLIENT', 'PAUSE', '1500', 'WRITE');
    const { value: record, ms } = await timed(flags.set('checkout_v2', 50, 'rm'));
    expect(record.outcome).toBe('unknown');
    expect(ms).toBeLessThan(OUTCOME_WITHIN_MS);
    // Reads go on during a write pause, and the value is still the old one.
    expect(await pauser.get(KEY)).toBe('10');

    // The paused SET runs when the pause expires.
    await waitFor('the key to hold 50', async () => (await pauser.get(KEY)) === '50', 5000);
    const settled = await flags.reconcile(record.id);
    expect(settled.outcome).toBe('ok');
  });

  it('paused, and the server drops our blocked connection: failed, and it never lands after the pause', async () => {
    const pauser = defaultClient();
    await pauser.call('CLIENT', 'PAUSE', '1200', 'WRITE');
    const writing = timed(flags.set('checkout_v2', 50, 'rm'));
    // Our connection, blocked by the pause (flags=b) on its SET.
    // Blocked (b) on the SET, inside the conditional write's MULTI (x) or plain.
    const blockedSet = /id=(\d+) [^\n]*flags=x?b [^\n]*cmd=set/;
    await waitFor('a SET blocked on the paused server', async () => blockedSet.test(String(await pauser.call('CLIENT', 'LIST'))), 5000);
    const blocked = blockedSet.exec(String(await pauser.call('CLIENT', 'LIST')))![1]!;
    const other = defaultClient();
    // A control write from another connection, held by the same pause.
    const controlWrite = other.set('control', 'after the pause');
    await pauser.call('CLIENT', 'KILL', 'ID', blocked);

    const { value: record, ms } = await writing;
    expect(record.outcome).toBe('failed');
    expect(ms).toBeLessThan(OUTCOME_WITHIN_MS);
    expect(record.message).toContain('the connection that carried the write is closed');

    await controlWrite;
    expect(await other.get('control')).toBe('after the pause');
    expect(await other.get(KEY)).toBe('10');
  });

  it('a hash field behaves the same: frozen is never ok, and nothing lands after thawing', async () => {
    await flags.close();
    await admin.hset('flags', 'checkout_v2', '10');
    flags = new FlagService({
      flags: [FlagSchema.parse({ name: 'checkout_v2', backend: { type: 'redis', url: redis.url, key: 'flags', field: 'checkout_v2' }, timeoutMs: TIMEOUT_MS })],
      secrets: noSecrets,
      journal: log,
      settleDelaysMs: [],
    });
    expect((await flags.set('checkout_v2', 10, null)).outcome).toBe('ok');
    redis.freeze();
    const record = await flags.set('checkout_v2', 100, null);
    expect(record.outcome).toBe('failed');
    expect(record.message).toContain('the write was never sent');
    const controlWrite = admin.set('control', 'queued while frozen');
    redis.thaw();
    await controlWrite;
    expect(await admin.hget('flags', 'checkout_v2')).toBe('10');
  });

  it('a wrong key type is a Redis error: failed, with its words', async () => {
    await flags.close();
    // The profile says hash field, the key holds a string: HSET answers WRONGTYPE.
    flags = service('checkout_v2');
    const record = await flags.set('checkout_v2', 50, null);
    expect(record.outcome).toBe('failed');
    expect(record.message).toContain('WRONGTYPE');
  });
});
