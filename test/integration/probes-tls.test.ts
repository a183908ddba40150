import { X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TlsProbeSchema } from '../../src/main/services/profile/probes-schema';
import { createProbe } from '../../src/main/services/probes/create-probe';
import type { ProbeDeps } from '../../src/main/services/probes/probe';
import { freePort } from '../support/servers';
import { behaviours, startHttpTarget, type HttpTarget } from '../support/http-targets';
import { createTestPki, daysFromNow, type KeyAndCert, type TestPki } from '../support/tls-certificates';

const TIMEOUT = 1000;
const noSecrets: ProbeDeps['secrets'] = { get: (name) => { throw new Error(`no secret ${name}`); }, has: () => false };

let pki: TestPki;
const open: HttpTarget[] = [];
beforeAll(async () => {
  pki = await createTestPki();
});
afterAll(async () => {
  await Promise.all(open.map((t) => t.close()));
  pki.remove();
});

async function serve(tls: KeyAndCert): Promise<HttpTarget> {
  const t = await startHttpTarget(behaviours.answers(200), { tls });
  open.push(t);
  return t;
}

async function probe(port: number, deps: Partial<ProbeDeps> = {}, warnDays = 30, host = 'localhost') {
  const p = createProbe(TlsProbeSchema.parse({ name: 'cert', kind: 'tls', host, port, warnDays, timeoutMs: TIMEOUT }), { secrets: noSecrets, ...deps });
  const started = performance.now();
  const reading = await p.run();
  await p.close();
  return { reading, elapsed: performance.now() - started };
}

/** Days left as the probe should count them: whole days towards zero, from the certificate's own notAfter. */
function expectedDays(cert: string): number {
  return Math.trunc((Date.parse(new X509Certificate(cert).validTo) - Date.now()) / 86_400_000) || 0;
}

describe('TLS certificate expiry probe', () => {
  it('is up with the days left of a trusted certificate, in seconds as cert_expiry', async () => {
    const leaf = await pki.issue(daysFromNow(-1), daysFromNow(120));
    const t = await serve(leaf);
    const { reading } = await probe(t.port, { trustedCa: [pki.caCert] });
    expect(reading.health).toBe('up');
    expect(reading.details.daysLeft).toBe(expectedDays(leaf.cert));
    expect(reading.message).toBe(`certificate valid for ${expectedDays(leaf.cert)} days more`);
    const seconds = reading.samples.find((s) => s.metric === 'cert_expiry')!.value;
    expect(seconds / 86_400).toBeGreaterThan(119.9);
    expect(seconds / 86_400).toBeLessThanOrEqual(120);
  });

  it('is degraded under warnDays (the checklists ask for more than 30 days)', async () => {
    const leaf = await pki.issue(daysFromNow(-1), daysFromNow(12));
    const t = await serve(leaf);
    const { reading } = await probe(t.port, { trustedCa: [pki.caCert] });
    expect(reading.health).toBe('degraded');
    expect(reading.message).toBe(`certificate expires in ${expectedDays(leaf.cert)} days (warning under 30)`);
    expect(reading.details.daysLeft).toBe(11);
  });

  it('is down for an expired certificate and still says how long ago it expired', async () => {
    const leaf = await pki.issue(daysFromNow(-40), daysFromNow(-3.5));
    const t = await serve(leaf);
    const { reading } = await probe(t.port, { trustedCa: [pki.caCert] });
    expect(reading.health).toBe('down');
    expect(reading.details.daysLeft).toBe(-3);
    expect(reading.message).toMatch(/^certificate expired 3 days ago \(\d{4}-\d\d-\d\d\)$/);
    expect(reading.samples[0]!.value).toBeLessThan(0);
  });

  it('is down for a certificate nobody trusts, with its days left', async () => {
    const self = await pki.selfSigned(200);
    const t = await serve(self);
    const { reading } = await probe(t.port);
    expect(reading.health).toBe('down');
    expect(reading.message).toBe(`certificate not trusted: self-signed certificate (${expectedDays(self.cert)} days left)`);
    expect(reading.details.daysLeft).toBe(expectedDays(self.cert));
  });

  it('is down when the certificate names another host', async () => {
    const leaf = await pki.issue(daysFromNow(-1), daysFromNow(120), ['DNS:shop.example']);
    const t = await serve(leaf);
    const { reading } = await probe(t.port, { trustedCa: [pki.caCert] }, 30, 'localhost');
    expect(reading.health).toBe('down');
    expect(reading.message).toMatch(/^certificate does not match localhost: .*shop\.example/);
  });

  it('ends within its deadline when the server never starts the handshake, and says refused when nothing listens', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const { reading, elapsed } = await probe(port, {}, 30, '127.0.0.1');
      expect(reading).toMatchObject({ health: 'down', message: `timed out after ${TIMEOUT} ms connecting` });
      expect(elapsed).toBeLessThan(TIMEOUT + 400);
    } finally {
      silent.close();
    }
    const refused = await probe(await freePort(), {}, 30, '127.0.0.1');
    expect(refused.reading).toMatchObject({ health: 'down', message: 'connection refused' });
  });

  it('ends at once when its run is cancelled before it starts (telemetry stopping), even against a silent server', async () => {
    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const p = createProbe(TlsProbeSchema.parse({ name: 'cert', kind: 'tls', host: '127.0.0.1', port, timeoutMs: TIMEOUT }), { secrets: noSecrets });
    try {
      const started = performance.now();
      const reading = await p.run(AbortSignal.abort());
      expect(reading).toMatchObject({ health: 'down', message: 'cancelled' });
      expect(performance.now() - started).toBeLessThan(TIMEOUT);
    } finally {
      await p.close();
      silent.close();
    }
  });
});
