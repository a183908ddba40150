/**
 * Local stand-ins for the Heroku Platform API and Railway's public GraphQL
 * API: real node:http servers that hold config vars / variables, check each
 * request against the documented shape (method, path, version Accept
 * header, bearer token, JSON body) and answer as the real services do,
 * errors included. A request that breaks the documented shape is answered
 * with an error and kept in `violations`, so a test fails on it.
 *
 * Heroku: GET / PATCH /apps/{app}/config-vars, `Accept:
 * application/vnd.heroku+json; version=3`, `Authorization: Bearer <token>`,
 * body {"VAR": "value" | null}, answer 200 with the whole map; errors are
 * {"id": "...", "message": "..."} (401 unauthorized, 404 not_found, 422
 * invalid_params).
 *
 * Railway: POST /graphql/v2 with {query, variables}: variableUpsert(input:
 * {projectId, environmentId, serviceId?, name, value}) → true, and
 * variables(projectId, environmentId, serviceId) → {NAME: value}; errors
 * come as {"errors": [{"message": ...}], "data": null}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface PlatformApi {
  /** Base URL: Heroku's apiUrl, or Railway's GraphQL endpoint. */
  url: string;
  requests: RecordedRequest[];
  /** Requests that broke the documented shape, with the reason. */
  violations: string[];
  /** Hold answers (all, or those `which` picks) until `release()`: a stalled API that still acts on them then. */
  stall(which?: (req: RecordedRequest) => boolean): void;
  release(): void;
  close(): Promise<void>;
}

export interface HerokuApi extends PlatformApi {
  /** app → config vars */
  apps: Map<string, Record<string, string>>;
}

export interface RailwayApi extends PlatformApi {
  /** "projectId/environmentId/serviceId" → variables */
  variables: Map<string, Record<string, string>>;
}

export const HEROKU_VERSION_ACCEPT = 'application/vnd.heroku+json; version=3';

export async function startHerokuApi(options: { token: string; apps: Record<string, Record<string, string>> }): Promise<HerokuApi> {
  const apps = new Map(Object.entries(options.apps).map(([app, vars]) => [app, { ...vars }]));
  const base = await serve(async (req, body, res, api) => {
    const reject = (status: number, id: string, message: string) => json(res, status, { id, message });
    if (req.headers.accept !== HEROKU_VERSION_ACCEPT) {
      api.violations.push(`Accept was ${String(req.headers.accept)}`);
      return reject(400, 'bad_request', 'Please specify a version along with Heroku\'s API MIME type. For example, `Accept: application/vnd.heroku+json; version=3`.');
    }
    if (req.headers.authorization !== `Bearer ${options.token}`) return reject(401, 'unauthorized', 'Invalid credentials provided.');
    const match = /^\/apps\/([^/]+)\/config-vars$/.exec(req.url ?? '');
    if (!match) {
      api.violations.push(`unexpected path ${req.method} ${req.url}`);
      return reject(404, 'not_found', 'The requested API endpoint was not found.');
    }
    const vars = apps.get(decodeURIComponent(match[1]!));
    if (!vars) return reject(404, 'not_found', "Couldn't find that app.");
    if (req.method === 'GET') return json(res, 200, vars);
    if (req.method !== 'PATCH') {
      api.violations.push(`method ${req.method}`);
      return reject(405, 'method_not_allowed', 'Method not allowed.');
    }
    if (!String(req.headers['content-type']).startsWith('application/json')) api.violations.push(`Content-Type was ${String(req.headers['content-type'])}`);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return reject(422, 'invalid_params', 'Invalid params provided.');
    for (const [name, value] of Object.entries(body)) {
      if (value !== null && typeof value !== 'string') {
        api.violations.push(`config var ${name} sent as ${typeof value}`);
        return reject(422, 'invalid_params', `Config var ${name} must be a string.`);
      }
    }
    for (const [name, value] of Object.entries(body as Record<string, string | null>)) {
      if (value === null) delete vars[name];
      else vars[name] = value;
    }
    return json(res, 200, vars);
  });
  return Object.assign(base, { apps });
}

const UPSERT_FIELDS = new Set(['projectId', 'environmentId', 'serviceId', 'name', 'value', 'skipDeploys']);

export async function startRailwayApi(options: { token: string; variables?: Record<string, Record<string, string>> }): Promise<RailwayApi> {
  const variables = new Map(Object.entries(options.variables ?? {}).map(([key, vars]) => [key, { ...vars }]));
  const base = await serve(async (req, body, res, api) => {
    const errors = (message: string) => json(res, 200, { errors: [{ message, locations: [{ line: 1, column: 1 }] }], data: null });
    if (req.method !== 'POST' || req.url !== '/graphql/v2') {
      api.violations.push(`unexpected ${req.method} ${req.url}`);
      return json(res, 404, { message: 'Not Found' });
    }
    if (!String(req.headers['content-type']).startsWith('application/json')) api.violations.push(`Content-Type was ${String(req.headers['content-type'])}`);
    if (req.headers.authorization !== `Bearer ${options.token}`) return errors('Not Authorized');
    const { query, variables: vars } = (body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
    if (typeof query !== 'string') {
      api.violations.push('no query');
      return json(res, 400, { errors: [{ message: 'Must provide query string.' }] });
    }
    if (/\bvariableUpsert\s*\(\s*input\s*:\s*\$input\s*\)/.test(query) && /\$input\s*:\s*VariableUpsertInput!/.test(query)) {
      const input = vars?.input as Record<string, unknown> | undefined;
      const problem = upsertProblem(input);
      if (problem) {
        api.violations.push(problem);
        return errors(problem);
      }
      const key = `${String(input!.projectId)}/${String(input!.environmentId)}/${String(input!.serviceId ?? '')}`;
      variables.set(key, { ...(variables.get(key) ?? {}), [String(input!.name)]: String(input!.value) });
      return json(res, 200, { data: { variableUpsert: true } });
    }
    if (/\bvariables\s*\(\s*projectId\s*:\s*\$projectId\s*,\s*environmentId\s*:\s*\$environmentId\s*,\s*serviceId\s*:\s*\$serviceId\s*\)/.test(query)) {
      if (typeof vars?.projectId !== 'string' || typeof vars.environmentId !== 'string') {
        api.violations.push('variables query without projectId / environmentId');
        return errors('Variable "$projectId" of required type "String!" was not provided.');
      }
      const key = `${vars.projectId}/${vars.environmentId}/${typeof vars.serviceId === 'string' ? vars.serviceId : ''}`;
      return json(res, 200, { data: { variables: variables.get(key) ?? {} } });
    }
    api.violations.push(`unexpected query ${query}`);
    return errors('Cannot query field on type "Query".');
  });
  return Object.assign(base, { url: `${base.url}/graphql/v2`, variables });
}

function upsertProblem(input: Record<string, unknown> | undefined): string | null {
  if (typeof input !== 'object' || input === null) return 'Variable "$input" of required type "VariableUpsertInput!" was not provided.';
  for (const key of Object.keys(input)) if (!UPSERT_FIELDS.has(key)) return `Field "${key}" is not defined by type "VariableUpsertInput".`;
  for (const key of ['projectId', 'environmentId', 'name', 'value']) {
    if (typeof input[key] !== 'string') return `Variable "$input" got invalid value ${JSON.stringify(input[key])} at "input.${key}"; String cannot represent a non string value.`;
  }
  if (input.serviceId !== undefined && typeof input.serviceId !== 'string') return 'input.serviceId must be a String.';
  return null;
}

export interface FlagAdminApi extends PlatformApi {
  /** flag name → its JSON resource */
  flags: Map<string, Record<string, unknown>>;
  /** Answer every request with this status and {error} (a broken app), or null. */
  failWith: number | null;
}

/**
 * The application's own admin API of dual-dashboard-rollout.md:
 * GET /api/admin/feature-flags/{name} → the flag's JSON, PUT / PATCH / POST
 * merges the JSON body into it (nested objects too), behind a bearer token.
 */
export async function startFlagAdminApi(options: { token: string; flags: Record<string, Record<string, unknown>> }): Promise<FlagAdminApi> {
  const flags = new Map(Object.entries(options.flags).map(([name, flag]) => [name, structuredClone(flag)]));
  let self: FlagAdminApi | null = null;
  const base = await serve((req, body, res) => {
    if (self?.failWith) return json(res, self.failWith, { error: 'Internal Server Error' });
    if (req.headers.authorization !== `Bearer ${options.token}`) return json(res, 401, { error: 'admin token required' });
    const match = /^\/api\/admin\/feature-flags\/([^/?]+)$/.exec(req.url ?? '');
    const flag = match ? flags.get(decodeURIComponent(match[1]!)) : undefined;
    if (!flag) return json(res, 404, { error: 'no such flag' });
    if (req.method === 'GET') return json(res, 200, flag);
    if (typeof body !== 'object' || body === null) return json(res, 400, { error: 'JSON object expected' });
    mergeInto(flag, body as Record<string, unknown>);
    return json(res, 200, flag);
  });
  self = Object.assign(base, { flags, failWith: null as number | null });
  return self;
}

function mergeInto(target: Record<string, unknown>, patch: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && typeof current === 'object' && current !== null) mergeInto(current as Record<string, unknown>, value as Record<string, unknown>);
    else target[key] = value;
  }
}

type Handler = (req: IncomingMessage, body: unknown, res: ServerResponse, api: PlatformApi) => void | Promise<void>;

async function serve(handler: Handler): Promise<PlatformApi> {
  let stalled: ((req: RecordedRequest) => boolean) | null = null;
  let held: Array<() => void> = [];
  const api: PlatformApi = {
    url: '',
    requests: [],
    violations: [],
    stall: (which) => {
      stalled = which ?? (() => true);
    },
    release: () => {
      stalled = null;
      const waiting = held;
      held = [];
      for (const go of waiting) go();
    },
    close: () =>
      new Promise<void>((resolve) => {
        api.release();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = undefined;
      if (text !== '') {
        try {
          body = JSON.parse(text);
        } catch {
          api.violations.push('body is not JSON');
          return json(res, 400, { id: 'bad_request', message: 'Invalid JSON.' });
        }
      }
      const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
      api.requests.push(recorded);
      const run = () => void Promise.resolve(handler(req, body, res, api)).catch((error: unknown) => json(res, 500, { id: 'internal', message: String(error) }));
      if (stalled?.(recorded)) held.push(run);
      else run();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
