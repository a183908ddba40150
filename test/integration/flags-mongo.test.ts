/**
 * A flag in a MongoDB document, against a real server. There is no MongoDB
 * server on this machine: these run only when MONGODB_URI points at one
 * (a replica set, for write concern majority) and are skipped otherwise,
 * saying so.
 */
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { ActionLog } from '../../src/main/services/flags/action-log';
import { FlagService } from '../../src/main/services/flags/flag-service';
import { FlagSchema } from '../../src/main/services/profile/flags-schema';
import { tempDir } from '../support/app';

const URI = process.env.MONGODB_URI;
if (!URI) console.warn('flags-mongo: skipped, MONGODB_URI is not set (no MongoDB server here); set it to a replica set URI to run these.');

describe.skipIf(!URI)('MongoDB document flags', () => {
  const database = `flightdeck_test_${randomBytes(4).toString('hex')}`;
  let client: MongoClient;
  let work: ReturnType<typeof tempDir>;
  let log: ActionLog;
  let flags: FlagService;

  beforeAll(async () => {
    client = new MongoClient(URI!, { serverSelectionTimeoutMS: 5000 });
    await client.connect();
    await client.db(database).collection('flags').insertOne({ name: 'checkout_v2', rollout: { percent: 10 } });
    work = tempDir('flightdeck-flags-mongo-');
    log = ActionLog.open(work.path);
    const config = (filter: Record<string, string>) =>
      FlagSchema.parse({ name: `checkout_v2${filter.name === 'checkout_v2' ? '' : '_missing'}`, backend: { type: 'mongodb', url: URI, database, collection: 'flags', filter, field: 'rollout.percent' }, timeoutMs: 3000 });
    flags = new FlagService({
      flags: [config({ name: 'checkout_v2' }), config({ name: 'no-such-flag' })],
      secrets: { has: () => false, get: (n) => { throw new FlightdeckError('not-found', `no secret ${n}`); } },
      journal: log,
      settleDelaysMs: [],
    });
  });

  afterAll(async () => {
    await flags?.close();
    await client?.db(database).dropDatabase();
    await client?.close();
    log?.close();
    work?.remove();
  });

  it('reads the field, sets it with updateOne under majority, and reads it back', async () => {
    expect((await flags.read('checkout_v2')).value).toBe(10);
    const record = await flags.set('checkout_v2', 50, 'rm');
    expect(record).toMatchObject({ outcome: 'ok', message: 'set to 50 and read back 50' });
    expect(await client.db(database).collection('flags').findOne({ name: 'checkout_v2' })).toMatchObject({ rollout: { percent: 50 } });
  });

  it('a filter that matches no document is failed: nothing was written', async () => {
    const record = await flags.set('checkout_v2_missing', 50, 'rm');
    expect(record.outcome).toBe('failed');
    expect(record.message).toContain('no document matches the filter');
  });
});
