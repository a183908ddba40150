/**
 * Flags behind the application's own JSON admin API (dual-dashboard-rollout.md),
 * against a real local HTTP server: honest outcomes for a good write, a
 * refused value, a broken server, a stalled answer and a redirect, and the
 * admin token kept out of the journal and every message.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { ActionLog } from '../../src/main/services/flags/action-log';
import { FlagService } from '../../src/main/services/flags/flag-service';
import { FlagSchema, type FlagConfig } from '../../src/main/services/profile/flags-schema';
import type { SecretResolver } from '../../src/main/services/vault/secrets';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { tempDir } from '../support/app';
import { canaryLeaks } from '../support/canary';
import { behaviours, startHttpTarget } from '../support/http-targets';
import { startFlagAdminApi, type FlagAdminApi } from '../support/platform-apis';
import { waitFor } from '../support/wait';

const TOKEN = 'canary-admin-token-7f3a9c';
const work = tempDir('flightdeck-flags-http-');
afterAll(() => work.remove());

function vault(values: Record<string, string>): SecretResolver {
  return {
    has: (name) => name in values,
    get: (name) => {
      if (!(name in values)) throw new FlightdeckError('not-found', `The vault has no secret named ${name}; add it in Credentials.`, { field: name });
      return values[name]!;
    },
  };
}

function flag(api: FlagAdminApi, overrides: Record<string, unknown> = {}, backend: Record<string, unknown> = {}): FlagConfig {
  return FlagSchema.parse({
    name: 'checkout_v2',
    backend: { type: 'http', url: `${api.url}/api/admin/feature-flags/checkout_v2`, headers: { Authorization: { secret: 'ADMIN_TOKEN', prefix: 'Bearer ' } }, ...backend },
    testUsers: ['alice@example.com', 'bob@example.com', 'carol@example.com'],
    timeoutMs: 400,
    ...overrides,
  });
}

let api: FlagAdminApi;
let log: ActionLog;
let service: FlagService | null = null;
let logDir: string;
let counter = 0;

beforeEach(async () => {
  api = await startFlagAdminApi({ token: TOKEN, flags: { checkout_v2: { percentage: 10, enabled: true, rollout: { percent: 10 } } } });
  logDir = join(work.path, `log-${counter++}`);
  log = ActionLog.open(logDir);
});

afterEach(async () => {
  await service?.close();
  service = null;
  log.close();
  await api.close();
});

function start(config: FlagConfig, settleDelaysMs: number[] = []): FlagService {
  service = new FlagService({ flags: [config], secrets: vault({ ADMIN_TOKEN: TOKEN }), journal: log, settleDelaysMs });
  return service;
}

describe('HTTP admin API flags', () => {
  it('sets a percentage with PUT {percentage}, reads it back, and journals who did it', async () => {
    const flags = start(flag(api));
    expect((await flags.read('checkout_v2')).value).toBe(10);
    const record = await flags.set('checkout_v2', 50, 'rm@example.com');
    expect(record).toMatchObject({ outcome: 'ok', message: 'set to 50 and read back 50', by: 'rm@example.com', inputs: { flag: 'checkout_v2', from: '10', to: '50' } });
    expect(api.flags.get('checkout_v2')!.percentage).toBe(50);
    const put = api.requests.find((r) => r.method === 'PUT')!;
    expect(put.body).toEqual({ percentage: 50 });
    expect(put.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(put.headers['content-type']).toBe('application/json');
    const types = log.entries().map((e) => e.type);
    expect(types).toEqual(['action.started', 'action.finished']);
    expect(log.entries()[1]!.data).toMatchObject({ outcome: 'ok', readBack: '50' });
    expect(flags.views()[0]).toMatchObject({ value: 50, readError: null });
  });

  it('writes a dot-path field as a nested body with the configured method', async () => {
    const flags = start(flag(api, {}, { method: 'PATCH', field: 'rollout.percent' }));
    const record = await flags.set('checkout_v2', 100, null);
    expect(record.outcome).toBe('ok');
    expect(api.requests.find((r) => r.method === 'PATCH')!.body).toEqual({ rollout: { percent: 100 } });
    expect(api.flags.get('checkout_v2')).toMatchObject({ percentage: 10, rollout: { percent: 100 } });
  });

  it('refuses 150% naming the field, before any request or journal entry', async () => {
    const flags = start(flag(api));
    const refused = await flags.set('checkout_v2', 150, null).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(FlightdeckError);
    expect((refused as FlightdeckError).field).toBe('percent');
    expect((refused as FlightdeckError).message).toContain('from 0 to 100, not 150');
    await expect(flags.preview('checkout_v2', -5)).rejects.toThrow(/not -5/);
    expect(api.requests).toEqual([]);
    expect(log.entries()).toEqual([]);
  });

  it('reads back after a 500: unknown (HTTP never promises it will not apply it later), never "failed" without evidence', async () => {
    const flags = start(flag(api));
    api.failWith = 500;
    const record = await flags.set('checkout_v2', 50, null);
    expect(record.outcome).toBe('unknown');
    expect(record.message).toContain('answered 500');
    expect(record.message).toContain('the read-back failed too');
    api.failWith = null;
    expect(api.flags.get('checkout_v2')!.percentage).toBe(10);
    expect(log.entries().at(-1)!.data).toMatchObject({ outcome: 'unknown' });
    // Once the app answers again, a read-back showing the old value still proves nothing for HTTP.
    const again = await flags.reconcile(record.id);
    expect(again.outcome).toBe('unknown');
    expect(again.message).toContain('read-back shows 10, but the server may still apply the write');
  });

  it('a refusal with a 4xx is the server\'s own word: failed', async () => {
    const flags = start(flag(api, {}, { url: `${api.url}/api/admin/feature-flags/no_such_flag` }));
    const record = await flags.set('checkout_v2', 50, null);
    expect(record.outcome).toBe('failed');
    expect(record.message).toContain('answered 404');
  });

  it('reports a stalled answer as unknown within the deadlines, then settles it by reading back', async () => {
    const flags = start(flag(api));
    api.stall((r) => r.method === 'PUT');
    const started = performance.now();
    const record = await flags.set('checkout_v2', 50, null);
    const elapsed = performance.now() - started;
    expect(record.outcome).toBe('unknown');
    // The write's deadline (400 ms) plus the read-back's; never "failed", never waiting forever.
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(elapsed).toBeLessThan(400 + 400 + 300);
    expect(record.message).toContain('read-back shows 10, but the server may still apply the write');
    expect(flags.unsettledActions()).toEqual([record.id]);
    // The server was slow, not deaf: it applies the PUT once released.
    api.release();
    await waitFor('the API to hold 50', () => api.flags.get('checkout_v2')!.percentage === 50, 5000);
    const settled = await flags.reconcile(record.id);
    expect(settled).toMatchObject({ id: record.id, outcome: 'ok' });
    expect(settled.message).toContain('read-back shows the new value 50');
    expect(flags.unsettledActions()).toEqual([]);
    expect(log.entries().map((e) => e.type)).toEqual(['action.started', 'action.finished', 'action.settled']);
    expect(log.entries()[2]!.data).toMatchObject({ actionId: record.id, outcome: 'ok', readBack: '50' });
  });

  it('re-reads an unknown write by itself on its schedule', async () => {
    const flags = start(flag(api), [100, 100, 100, 100, 100, 100, 100, 100]);
    const updates: string[] = [];
    flags.onAction((r) => updates.push(r.outcome));
    api.stall((r) => r.method === 'PUT');
    const record = await flags.set('checkout_v2', 0, null);
    expect(record.outcome).toBe('unknown');
    api.release();
    await waitFor('the action to settle ok', () => updates.at(-1) === 'ok', 5000);
    expect(updates).toEqual(['running', 'unknown', ...updates.slice(2, -1).map(() => 'unknown'), 'ok']);
    expect(flags.actions().find((a) => a.id === record.id)!.outcome).toBe('ok');
  });

  it('does not follow a redirect: the write fails and the other address never hears of it', async () => {
    const elsewhere = await startHttpTarget(behaviours.answers(200, '{"percentage":50}'));
    const redirector = await startHttpTarget(behaviours.redirectsTo(`${elsewhere.url}/flag`, 307));
    try {
      const config = FlagSchema.parse({ name: 'checkout_v2', backend: { type: 'http', url: `${redirector.url}/flag` }, timeoutMs: 400 });
      const flags = start(config);
      const record = await flags.set('checkout_v2', 50, null);
      expect(record.outcome).toBe('failed');
      expect(record.message).toContain('answered 307 (a redirect, not followed)');
      expect(elsewhere.requests).toBe(0);
    } finally {
      await redirector.close();
      await elsewhere.close();
    }
  });

  it('sends nothing when the action cannot be journaled first, and does not leave it "running"', async () => {
    const flags = start(flag(api));
    const updates: string[] = [];
    flags.onAction((r) => updates.push(`${r.outcome}: ${r.message}`));
    log.close();
    await expect(flags.set('checkout_v2', 50, null)).rejects.toThrow('Not written: the action could not be journaled first');
    expect(api.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(updates.at(-1)).toMatch(/^failed: Not written/);
  });

  it('keeps the admin token out of the journal, messages and views, and stops when the vault lacks it', async () => {
    const flags = start(flag(api));
    api.failWith = 500;
    await flags.set('checkout_v2', 50, null);
    api.failWith = null;
    await flags.set('checkout_v2', 10, null);
    const journalText = readFileSync(join(logDir, 'journal.jsonl'), 'utf8');
    expect(journalText).not.toContain(TOKEN);
    expect(JSON.stringify(flags.actions())).not.toContain(TOKEN);
    expect(JSON.stringify(flags.views())).not.toContain(TOKEN);

    await flags.close();
    service = new FlagService({ flags: [flag(api)], secrets: vault({}), journal: log, settleDelaysMs: [] });
    const before = api.requests.length;
    await expect(service.set('checkout_v2', 50, null)).rejects.toThrow('The vault has no secret named ADMIN_TOKEN');
    expect(api.requests.length).toBe(before);
  });

  it('hides the token a backend quotes back in base64, URL or JSON form from read errors, records and events', async () => {
    const echo = await startHttpTarget((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      req.resume();
      res.writeHead(500, { 'content-type': 'application/json', 'x-echo': Buffer.from(token).toString('base64') });
      res.end(JSON.stringify({ message: `bad token ${Buffer.from(`svc:${token}`).toString('base64')} ${encodeURIComponent(token)} ${JSON.stringify({ token })}` }));
    });
    const redactor = new SecretRedactor();
    redactor.add('ADMIN_TOKEN', TOKEN);
    const published: string[] = [];
    try {
      service = new FlagService({ flags: [flag(api, {}, { url: `${echo.url}/flag` })], secrets: vault({ ADMIN_TOKEN: TOKEN }), journal: log, settleDelaysMs: [], redactor });
      service.onAction((record) => published.push(JSON.stringify(record)));
      const view = await service.read('checkout_v2');
      expect(view.readError).toContain('answered 500: bad token ');
      expect(view.readError).toContain('«secret:ADMIN_TOKEN»');
      const record = await service.set('checkout_v2', 50, 'rm');
      // A 500 whose read-back fails too proves nothing either way: unknown.
      expect(record.outcome).toBe('unknown');
      expect(record.message).toContain('«secret:ADMIN_TOKEN»');
      for (const text of [view.readError!, JSON.stringify(record), ...published, JSON.stringify(service.actions()), JSON.stringify(service.views())]) expect(canaryLeaks(text, TOKEN)).toEqual([]);
    } finally {
      await echo.close();
    }
  });
});
