import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisProbeSchema } from '../../src/main/services/profile/probes-schema';
import { createProbe } from '../../src/main/services/probes/create-probe';
import type { Probe, ProbeReading } from '../../src/main/services/probes/probe';
import { startRedis, type RedisServer } from '../support/servers';

const PASSWORD = 'redis-test-Passw0rd';
const TIMEOUT = 800;
const vault = { get: (name: string) => (name === 'redis-password' ? PASSWORD : 'wrong-Passw0rd-guess'), has: () => true };

let server: RedisServer;
let client: Redis;
beforeAll(async () => {
  server = await startRedis({ password: PASSWORD });
  client = new Redis(server.url, { password: PASSWORD, lazyConnect: true });
  // The test's own client sees the kill below too; its reconnects are expected.
  client.on('error', () => undefined);
  await client.connect();
});
afterAll(async () => {
  client.disconnect();
  await server.stop();
});

function redisProbe(secret = 'redis-password'): Probe {
  return createProbe(RedisProbeSchema.parse({ name: 'cache', kind: 'redis', url: server.url, password: { secret }, timeoutMs: TIMEOUT }), { secrets: vault });
}

function sample(reading: ProbeReading, metric: string): number | undefined {
  return reading.samples.find((s) => s.metric === metric)?.value;
}

async function gets(hits: number, misses: number): Promise<void> {
  for (let i = 0; i < hits; i++) expect(await client.get('present')).toBe('yes');
  for (let i = 0; i < misses; i++) expect(await client.get(`absent-${i}`)).toBeNull();
}

describe('Redis probe against a real redis-server', () => {
  it('computes the cache hit rate from a known sequence of hits and misses, then from the difference', async () => {
    await client.set('present', 'yes');
    await client.config('SET', 'maxmemory', String(100 * 1024 * 1024));
    const probe = redisProbe();
    try {
      await gets(3, 1);
      const first = await probe.run();
      expect(first.health).toBe('up');
      // First probe: totals, 3 hits and 1 miss → 75 %
      expect(sample(first, 'cache_hit_rate')).toBe(75);
      expect(first.details).toMatchObject({ keyspaceHits: 3, keyspaceMisses: 1, maxMemoryBytes: 100 * 1024 * 1024 });
      expect(sample(first, 'memory')).toBeCloseTo((100 * (first.details.usedMemoryBytes as number)) / (100 * 1024 * 1024), 10);
      expect(sample(first, 'connected_clients')).toBeGreaterThanOrEqual(2);

      // Since then 1 hit and 3 misses → 25 %, though the totals say 4 of 8 = 50 %
      await gets(1, 3);
      const second = await probe.run();
      expect(sample(second, 'cache_hit_rate')).toBe(25);
      expect(second.details).toMatchObject({ keyspaceHits: 4, keyspaceMisses: 4 });
      expect(second.message).toMatch(/^INFO in \d+ ms, 25\.0 % cache hits$/);
    } finally {
      await probe.close();
      await client.config('SET', 'maxmemory', '0');
    }
  });

  it('is down with a clear message on a wrong password, without the password', async () => {
    const probe = redisProbe('wrong');
    const reading = await probe.run();
    await probe.close();
    expect(reading.health).toBe('down');
    expect(reading.message).toMatch(/^authentication failed: WRONGPASS/);
    expect(JSON.stringify(reading)).not.toContain('wrong-Passw0rd-guess');
  });

  it('ends within its deadline when the server freezes, and recovers when it thaws', async () => {
    const probe = redisProbe();
    try {
      expect((await probe.run()).health).toBe('up');
      server.freeze();
      const started = performance.now();
      const frozen = await probe.run();
      const elapsed = performance.now() - started;
      server.thaw();
      expect(frozen).toMatchObject({ health: 'down', message: `timed out after ${TIMEOUT} ms waiting for the server` });
      expect(elapsed).toBeLessThan(TIMEOUT + 400);
      expect((await probe.run()).health).toBe('up');
    } finally {
      server.thaw();
      await probe.close();
    }
  });

  it('says "connection refused" while the server is gone and reconnects when it is back', async () => {
    const probe = redisProbe();
    try {
      expect((await probe.run()).health).toBe('up');
      await server.kill();
      const gone = await probe.run();
      expect(gone.health).toBe('down');
      expect(['connection refused', 'connection closed']).toContain(gone.message);
      const again = await probe.run();
      expect(again).toMatchObject({ health: 'down', message: 'connection refused' });
      await server.start();
      expect((await probe.run()).health).toBe('up');
    } finally {
      await probe.close();
      if (client.status !== 'ready') {
        client.disconnect();
        client = new Redis(server.url, { password: PASSWORD, lazyConnect: true });
        await client.connect();
      }
    }
  });
});
