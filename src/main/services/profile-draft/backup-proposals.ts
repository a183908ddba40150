/**
 * Backup targets from the runbook's dump lines (`mongodump`, `pg_dump`,
 * `redis-cli --rdb`) and its connection variables (MONGODB_URI, REDIS_URL,
 * DATABASE_URL). A dump that reads a variable and the line that names the
 * variable are one target. Passwords never go in the URL: the password is
 * a vault secret named beside it.
 */
import type { DraftProposal } from '../../../shared/profile-draft';
import { isPlaceholderHost, type FieldRegistry } from './placeholders';
import { proposal, uniqueName } from './proposal';
import type { SourceLine } from './source-lines';

type Engine = 'mongodb' | 'postgres' | 'redis';

const CONNECTION_VARS: Record<string, Engine> = {
  MONGODB_URI: 'mongodb', MONGO_URI: 'mongodb', MONGO_URL: 'mongodb', MONGODB_URL: 'mongodb',
  DATABASE_URL: 'postgres', POSTGRES_URL: 'postgres', PG_URL: 'postgres',
  REDIS_URL: 'redis', REDIS_URI: 'redis',
};
const VAR_REF = /\$\{?([A-Z_][A-Z0-9_]*)\}?/;
const ENGINE_LABEL: Record<Engine, string> = { mongodb: 'MongoDB', postgres: 'PostgreSQL', redis: 'Redis' };
const EXAMPLE: Record<Engine, string> = { mongodb: 'mongodb://backup@db.internal:27017/app', postgres: 'postgres://backup@db.internal:5432/app', redis: 'redis://cache.internal:6379' };

interface Target {
  engine: Engine;
  url: string;
  lines: number[];
  source: string;
  /** A dump line, rather than a variable that only names the connection. */
  dump: boolean;
}

function option(text: string, short: string | null, long: string): string | undefined {
  // Only whole options: "-d" inside "blue-db.internal" is no option.
  const re = new RegExp(`(?:^|\\s)(?:${short ? `${short}\\s*|` : ''}${long}[=\\s])["']?([^\\s"']+)`);
  return re.exec(text)?.[1];
}

/** `user:password@` would put the password in the profile: keep the user, drop the password. */
function withoutPassword(url: string): string {
  return url.replace(/^([a-z+]+:\/\/[^/@:]*):[^/@]*@/i, '$1@');
}

export function backupProposals(lines: readonly SourceLine[], registry: FieldRegistry, taken: Set<string>): DraftProposal[] {
  const targets: Target[] = [];
  const variableUrl = (name: string, engine: Engine, line: number): string =>
    registry.use(name, { label: `${ENGINE_LABEL[engine]} connection (${name}), without its password`, written: `$${name}`, example: EXAMPLE[engine], line });
  const hostField = (engine: Engine, line: number, written: string): string =>
    registry.use(`${engine.toUpperCase()}_HOST`, { label: `${ENGINE_LABEL[engine]} host:port`, written, example: engine === 'postgres' ? 'db.internal:5432' : 'cache.internal:6379', line });
  const add = (target: Target) => {
    const same = targets.find((t) => t.engine === target.engine && t.url === target.url);
    if (!same) targets.push(target);
    else {
      same.lines.push(...target.lines);
      if (target.dump && !same.dump) Object.assign(same, { source: target.source, dump: true, lines: [...target.lines, ...same.lines] });
    }
  };

  for (const line of lines) {
    const text = line.text;
    if (/\bmongodump\b/.test(text)) {
      const uri = option(text, null, '--uri');
      const ref = uri ? VAR_REF.exec(uri)?.[1] : undefined;
      const host = option(text, '-h', '--host');
      const db = option(text, '-d', '--db');
      const url = ref
        ? variableUrl(ref, 'mongodb', line.line)
        : uri && !isPlaceholderHost(uri.replace(/^mongodb(\+srv)?:\/\//, '').split('/')[0]!)
          ? withoutPassword(uri)
          : `mongodb://${host ?? hostField('mongodb', line.line, text)}${db ? `/${db}` : ''}`;
      add({ engine: 'mongodb', url, lines: [line.line], source: text, dump: true });
    }
    if (/\bpg_dump\b/.test(text)) {
      const ref = /pg_dump\b.*?\$\{?([A-Z_][A-Z0-9_]*)\}?/.exec(text)?.[1];
      const literal = /\b(postgres(?:ql)?:\/\/[^\s"']+)/.exec(text)?.[1];
      let url: string;
      if (ref && (CONNECTION_VARS[ref] === 'postgres' || /URL|URI|DSN/.test(ref))) url = variableUrl(ref, 'postgres', line.line);
      else if (literal) url = withoutPassword(literal);
      else {
        const host = option(text, '-h', '--host');
        const port = option(text, '-p', '--port');
        const user = option(text, '-U', '--username');
        const db = option(text, '-d', '--dbname') ?? /pg_dump\b(?:\s+-{1,2}[^\s]+(?:\s+(?!-)[^\s>|]+)?)*?\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:>|\||$)/.exec(text)?.[1];
        const hostPort = host && !host.startsWith('$') ? `${host}${port ? `:${port}` : ''}` : hostField('postgres', line.line, text);
        url = `postgres://${user && !user.startsWith('$') ? `${user}@` : ''}${hostPort}/${db ?? registry.use('POSTGRES_DATABASE', { label: 'PostgreSQL database name', written: text, example: 'app', line: line.line })}`;
      }
      add({ engine: 'postgres', url, lines: [line.line], source: text, dump: true });
    }
    if (/\bredis-cli\b.*--rdb\b/.test(text)) {
      const uri = option(text, '-u', '--uri');
      const host = option(text, '-h', '--host');
      const port = option(text, '-p', '--port');
      const ref = uri ? VAR_REF.exec(uri)?.[1] : undefined;
      const url = ref ? variableUrl(ref, 'redis', line.line) : uri ? withoutPassword(uri) : host ? `redis://${host}:${port ?? '6379'}` : hostField('redis', line.line, text);
      add({ engine: 'redis', url: url.startsWith('<REDIS_HOST>') ? `redis://${url}` : url, lines: [line.line], source: text, dump: true });
    }
    // MONGODB_URI=..., export DATABASE_URL="...": the connection the runbook relies on.
    const assignment = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)=["']?([^\s"']*)/.exec(text);
    const engine = assignment ? CONNECTION_VARS[assignment[1]!] : undefined;
    if (assignment && engine) {
      add({ engine, url: variableUrl(assignment[1]!, engine, line.line), lines: [line.line], source: text, dump: false });
    }
  }

  return targets.map((t) => {
    const name = uniqueName(t.engine, taken);
    return proposal({
      kind: 'backup',
      name,
      title: `${ENGINE_LABEL[t.engine]} backup of ${t.url}`,
      lines: t.lines,
      source: t.source,
      entry: { name, engine: t.engine, url: t.url, timeoutSeconds: 3600 },
      secret: { path: ['password'], suggested: `${t.engine.toUpperCase()}_PASSWORD`, required: false, preset: false, destination: null, why: 'if the server asks for a password' },
      accepted: t.dump,
      note: t.dump ? null : 'Named only as a connection variable; no dump line backs it up.',
    });
  });
}
