import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { MongoProbeSchema } from '../../src/main/services/profile/probes-schema';
import { createProbe } from '../../src/main/services/probes/create-probe';
import { CounterDeltas } from '../../src/main/services/probes/counter-deltas';
import { mongoSamples, replicationLagSeconds } from '../../src/main/services/probes/mongo-status';
import { configTarget } from '../../src/main/services/telemetry/series-info';

const MONGODB_URI = process.env.MONGODB_URI;
if (!MONGODB_URI) console.warn('MongoDB probe tests against a server are skipped: set MONGODB_URI (no MongoDB server can be installed on this machine).');

describe('MongoDB numbers from serverStatus and replSetGetStatus documents', () => {
  it('computes connections in use, opcounter rates and replication lag', () => {
    const deltas = new CounterDeltas();
    const first = mongoSamples({ connections: { current: 30, available: 70 }, opcounters: { insert: 100, query: 1000 } }, null, deltas, 0);
    expect(first.samples).toEqual([{ metric: 'db_connections', value: 30 }]);
    const second = mongoSamples(
      { connections: { current: 45, available: 55 }, opcounters: { insert: 150, query: 900 }, repl: { setName: 'rs0' } },
      {
        members: [
          { stateStr: 'PRIMARY', optimeDate: new Date(100_000) },
          { stateStr: 'SECONDARY', optimeDate: new Date(98_500) },
          { stateStr: 'SECONDARY', optimeDate: new Date(96_000) },
          { stateStr: 'ARBITER' },
        ],
      },
      deltas,
      10_000,
    );
    // 45 of 100 in use; inserts +50 in 10 s = 5/s; queries went down (restart): 900 since then = 90/s; slowest secondary 4 s behind
    expect(second.samples).toEqual([
      { metric: 'db_connections', value: 45 },
      { metric: 'ops_insert', value: 5, unit: 'ops/s', label: 'insert operations per second' },
      { metric: 'ops_query', value: 90, unit: 'ops/s', label: 'query operations per second' },
      { metric: 'replication_lag', value: 4, unit: 's', label: 'Replication lag' },
    ]);
    expect(second.details.replicaSet).toBe('rs0');
    expect(replicationLagSeconds({ members: [{ stateStr: 'PRIMARY', optimeDate: new Date(0) }] })).toBeNull();
  });

  it('never shows a connection string from the vault as the target', () => {
    const probe = createProbe(MongoProbeSchema.parse({ name: 'mongo', kind: 'mongodb', url: { secret: 'mongo-uri' } }), { secrets: { get: () => 'mongodb://u:p@h/db', has: () => true } });
    expect(probe.target).toBe('mongodb (connection string in secret mongo-uri)');
    // The status light shows the same words before the probe exists (vault locked) as after.
    expect(configTarget(MongoProbeSchema.parse({ name: 'mongo', kind: 'mongodb', url: { secret: 'mongo-uri' } }))).toBe(probe.target);
    const literal = createProbe(MongoProbeSchema.parse({ name: 'mongo', kind: 'mongodb', url: 'mongodb://admin:hunter22@db.internal:27017/app' }), { secrets: { get: () => '', has: () => false } });
    expect(literal.target).toBe('mongodb://db.internal:27017/app');
  });

  it('the real driver is down within its deadline when nothing listens', async () => {
    const probe = createProbe(MongoProbeSchema.parse({ name: 'mongo', kind: 'mongodb', url: 'mongodb://127.0.0.1:1/?directConnection=true', timeoutMs: 3000 }), {
      secrets: { get: () => '', has: () => false },
    });
    const started = performance.now();
    const reading = await probe.run();
    await probe.close();
    expect(reading).toMatchObject({ health: 'down', message: 'connection refused' });
    // The driver's refusal arrives 100 ms inside the deadline; a loaded machine needs room for that race (800 ms lost it once in CI-like load).
    expect(performance.now() - started).toBeLessThan(3000 + 2000);
  });
});

describe.skipIf(!MONGODB_URI)('MongoDB probe against the server at MONGODB_URI', () => {
  it('reads serverStatus: connections in use, then opcounter rates on the next probe', async () => {
    const probe = createProbe(MongoProbeSchema.parse({ name: 'mongo', kind: 'mongodb', url: { secret: 'mongo-uri' }, timeoutMs: 5000 }), {
      secrets: { get: () => MONGODB_URI!, has: () => true },
    });
    const client = new MongoClient(MONGODB_URI!, { serverSelectionTimeoutMS: 5000 });
    try {
      const first = await probe.run();
      expect(first.health).toBe('up');
      const share = first.samples.find((s) => s.metric === 'db_connections')!.value;
      expect(share).toBeCloseTo((100 * (first.details.connections as number)) / ((first.details.connections as number) + (first.details.connectionsAvailable as number)), 10);
      const collection = client.db('flightdeck_probe_test').collection('t');
      await collection.insertMany(Array.from({ length: 20 }, (_, i) => ({ i })));
      const second = await probe.run();
      expect(second.samples.find((s) => s.metric === 'ops_insert')!.value).toBeGreaterThan(0);
      expect(JSON.stringify(second)).not.toContain(MONGODB_URI!);
      await collection.drop();
    } finally {
      await client.close();
      await probe.close();
    }
  });
});
