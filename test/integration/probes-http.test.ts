import { get as httpsGet } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { HttpProbeSchema, type HttpProbeConfig } from '../../src/main/services/profile/probes-schema';
import { createProbe } from '../../src/main/services/probes/create-probe';
import type { ProbeDeps, ProbeReading } from '../../src/main/services/probes/probe';
import type { SecretResolver } from '../../src/main/services/vault/secrets';
import { freePort } from '../support/servers';
import { behaviours, startHttpTarget, type HttpTarget } from '../support/http-targets';
import { createTestPki, daysFromNow, type TestPki } from '../support/tls-certificates';

const TIMEOUT = 1000;
/** Event-loop and scheduling slack on a busy two-core machine. */
const MARGIN = 400;

function secrets(values: Record<string, string>, locked = false): SecretResolver {
  return {
    get(name) {
      if (locked) throw new FlightdeckError('locked', `the vault is locked; unlock it to use secret "${name}"`);
      const value = values[name];
      if (value === undefined) throw new FlightdeckError('not-found', `no secret named "${name}"`);
      return value;
    },
    has: (name) => !locked && name in values,
  };
}

const open: Array<{ close(): Promise<void> }> = [];
async function target(...args: Parameters<typeof startHttpTarget>): Promise<HttpTarget> {
  const t = await startHttpTarget(...args);
  open.push(t);
  return t;
}
afterAll(async () => {
  await Promise.all(open.map((t) => t.close()));
});

async function probeOnce(config: Partial<HttpProbeConfig> & { url: string }, deps: Partial<ProbeDeps> = {}): Promise<{ reading: ProbeReading; elapsed: number }> {
  const probe = createProbe(HttpProbeSchema.parse({ name: 'test', kind: 'http', timeoutMs: TIMEOUT, ...config }), { secrets: secrets({}), ...deps });
  const started = performance.now();
  try {
    const reading = await probe.run();
    return { reading, elapsed: performance.now() - started };
  } finally {
    await probe.close();
  }
}

describe('HTTP probe against misbehaving servers ends within its deadline', () => {
  it('a server that never sends headers: down, "waiting for headers"', async () => {
    const t = await target(behaviours.neverSendsHeaders());
    const { reading, elapsed } = await probeOnce({ url: `${t.url}/health` });
    expect(reading.health).toBe('down');
    expect(reading.message).toBe(`timed out after ${TIMEOUT} ms waiting for headers`);
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT - 5);
    expect(elapsed).toBeLessThan(TIMEOUT + MARGIN);
  });

  it('a server that stalls mid-body: down, "reading the body"', async () => {
    const t = await target(behaviours.stallsMidBody());
    const { reading, elapsed } = await probeOnce({ url: `${t.url}/health`, bodyIncludes: 'ok' });
    expect(reading.health).toBe('down');
    expect(reading.message).toBe(`timed out after ${TIMEOUT} ms reading the body`);
    expect(elapsed).toBeLessThan(TIMEOUT + MARGIN);
  });

  it('a server that streams without end: down at the deadline, not hanging on the stream', async () => {
    const t = await target(behaviours.streamsWithoutEnd(20));
    const { reading, elapsed } = await probeOnce({ url: `${t.url}/health` });
    expect(reading.health).toBe('down');
    expect(reading.message).toBe(`timed out after ${TIMEOUT} ms reading the body`);
    expect(elapsed).toBeLessThan(TIMEOUT + MARGIN);
  });

  it('a body far over 1 MB is cut at 1 MB and judged on its beginning', async () => {
    const chunk = `ok${'x'.repeat(64 * 1024)}`;
    const t = await target((_req, res) => {
      res.writeHead(200);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    const { reading, elapsed } = await probeOnce({ url: `${t.url}/big`, bodyIncludes: 'ok' });
    expect(reading.health).toBe('up');
    expect(reading.details.bodyBytes).toBe(1024 * 1024);
    expect(elapsed).toBeLessThan(TIMEOUT);
  });

  it('HTTP 500: down with the status and what was expected', async () => {
    const t = await target(behaviours.answers(500, 'boom'));
    const { reading, elapsed } = await probeOnce({ url: `${t.url}/health` });
    expect(reading).toMatchObject({ health: 'down', message: 'HTTP 500 (expected 200)', details: { status: 500 } });
    expect(reading.latencyMs).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(TIMEOUT);
    const list = await probeOnce({ url: `${t.url}/health`, expectStatus: [200, 204] });
    expect(list.reading.message).toBe('HTTP 500 (expected 200 or 204)');
  });

  it('a redirect to another origin is not followed unless allowed, and the message names the origin', async () => {
    const other = await target(behaviours.answers(200, 'ok'), { urlHost: 'localhost' });
    const t = await target(behaviours.redirectsTo(`${other.url}/login`));
    const { reading, elapsed } = await probeOnce({ url: `${t.url}/health` });
    expect(reading.health).toBe('down');
    expect(reading.message).toBe(`HTTP 302 redirect to http://localhost:${other.port}, which is not in allowRedirectsTo (redirects are not followed)`);
    expect(other.requests).toBe(0);
    expect(elapsed).toBeLessThan(TIMEOUT);
  });

  it('an allowed redirect is followed, without the secret headers, to the other origin', async () => {
    const seen: Array<string | undefined> = [];
    const other = await target(
      (req, res) => {
        seen.push(req.headers.authorization);
        behaviours.answers(200, 'healthy')(req, res);
      },
      { urlHost: 'localhost' },
    );
    const t = await target(behaviours.redirectsTo(`${other.url}/health`, 307));
    const { reading } = await probeOnce(
      { url: `${t.url}/health`, allowRedirectsTo: [other.url], bodyIncludes: 'healthy', headers: { Authorization: { secret: 'api-token', prefix: 'Bearer ' }, Accept: 'text/plain' } },
      { secrets: secrets({ 'api-token': 's3cr3t-token-value' }) },
    );
    expect(reading.health).toBe('up');
    expect(reading.details.redirects).toBe(1);
    expect(seen).toEqual([undefined]);
  });

  it('redirect loops are refused even between allowed origins', async () => {
    const t = await target(behaviours.redirectLoop());
    const { reading, elapsed } = await probeOnce({ url: `${t.url}/a`, allowRedirectsTo: [t.url] });
    expect(reading.health).toBe('down');
    expect(reading.message).toBe(`redirect loop: ${t.url}/a → ${t.url}/b → ${t.url}/a`);
    expect(elapsed).toBeLessThan(TIMEOUT);
  });

  it('connection refused is said as such, quickly', async () => {
    const port = await freePort();
    const { reading, elapsed } = await probeOnce({ url: `http://127.0.0.1:${port}/health` });
    expect(reading).toMatchObject({ health: 'down', message: 'connection refused', latencyMs: null });
    expect(elapsed).toBeLessThan(TIMEOUT);
  });

  it('a slow but correct answer is degraded, and a missing body text is down', async () => {
    const t = await target((req, res) => setTimeout(() => behaviours.answers(200, 'status: ok')(req, res), 150));
    const slow = await probeOnce({ url: `${t.url}/health`, degradedOverMs: 50, bodyIncludes: 'ok' });
    expect(slow.reading.health).toBe('degraded');
    expect(slow.reading.message).toMatch(/^HTTP 200 in \d+ ms \(slower than 50 ms\)$/);
    const wrongBody = await probeOnce({ url: `${t.url}/health`, bodyIncludes: 'healthy' });
    expect(wrongBody.reading).toMatchObject({ health: 'down', message: 'HTTP 200 but the body does not contain "healthy"' });
  });

  it('secret headers are resolved at run time; a locked vault is down naming the secret, never a value', async () => {
    const t = await target((req, res) => behaviours.answers(req.headers['x-api-key'] === 'k3y-value' ? 200 : 401)(req, res));
    const config = { url: `${t.url}/health`, headers: { 'X-Api-Key': { secret: 'health-key' } } };
    const ok = await probeOnce(config, { secrets: secrets({ 'health-key': 'k3y-value' }) });
    expect(ok.reading.health).toBe('up');
    const locked = await probeOnce(config, { secrets: secrets({ 'health-key': 'k3y-value' }, true) });
    expect(locked.reading.health).toBe('down');
    expect(locked.reading.message).toContain('"health-key"');
    expect(JSON.stringify(locked.reading)).not.toContain('k3y-value');
  });
});

describe('HTTPS: certificate verification cannot be switched off', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(() => pki.remove());

  it('refuses a self-signed certificate even with NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment', async () => {
    const t = await target(behaviours.answers(200, 'ok'), { tls: await pki.selfSigned(90) });
    const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    try {
      // The variable is in force: a plain Node client now accepts the certificate...
      const plainStatus = await new Promise<number>((resolve, reject) => httpsGet(`${t.url}/health`, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject));
      expect(plainStatus).toBe(200);
      // ...and the probe still refuses it.
      const { reading, elapsed } = await probeOnce({ url: `${t.url}/health` });
      expect(reading.health).toBe('down');
      expect(reading.message).toBe('TLS certificate rejected: self-signed certificate');
      expect(elapsed).toBeLessThan(TIMEOUT);
    } finally {
      if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
      else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    }
  });

  it('accepts a certificate from a CA the probe was told to trust', async () => {
    const t = await target(behaviours.answers(200, 'ok'), { tls: await pki.issue(daysFromNow(-1), daysFromNow(90)), urlHost: 'localhost' });
    const trusted = await probeOnce({ url: `${t.url}/health` }, { trustedCa: [pki.caCert] });
    expect(trusted.reading).toMatchObject({ health: 'up' });
    const untrusted = await probeOnce({ url: `${t.url}/health` });
    expect(untrusted.reading.health).toBe('down');
    expect(untrusted.reading.message).toMatch(/^TLS certificate rejected: /);
  });
});
