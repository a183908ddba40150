/**
 * The flag the runbook moves, and where it lives: the app's admin endpoint
 * (`/api/admin/feature-flags...`), or the variable that `railway` and
 * `heroku` lines set, the percentage variable being the field. These are
 * alternatives for one flag: the person keeps one.
 */
import type { DraftProposal, SecretSlot } from '../../../shared/profile-draft';
import { HerokuFlagBackendSchema, RailwayFlagBackendSchema } from '../profile/flags-schema';
import { httpDestination } from '../vault/destination';
import { templateUrl, urlsOn, type FieldRegistry } from './placeholders';
import { proposal } from './proposal';
import type { SourceLine } from './source-lines';

export const FLAG_GROUP = 'flag';

/** The platform APIs a token goes to: the schema's own defaults, so the scope offered is the one the backend uses. */
const HEROKU_API = httpDestination(HerokuFlagBackendSchema.shape.apiUrl.parse(undefined));
const RAILWAY_API = httpDestination(RailwayFlagBackendSchema.shape.apiUrl.parse(undefined));

/** The origin of a URL template: the origin field's token when the host is a placeholder. */
function originOf(template: string): string | null {
  const token = /^<[A-Z][A-Z0-9_]*>/.exec(template)?.[0];
  if (token) return token;
  try {
    return httpDestination(template);
  } catch {
    return null;
  }
}

const ADMIN_FLAG_PATH = /\/(feature[-_]?flags?|flags|features|toggles)(\/[^/?#]+)?\/?$/i;
const COLLECTION = /\/(feature[-_]?flags?|flags|features|toggles)\/?$/i;
const RELATIVE_ADMIN = /\b(?:GET|PUT|PATCH|POST)\s+(\/[^\s`'"]*(?:flag|feature|toggle)[^\s`'"]*)/i;
const RAILWAY_SET = /\brailway\s+(?:env\s+set|variables\s+(?:--set|set)|vars\s+set)\s+["']?([A-Za-z_][A-Za-z0-9_]*)=/;
const HEROKU_SET = /\bheroku\s+config:set\s+["']?([A-Za-z_][A-Za-z0-9_]*)=/;
const PLATFORM_VAR = /\b(?:railway\s+(?:env\s+(?:un)?set|variables\s+(?:--set|set|delete)|vars\s+(?:un)?set)|heroku\s+config:(?:un)?set)\s+["']?([A-Za-z_][A-Za-z0-9_]*)/;
const BARE_VAR = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)=\S*/;
const PERCENT_VAR = /PERCENT|PCT|ROLLOUT_(?:RATE|SHARE|RATIO)/i;
const HEROKU_APP = /(?:--app|-a)[\s=]["']?([a-z][a-z0-9-]{1,29})\b/;

interface AdminEndpoint {
  template: string;
  lines: number[];
  source: string;
  method: 'PUT' | 'PATCH' | 'POST' | null;
  /** The field a write's body sets: what the runbook sends, not proof of what a read returns. */
  field: string | null;
  /** The field the runbook shows a read of the flag returning (a `jq .x` of it, or the JSON answer it prints), and that line. */
  read: { field: string; line: number } | null;
  auth: { name: string; prefix: string } | null;
}

/** A shown answer is looked for this many lines after the request, within its code block. */
const ANSWER_LINES = 6;
const REQUEST = /\bcurl\b|\b(?:GET|PUT|PATCH|POST)\s+\//;
const JQ_FIELD = /\|\s*jq\s+(?:-[a-z]+\s+)*['"]?\.([A-Za-z_][A-Za-z0-9_.]*)/;

function curlMethod(text: string): AdminEndpoint['method'] {
  const m = /(?:-X|--request)\s*["']?(PUT|PATCH|POST)\b/i.exec(text);
  return m ? (m[1]!.toUpperCase() as AdminEndpoint['method']) : null;
}

/** The numeric field of a JSON body: `-d '{"rolloutPercentage": 10}'`. */
function bodyField(text: string): string | null {
  const m = /"([A-Za-z_][A-Za-z0-9_.]*)"\s*:\s*-?\d/.exec(text);
  return m ? m[1]! : null;
}

/** `-H "Authorization: Bearer $ADMIN_TOKEN"`: the token becomes a vault secret of that name. */
function authHeader(text: string): AdminEndpoint['auth'] {
  const m = /Authorization:\s*(Bearer\s+|Token\s+|Basic\s+)?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/i.exec(text);
  return m ? { name: m[2]!, prefix: m[1] ?? '' } : null;
}

/**
 * What the runbook shows a request to the flag answering: a `jq .field` on
 * the request itself, else the first JSON number field printed in the lines
 * after it in the same code block (before the next request).
 */
function shownRead(lines: readonly SourceLine[], at: number): AdminEndpoint['read'] {
  const request = lines[at]!;
  const jq = JQ_FIELD.exec(request.text);
  if (jq) return { field: jq[1]!, line: request.line };
  if (!request.inCode) return null;
  for (let i = at + 1; i < lines.length && i <= at + ANSWER_LINES; i += 1) {
    const next = lines[i]!;
    if (!next.inCode || next.headingLine !== request.headingLine || REQUEST.test(next.text)) break;
    const field = bodyField(next.text);
    if (field) return { field, line: next.line };
  }
  return null;
}

function adminEndpoints(lines: readonly SourceLine[], registry: FieldRegistry): AdminEndpoint[] {
  const found = new Map<string, AdminEndpoint>();
  const add = (template: string, line: SourceLine, at: number) => {
    const seen = found.get(template);
    const method = curlMethod(line.text);
    const field = bodyField(line.text);
    const read = shownRead(lines, at);
    const auth = authHeader(line.text);
    if (seen) {
      seen.lines.push(line.line);
      seen.method ??= method;
      seen.field ??= field;
      seen.read ??= read;
      seen.auth ??= auth;
    } else {
      found.set(template, { template, lines: [line.line], source: line.text, method, field, read, auth });
    }
  };
  for (const [at, line] of lines.entries()) {
    for (const url of urlsOn(line.text)) {
      const t = templateUrl(url, line.line, registry);
      if (t && /\/admin\b/i.test(t.path) && ADMIN_FLAG_PATH.test(t.path)) add(t.template, line, at);
    }
    const relative = RELATIVE_ADMIN.exec(line.text);
    if (relative && /\/admin\b/i.test(relative[1]!) && ADMIN_FLAG_PATH.test(relative[1]!)) {
      const origin = registry.use('APP_ORIGIN', { label: 'Where the app runs (scheme://host:port)', written: relative[1]!, example: 'https://app.internal:8443', line: line.line });
      add(origin + relative[1]!, line, at);
    }
  }
  return [...found.values()];
}

/**
 * The flag's field is read back after every write, so it must be one a GET
 * returns: the one the runbook shows a read returning, else a field to fill
 * (a write's body is only the example), never a guess.
 */
function readField(admin: AdminEndpoint, registry: FieldRegistry): string {
  if (admin.read) return admin.read.field;
  return registry.use('FLAG_FIELD', { label: 'The field a GET of the flag returns its percentage in', written: admin.field ?? admin.template, example: 'percentage', line: admin.lines[0]! });
}

export function flagProposals(lines: readonly SourceLine[], registry: FieldRegistry): DraftProposal[] {
  const proposals: DraftProposal[] = [];
  for (const admin of adminEndpoints(lines, registry)) {
    const collection = COLLECTION.test(admin.template);
    const name = collection
      ? registry.use('FLAG_NAME', { label: 'The flag’s name in the admin API', written: admin.template, example: 'checkout_v2', line: admin.lines[0]! })
      : decodeURIComponent(admin.template.replace(/\/$/, '').split('/').pop()!);
    const url = collection ? `${admin.template.replace(/\/$/, '')}/${name}` : admin.template;
    const secret: SecretSlot | null = admin.auth
      ? { path: ['backend', 'headers', 'Authorization'], suggested: admin.auth.name, prefix: admin.auth.prefix || undefined, required: false, preset: true, destination: originOf(url), why: `the runbook sends ${admin.auth.prefix}$${admin.auth.name}` }
      : null;
    proposals.push(
      proposal({
        kind: 'flag',
        name: `http-${proposals.length + 1}`,
        title: `Flag through the admin API ${url}`,
        lines: admin.lines,
        source: admin.source,
        entry: { name, backend: { type: 'http', url, method: admin.method ?? 'PUT', field: readField(admin, registry) }, steps: [0, 10, 50, 100] },
        secret,
        group: FLAG_GROUP,
        accepted: proposals.length === 0,
        note: admin.read
          ? `Field "${admin.read.field}": what the runbook shows a read of the flag returning (line ${admin.read.line}).`
          : `The runbook shows no read of the flag${admin.field ? ` (it writes "${admin.field}", which a read need not return)` : ''}: fill the field its GET returns the percentage in.`,
      }),
    );
  }

  // The percentage variable, wherever the runbook names it (set, unset, or a bare NAME=value line).
  const percentVars: Array<{ name: string; line: number }> = [];
  for (const line of lines) {
    const name = PLATFORM_VAR.exec(line.text)?.[1] ?? (line.inCode ? BARE_VAR.exec(line.text)?.[1] : undefined);
    if (name && PERCENT_VAR.test(name) && !percentVars.some((v) => v.name === name)) percentVars.push({ name, line: line.line });
  }
  const percent = percentVars[0];
  if (!percent) return proposals;

  const railway = lines.filter((l) => RAILWAY_SET.test(l.text));
  if (railway.length > 0) {
    const source = railway.find((l) => RAILWAY_SET.exec(l.text)![1] === percent.name) ?? railway[0]!;
    proposals.push(
      proposal({
        kind: 'flag',
        name: 'railway',
        title: `Flag as Railway variable ${percent.name}`,
        lines: [source.line, percent.line],
        source: source.text,
        entry: {
          name: percent.name.toLowerCase(),
          backend: {
            type: 'railway',
            projectId: registry.use('RAILWAY_PROJECT_ID', { label: 'Railway project id', written: 'railway', example: '9f2c…', line: source.line }),
            environmentId: registry.use('RAILWAY_ENVIRONMENT_ID', { label: 'Railway environment id', written: 'railway', example: 'b41e…', line: source.line }),
            var: percent.name,
            token: { secret: 'RAILWAY_TOKEN' },
          },
          steps: [0, 10, 50, 100],
        },
        secret: { path: ['backend', 'token'], suggested: 'RAILWAY_TOKEN', required: true, preset: true, destination: RAILWAY_API, why: 'Railway’s API needs a token' },
        group: FLAG_GROUP,
        accepted: proposals.length === 0,
      }),
    );
  }
  const heroku = lines.filter((l) => HEROKU_SET.test(l.text));
  if (heroku.length > 0) {
    const source = heroku.find((l) => HEROKU_SET.exec(l.text)![1] === percent.name) ?? heroku[0]!;
    const app = heroku.map((l) => HEROKU_APP.exec(l.text)?.[1]).find(Boolean);
    proposals.push(
      proposal({
        kind: 'flag',
        name: 'heroku',
        title: `Flag as Heroku config var ${percent.name}`,
        lines: [source.line, percent.line],
        source: source.text,
        entry: {
          name: percent.name.toLowerCase(),
          backend: {
            type: 'heroku',
            app: app ?? registry.use('HEROKU_APP', { label: 'Heroku app name', written: 'heroku', example: 'my-app', line: source.line }),
            var: percent.name,
            token: { secret: 'HEROKU_API_KEY' },
          },
          steps: [0, 10, 50, 100],
        },
        secret: { path: ['backend', 'token'], suggested: 'HEROKU_API_KEY', required: true, preset: true, destination: HEROKU_API, why: 'Heroku’s platform API needs a token' },
        group: FLAG_GROUP,
        accepted: proposals.length === 0,
      }),
    );
  }
  return proposals;
}
