import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import { startBridge, type Bridge } from '../../src/main/bridge/server';
import { cookieName } from '../../src/main/bridge/request-guard';
import { tempDir, testApp } from '../support/app';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request, so tests control every header (fetch would add its own). */
function send(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

let app: App;
let bridge: Bridge;
let cookie: string;
const data = tempDir();
const site = tempDir();
const opened: string[] = [];

beforeAll(async () => {
  mkdirSync(join(site.path, 'assets'));
  writeFileSync(join(site.path, 'index.html'), '<!doctype html><title>Flightdeck</title>');
  writeFileSync(join(site.path, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(data.path, 'secret.md'), 'not to be served');
  app = testApp(data.path, { opened });
  await app.cockpit.startup(null);
  bridge = await startBridge({ app, staticDir: site.path });
  cookie = `${cookieName(bridge.port)}=${bridge.token}`;
});

afterAll(async () => {
  await bridge.close();
  await app.close();
  data.remove();
  site.remove();
});

const call = (name: string, input: unknown, headers: Record<string, string> = { cookie }) =>
  send(bridge.port, 'POST', `/api/call/${name}`, { 'content-type': 'application/json', ...headers }, JSON.stringify(input));

describe('the browser-mode bridge', () => {
  it('turns the launch URL into an HttpOnly, SameSite=Strict cookie and sends the browser on without the token', async () => {
    const launch = new URL(bridge.launchUrl);
    const reply = await send(bridge.port, 'GET', `${launch.pathname}${launch.search}`, {});
    expect(reply.status).toBe(303);
    expect(reply.headers.location).toBe('/');
    expect(String(reply.headers['set-cookie'])).toBe(`${cookie}; HttpOnly; SameSite=Strict; Path=/`);
  });

  it('refuses every request without the token, with a wrong token, or from a foreign origin', async () => {
    expect((await send(bridge.port, 'GET', '/', {})).status).toBe(401);
    expect((await send(bridge.port, 'GET', '/assets/app.js', {})).status).toBe(401);
    expect((await call('getCockpit', {}, {})).status).toBe(401);
    expect((await call('getCockpit', {}, { cookie: `${cookieName(bridge.port)}=${bridge.token.slice(1)}x` })).status).toBe(401);
    expect((await call('getCockpit', {}, { authorization: 'Bearer nope' })).status).toBe(401);
    expect((await call('getCockpit', {}, { cookie, origin: 'https://evil.example.com' })).status).toBe(403);
    expect((await call('getCockpit', {}, { cookie, host: `evil.example.com:${bridge.port}` })).status).toBe(421);
    expect((await send(bridge.port, 'GET', '/api/events', { cookie, origin: 'http://localhost:1' })).status).toBe(403);
  });

  it('refuses calls that are not JSON (what an HTML form could send cross-site)', async () => {
    const form = await send(bridge.port, 'POST', '/api/call/tickItem', { cookie, 'content-type': 'application/x-www-form-urlencoded' }, 'itemId=x&checked=true');
    expect(form.status).toBe(415);
  });

  it('carries the contract: a call with the token works, unknown calls and bad input are refused by name', async () => {
    const cockpit = JSON.parse((await call('getCockpit', {})).body);
    expect(cockpit.ok).toBe(true);
    expect(cockpit.value.runbook.title).toBe('Demo Shop: Checkout v2 Rollout');
    expect(JSON.parse((await call('deleteEverything', {})).body)).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    expect(JSON.parse((await call('tickItem', { itemId: 1 })).body)).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'itemId' } });
    const viaBearer = await call('getCockpit', {}, { authorization: `Bearer ${bridge.token}` });
    expect(JSON.parse(viaBearer.body).ok).toBe(true);
  });

  it('answers a call name with a malformed percent-escape with 400 and a plain message, not a 500 with a stack', async () => {
    const reply = await send(bridge.port, 'POST', '/api/call/%E0%A4%A', { cookie, 'content-type': 'application/json' }, '{}');
    expect(reply.status).toBe(400);
    const body = JSON.parse(reply.body);
    expect(body).toEqual({ ok: false, error: { code: 'bad-input', message: 'The call name "%E0%A4%A" has a malformed percent-escape.' } });
    expect(reply.body).not.toMatch(/URIError|\bat \w/);
    // A well-formed escape still names the call it spells.
    expect(JSON.parse((await send(bridge.port, 'POST', '/api/call/getCock%70it', { cookie, 'content-type': 'application/json' }, '{}')).body).ok).toBe(true);
    // The same bytes as a file path are simply not found.
    expect((await send(bridge.port, 'GET', '/assets/%E0%A4%A.js', { cookie })).status).toBe(404);
  });

  it('opens only https links in the system browser', async () => {
    expect(JSON.parse((await call('openExternal', { url: 'javascript:alert(1)' })).body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(JSON.parse((await call('openExternal', { url: 'file:///etc/passwd' })).body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(JSON.parse((await call('openExternal', { url: 'https://docs.example.com/a' })).body)).toEqual({ ok: true, value: { opened: true } });
    expect(opened).toEqual(['https://docs.example.com/a']);
  });

  it('serves the renderer with a strict CSP and nothing outside it', async () => {
    const page = await send(bridge.port, 'GET', '/', { cookie });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    for (const path of ['/../secret.md', '/%2e%2e/secret.md', '/assets/../../secret.md', '/.env', '/assets/%2e%2e%2f%2e%2e%2fsecret.md', '/assets/..%5c..%5csecret.md', '/assets/app.js%00.html']) {
      expect((await send(bridge.port, 'GET', path, { cookie })).status, path).toBe(404);
    }
  });

  it('streams events: a tick made through a call arrives on the event stream', async () => {
    const events: string[] = [];
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: bridge.port, path: '/api/events', headers: { host: `127.0.0.1:${bridge.port}`, cookie } }, resolve);
      req.on('error', reject);
      req.end();
    });
    stream.on('data', (chunk: Buffer) => events.push(chunk.toString('utf8')));
    const item = JSON.parse((await call('getCockpit', {})).body).value.runbook.items[0];
    const tick = JSON.parse((await call('tickItem', { itemId: item.id, checked: true })).body);
    expect(tick.ok).toBe(true);
    await expect.poll(() => events.join('')).toContain('event: sessionEntry');
    expect(events.join('')).toContain(`"itemId":"${item.id}"`);
    stream.destroy();
  });

  it('refuses an oversized upload naming the file and the limit, and a body past the transport limit naming both limits', async () => {
    const big = Buffer.alloc(11 * 1024 * 1024, 'a').toString('base64');
    const upload = JSON.parse((await call('openRunbookUpload', { name: 'huge-rollout.md', base64: big })).body) as { ok: boolean; error: Record<string, unknown> };
    expect(upload).toEqual({ ok: false, error: { code: 'too-large', file: 'huge-rollout.md', message: 'is 11 MiB; Flightdeck opens runbooks up to 10 MiB.' } });
    const past = JSON.parse((await call('openRunbookUpload', { name: 'past.md', base64: 'A'.repeat(21 * 1024 * 1024) })).body) as { ok: boolean; error: Record<string, unknown> };
    expect(past).toEqual({ ok: false, error: { code: 'too-large', message: "The call is larger than browser mode's 20 MiB limit for one call; a runbook may be at most 10 MiB." } });
  });
});
