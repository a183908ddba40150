import { createServer, type Server } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresProbeSchema } from '../../src/main/services/profile/probes-schema';
import { createProbe } from '../../src/main/services/probes/create-probe';
import { postgresSamples } from '../../src/main/services/probes/postgres-probe';
import type { ProbeReading } from '../../src/main/services/probes/probe';
import { freePort, startPostgres, type PostgresServer } from '../support/servers';

const TIMEOUT = 1500;
let server: PostgresServer;
beforeAll(async () => {
  server = await startPostgres();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

function vault(password: string) {
  return { get: () => password, has: () => true };
}

async function probeOnce(url: string, password: string): Promise<ProbeReading> {
  const probe = createProbe(PostgresProbeSchema.parse({ name: 'db', kind: 'postgres', url, password: { secret: 'db-password' }, timeoutMs: TIMEOUT }), { secrets: vault(password) });
  try {
    return await probe.run();
  } finally {
    await probe.close();
  }
}

function sample(reading: ProbeReading, metric: string): number | undefined {
  return reading.samples.find((s) => s.metric === metric)?.value;
}

async function connectClient(): Promise<pg.Client> {
  const client = new pg.Client({ host: server.host, port: server.port, user: server.user, password: server.password, database: 'postgres', connectionTimeoutMillis: 5000 });
  await client.connect();
  return client;
}

describe('PostgreSQL probe against a real server', () => {
  it('reports connections in use against max_connections, and more when clients connect', async () => {
    const before = await probeOnce(server.url(), server.password);
    expect(before.health).toBe('up');
    expect(before.details.maxConnections).toBe(50);
    const inUse = before.details.connections as number;
    expect(inUse).toBeGreaterThanOrEqual(1);
    expect(sample(before, 'db_connections')).toBe((100 * inUse) / 50);
    expect(before.details.role).toBe('primary');
    // No replica here: no replication lag series rather than a made-up 0.
    expect(sample(before, 'replication_lag')).toBeUndefined();

    const clients = await Promise.all(Array.from({ length: 5 }, connectClient));
    try {
      const after = await probeOnce(server.url(), server.password);
      expect(after.details.connections).toBe(inUse + 5);
      expect(sample(after, 'db_connections')).toBe((100 * (inUse + 5)) / 50);
      expect(after.message).toBe(`${inUse + 5} of 50 connections (${Math.round((100 * (inUse + 5)) / 50)} %)`);
    } finally {
      await Promise.all(clients.map((c) => c.end()));
    }
  });

  it('reports the longest running query', async () => {
    const sleeper = await connectClient();
    sleeper.on('error', () => undefined);
    const sleeping = sleeper.query('select pg_sleep(4)').catch(() => undefined);
    try {
      const idle = await probeOnce(server.url(), server.password);
      expect(sample(idle, 'longest_query')).toBeLessThan(1);
      // Wait for the condition, not a fixed time: the sleeper has run for a second.
      let reading = idle;
      const deadline = Date.now() + 3000;
      while ((sample(reading, 'longest_query') ?? 0) < 1 && Date.now() < deadline) reading = await probeOnce(server.url(), server.password);
      const longest = sample(reading, 'longest_query')!;
      expect(longest).toBeGreaterThanOrEqual(1);
      expect(longest).toBeLessThan(4);
      expect(reading.details.longestQuerySeconds).toBe(longest);
    } finally {
      server.psql("select pg_cancel_backend(pid) from pg_stat_activity where query = 'select pg_sleep(4)'");
      await sleeping;
      await sleeper.end();
    }
  });

  it('is down with a clear message on a wrong password, without the password', async () => {
    const reading = await probeOnce(server.url(), 'not-the-Passw0rd');
    expect(reading.health).toBe('down');
    expect(reading.message).toBe(`authentication failed: password authentication failed for user "${server.user}"`);
    expect(JSON.stringify(reading)).not.toContain('not-the-Passw0rd');
  });

  it('shows the target without credentials, says refused when nothing listens, and ends within its deadline on a silent server', async () => {
    const probe = createProbe(PostgresProbeSchema.parse({ name: 'db', kind: 'postgres', url: `postgres://admin:inline-secret@127.0.0.1:${server.port}/postgres` }), { secrets: vault('') });
    expect(probe.target).toBe(`postgres://127.0.0.1:${server.port}/postgres`);
    await probe.close();

    const refused = await probeOnce(`postgres://flightdeck@127.0.0.1:${await freePort()}/postgres`, 'x');
    expect(refused).toMatchObject({ health: 'down', message: 'connection refused' });

    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = performance.now();
      const reading = await probeOnce(`postgres://flightdeck@127.0.0.1:${(silent.address() as { port: number }).port}/postgres`, 'x');
      expect(reading).toMatchObject({ health: 'down', message: `timed out after ${TIMEOUT} ms connecting` });
      expect(performance.now() - started).toBeLessThan(TIMEOUT + 400);
    } finally {
      silent.close();
    }
  });

  it('reports replication lag from a replica\'s replay time, or the slowest replica of a primary', () => {
    // No replica can be set up by these tests' server helper; the choice of figure is checked on rows as the query returns them.
    const base = { in_use: 10, max_connections: 40, longest_query_seconds: null };
    const replica = postgresSamples({ ...base, is_replica: true, replica_lag_seconds: 2.5, primary_lag_seconds: null, replicas: 0 });
    expect(replica.find((s) => s.metric === 'replication_lag')?.value).toBe(2.5);
    const primary = postgresSamples({ ...base, is_replica: false, replica_lag_seconds: null, primary_lag_seconds: 0.75, replicas: 2 });
    expect(primary.find((s) => s.metric === 'replication_lag')?.value).toBe(0.75);
    expect(primary[0]).toEqual({ metric: 'db_connections', value: 25 });
    const alone = postgresSamples({ ...base, is_replica: false, replica_lag_seconds: null, primary_lag_seconds: null, replicas: 0 });
    expect(alone.some((s) => s.metric === 'replication_lag')).toBe(false);
  });
});
