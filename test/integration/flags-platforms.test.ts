/**
 * Platform configuration variables as flags: the Heroku Platform API and
 * Railway's public GraphQL API, each against a local server that checks
 * the documented request shapes and answers like the real service
 * (test/support/platform-apis.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { ActionLog } from '../../src/main/services/flags/action-log';
import { FlagService } from '../../src/main/services/flags/flag-service';
import { FlagSchema } from '../../src/main/services/profile/flags-schema';
import type { SecretResolver } from '../../src/main/services/vault/secrets';
import { tempDir } from '../support/app';
import { HEROKU_VERSION_ACCEPT, startHerokuApi, startRailwayApi, type HerokuApi, type RailwayApi } from '../support/platform-apis';
import { waitFor } from '../support/wait';

const HEROKU_TOKEN = 'canary-heroku-token-0b1d2e';
const RAILWAY_TOKEN = 'canary-railway-token-9a8b7c';

function vault(values: Record<string, string>): SecretResolver {
  return {
    has: (name) => name in values,
    get: (name) => {
      if (!(name in values)) throw new FlightdeckError('not-found', `The vault has no secret named ${name}.`, { field: name });
      return values[name]!;
    },
  };
}

let work: ReturnType<typeof tempDir>;
let log: ActionLog;
let flags: FlagService | null = null;

beforeEach(() => {
  work = tempDir('flightdeck-flags-platforms-');
  log = ActionLog.open(work.path);
});

afterEach(async () => {
  await flags?.close();
  flags = null;
  log.close();
  work.remove();
});

/** The checkout_v2 flag on a platform backend, with its token in the vault under `secrets`. */
function platformFlags(backend: Record<string, unknown>, secrets: Record<string, string>): FlagService {
  flags = new FlagService({
    flags: [FlagSchema.parse({ name: 'checkout_v2', backend, timeoutMs: 400 })],
    secrets: vault(secrets),
    journal: log,
    settleDelaysMs: [],
  });
  return flags;
}

describe('Heroku config vars', () => {
  let heroku: HerokuApi;
  beforeEach(async () => {
    heroku = await startHerokuApi({ token: HEROKU_TOKEN, apps: { shop: { CHECKOUT_V2_PERCENT: '10', DATABASE_URL: 'postgres://elsewhere' } } });
  });
  afterEach(() => heroku.close());

  function herokuFlags(token = HEROKU_TOKEN, app = 'shop'): FlagService {
    return platformFlags({ type: 'heroku', app, var: 'CHECKOUT_V2_PERCENT', token: { secret: 'HEROKU_API_KEY' }, apiUrl: heroku.url }, { HEROKU_API_KEY: token });
  }

  it('PATCHes the config var as a string with the version 3 Accept header and a bearer token, and reads it back', async () => {
    const service = herokuFlags();
    expect((await service.read('checkout_v2')).value).toBe('10');
    const record = await service.set('checkout_v2', 50, 'rm');
    expect(record).toMatchObject({ outcome: 'ok', message: 'set to 50 and read back 50', inputs: { from: '10', to: '50' } });
    const patch = heroku.requests.find((r) => r.method === 'PATCH')!;
    expect(patch.path).toBe('/apps/shop/config-vars');
    expect(patch.body).toEqual({ CHECKOUT_V2_PERCENT: '50' });
    expect(patch.headers).toMatchObject({ accept: HEROKU_VERSION_ACCEPT, authorization: `Bearer ${HEROKU_TOKEN}`, 'content-type': 'application/json' });
    expect(heroku.requests.filter((r) => r.method === 'GET').every((r) => r.headers.accept === HEROKU_VERSION_ACCEPT)).toBe(true);
    expect(heroku.apps.get('shop')).toEqual({ CHECKOUT_V2_PERCENT: '50', DATABASE_URL: 'postgres://elsewhere' });
    expect(heroku.violations).toEqual([]);
  });

  it('a rejected token is failed with Heroku\'s words and without the token', async () => {
    const wrong = 'canary-wrong-heroku-token-55';
    const record = await herokuFlags(wrong).set('checkout_v2', 50, null);
    expect(record.outcome).toBe('failed');
    expect(record.message).toContain('answered 401: unauthorized: Invalid credentials provided.');
    expect(JSON.stringify(log.entries())).not.toContain(wrong);
    expect(record.message).not.toContain(wrong);
    expect(heroku.apps.get('shop')!.CHECKOUT_V2_PERCENT).toBe('10');
  });

  it('an app that does not exist is failed, naming it', async () => {
    const record = await herokuFlags(HEROKU_TOKEN, 'no-such-app').set('checkout_v2', 50, null);
    expect(record.outcome).toBe('failed');
    expect(record.message).toContain("answered 404: not_found: Couldn't find that app.");
    expect(record.message).toContain('heroku app no-such-app var CHECKOUT_V2_PERCENT');
  });

  it('a stalled PATCH is unknown, and the read-back settles it once Heroku applied it', async () => {
    const service = herokuFlags();
    heroku.stall((r) => r.method === 'PATCH');
    const record = await service.set('checkout_v2', 0, null);
    expect(record.outcome).toBe('unknown');
    heroku.release();
    await waitFor('Heroku to apply 0', () => heroku.apps.get('shop')!.CHECKOUT_V2_PERCENT === '0', 5000);
    expect((await service.reconcile(record.id)).outcome).toBe('ok');
  });
});

describe('Railway variables', () => {
  let railway: RailwayApi;
  beforeEach(async () => {
    railway = await startRailwayApi({ token: RAILWAY_TOKEN, variables: { 'proj-1/env-prod/svc-web': { CHECKOUT_V2_PERCENT: '10', PORT: '3000' } } });
  });
  afterEach(() => railway.close());

  function railwayFlags(token = RAILWAY_TOKEN, serviceId: string | null = 'svc-web'): FlagService {
    return platformFlags(
      { type: 'railway', projectId: 'proj-1', environmentId: 'env-prod', ...(serviceId ? { serviceId } : {}), var: 'CHECKOUT_V2_PERCENT', token: { secret: 'RAILWAY_TOKEN' }, apiUrl: railway.url },
      { RAILWAY_TOKEN: token },
    );
  }

  it('upserts the variable through variableUpsert and reads it back through variables', async () => {
    const service = railwayFlags();
    expect((await service.read('checkout_v2')).value).toBe('10');
    const record = await service.set('checkout_v2', 50, 'rm');
    expect(record.outcome).toBe('ok');
    const mutation = railway.requests.find((r) => JSON.stringify(r.body).includes('variableUpsert'))!;
    expect(mutation.method).toBe('POST');
    expect(mutation.headers.authorization).toBe(`Bearer ${RAILWAY_TOKEN}`);
    expect((mutation.body as { variables: unknown }).variables).toEqual({
      input: { projectId: 'proj-1', environmentId: 'env-prod', serviceId: 'svc-web', name: 'CHECKOUT_V2_PERCENT', value: '50' },
    });
    expect(railway.variables.get('proj-1/env-prod/svc-web')).toEqual({ CHECKOUT_V2_PERCENT: '50', PORT: '3000' });
    expect(railway.violations).toEqual([]);
  });

  it('a shared variable leaves serviceId out', async () => {
    const record = await railwayFlags(RAILWAY_TOKEN, null).set('checkout_v2', 10, null);
    expect(record.outcome).toBe('ok');
    expect(railway.variables.get('proj-1/env-prod/')).toEqual({ CHECKOUT_V2_PERCENT: '10' });
    const mutation = railway.requests.find((r) => JSON.stringify(r.body).includes('variableUpsert'))!;
    expect(Object.keys((mutation.body as { variables: { input: object } }).variables.input)).not.toContain('serviceId');
    expect(railway.violations).toEqual([]);
  });

  it('a rejected token comes back as GraphQL errors: failed, without the token', async () => {
    const wrong = 'canary-wrong-railway-token-77';
    const record = await railwayFlags(wrong).set('checkout_v2', 50, null);
    expect(record.outcome).toBe('failed');
    expect(record.message).toContain('Not Authorized');
    expect(record.message).not.toContain(wrong);
    expect(JSON.stringify(log.entries())).not.toContain(wrong);
    expect(railway.variables.get('proj-1/env-prod/svc-web')!.CHECKOUT_V2_PERCENT).toBe('10');
  });
});
