/**
 * `flightdeck flag get|set|settle`: the cockpit's flag control from a
 * terminal, through the same FlagService, journal and honest outcomes.
 * Exit 0 only for ok; 1 for failed or unknown (the output says which);
 * 2 for bad input. Secrets come from FLIGHTDECK_SECRET_<NAME> environment
 * variables (cli/env-secrets.ts), never from the command line, where every
 * user of the machine could read them.
 */
import { parseArgs } from 'node:util';
import type { ActionRecord } from '../../shared/control-model';
import { FlightdeckError } from '../../shared/errors';
import { checkPersonName } from '../../shared/person-name';
import type { FlagValue } from '../services/flags/flag-backend';
import { flagBackendDestination } from '../services/flags/backend-destination';
import { FlagService } from '../services/flags/flag-service';
import { FlagSchema, type FlagConfig } from '../services/profile/flags-schema';
import { approvedSecretPairs, trustedProfileFile } from './trusted-profile';
import type { Profile } from '../services/profile/profile-schema';
import { EnvSecretResolver, redactingIo } from './env-secrets';
import { openActionJournal, type OpenedJournal } from './action-journal-option';
import type { Session } from '../services/session/session';
import { isJoined } from '../services/team/team-config';
import { withFlagFlight } from './team-flag';
import { EXIT, UsageError, describeError, exitCodeFor, json, type Io } from './io';

export const FLAG_USAGE = `Usage:
  flightdeck flag get --profile FILE --flag NAME [--json]
  flightdeck flag set --profile FILE --flag NAME (--percent N | --value V) [--by NAME] [--session DIR | --log DIR] [--json]
  flightdeck flag settle --profile FILE (--session DIR | --log DIR) [--json]
  or, without a profile, name the backend directly:
    --backend redis --url redis://HOST:PORT --key KEY [--field F] [--password-secret NAME]
    --backend http --url URL [--field F] [--method PUT|PATCH|POST] [--bearer-secret NAME]

  --percent N      a rollout percentage, 0 to 100
  --value V        any other value: true, false, null and numbers are typed, the rest is a string
  --session DIR    journal into this session (as the app does)
  --log DIR        journal into this action log directory (created if missing)
                   default for set: a new log under <data dir>/actions/, printed
  --timeout MS     deadline of the write and of each read-back (default 3000)
  --by NAME        who acts (default: $USER)

Secrets: a profile's { secret: NAME } and --password-secret / --bearer-secret
NAME are read from FLIGHTDECK_SECRET_<NAME> (upper case, "." and "-" as "_").
A profile's secret goes only where FLIGHTDECK_SECRET_<NAME>_SCOPE lists
(origins, host:port; commas or spaces); one named with --backend goes to
the --url typed here.

Exit status: 0 ok, 1 failed or unknown (printed), 2 bad input.`;

const OPTIONS = {
  profile: { type: 'string' },
  flag: { type: 'string' },
  percent: { type: 'string' },
  value: { type: 'string' },
  backend: { type: 'string' },
  url: { type: 'string' },
  key: { type: 'string' },
  field: { type: 'string' },
  method: { type: 'string' },
  'password-secret': { type: 'string' },
  'bearer-secret': { type: 'string' },
  session: { type: 'string' },
  log: { type: 'string' },
  timeout: { type: 'string' },
  by: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseFlagArgs(args: string[]) {
  return parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
}

type Values = ReturnType<typeof parseFlagArgs>['values'];

export interface FlagCommandEnv {
  /** Where FLIGHTDECK_SECRET_* and FLIGHTDECK_HOME are read; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export async function flagCommand(args: string[], rawIo: Io, options: FlagCommandEnv = {}): Promise<number> {
  const env = options.env ?? process.env;
  const io = redactingIo(rawIo, new EnvSecretResolver(env));
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseFlagArgs(args));
  } catch (error) {
    io.err(`${describeError(error)}\n\n${FLAG_USAGE}`);
    return EXIT.badInput;
  }
  if (values.help) {
    io.out(FLAG_USAGE);
    return EXIT.ok;
  }
  const [sub, ...extra] = positionals;
  try {
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    switch (sub) {
      case 'get':
        return await getFlag(values, io, env);
      case 'set':
        return await setFlagCommand(values, io, env);
      case 'settle':
        return await settleFlags(values, io, env);
      default:
        throw new UsageError(sub ? `unknown flag command "${sub}"` : 'missing get, set or settle');
    }
  } catch (error) {
    io.err(`flightdeck flag: ${describeError(error)}${error instanceof UsageError ? `\n\n${FLAG_USAGE}` : ''}`);
    return exitCodeFor(error);
  }
}

async function getFlag(values: Values, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const { config, secrets } = await flagTarget(values, env);
  const service = new FlagService({ flags: [config], secrets, journal: null, settleDelaysMs: [] });
  try {
    const view = await service.read(config.name);
    if (values.json) io.out(json({ flag: view.name, target: view.target, value: view.value, readAt: view.readAt, error: view.readError }));
    else io.out(view.readError ? `${view.name}: not read: ${view.readError}` : `${view.name}: ${String(view.value)}  (${view.target})`);
    return view.readError ? EXIT.failure : EXIT.ok;
  } finally {
    await service.close();
  }
}

async function setFlagCommand(values: Values, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  if ((values.percent === undefined) === (values.value === undefined)) throw new UsageError('give either --percent N or --value V');
  const { config, secrets } = await flagTarget(values, env);
  const percent = values.percent === undefined ? undefined : percentOption(values.percent);
  const value = values.value === undefined ? undefined : typedValue(values.value);
  const by = checkPersonName(values.by ?? env.USER ?? env.USERNAME ?? null, '--by');
  const { journal, where, close } = openJournal(values, env, true);
  const service = new FlagService({ flags: [config], secrets, journal, settleDelaysMs: [] });
  try {
    const write = async () => {
      // The current value first, so the journal and the output show the change.
      await service.read(config.name);
      return percent !== undefined ? await service.set(config.name, percent, by) : await service.setValue(config.name, value!, by);
    };
    // In a session joined to a team, the write takes the team's single flight first.
    const record = values.session && isJoined(values.session) ? await withFlagFlight(values.session, env, journal as Session, config.name, io, write) : await write();
    report(record, where, values.json === true, io);
    return record.outcome === 'ok' ? EXIT.ok : EXIT.failure;
  } finally {
    await service.close();
    close();
  }
}

async function settleFlags(values: Values, io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  if (!values.session && !values.log) throw new UsageError('settle needs the --session or --log that holds the unknown writes');
  const { config, secrets } = await flagTarget(values, env);
  const { journal, where, close } = openJournal(values, env, false);
  const service = new FlagService({ flags: [config], secrets, journal, settleDelaysMs: [] });
  try {
    const records: ActionRecord[] = [];
    for (const id of service.unsettledActions()) records.push(await service.reconcile(id));
    if (values.json) io.out(json({ journal: where, actions: records.map(recordJson) }));
    else io.out(records.length === 0 ? `${config.name}: no unknown writes to settle in ${where}` : records.map((r) => line(r)).join('\n'));
    return records.every((r) => r.outcome === 'ok') ? EXIT.ok : EXIT.failure;
  } finally {
    await service.close();
    close();
  }
}

function report(record: ActionRecord, where: string, asJson: boolean, io: Io): void {
  if (asJson) {
    io.out(json({ ...recordJson(record), journal: where }));
    return;
  }
  io.out(line(record));
  if (record.outcome === 'unknown') io.out(`  run \`flightdeck flag settle ... ${where.startsWith('session ') ? '--session' : '--log'} ${where.replace(/^(session|log) /, '')}\` later to read it back`);
  io.err(`journaled in ${where}`);
}

function line(record: ActionRecord): string {
  return `${record.inputs.flag ?? record.title}: ${record.outcome} — ${record.message}${record.durationMs !== null ? ` (${Math.round(record.durationMs)} ms)` : ''}`;
}

function recordJson(record: ActionRecord) {
  return {
    actionId: record.id,
    flag: record.inputs.flag ?? null,
    target: record.inputs.target ?? null,
    from: record.inputs.from ?? null,
    to: record.inputs.to ?? null,
    outcome: record.outcome,
    message: record.message,
    durationMs: record.durationMs,
  };
}

/**
 * Secrets from the environment for this flag. With --backend the person
 * typed the target, so a secret they named may go to exactly that
 * destination; a profile's targets need FLIGHTDECK_SECRET_<NAME>_SCOPE (or
 * an approval, once the trust store supplies one).
 */
/**
 * The flag to act on and where its secrets may go: through a profile, only
 * a trusted one, whose approval vouches for each secret's destination; from
 * --backend options, only the target the person typed.
 */
async function flagTarget(values: Values, env: NodeJS.ProcessEnv): Promise<{ config: FlagConfig; secrets: EnvSecretResolver }> {
  if (values.profile) {
    if (values.backend) throw new UsageError('give --profile or --backend, not both');
    // Before any connection: an untrusted profile exits 2.
    const trusted = await trustedProfileFile(values.profile, env);
    return { config: profileFlag(values, trusted.profile), secrets: new EnvSecretResolver(env, { approved: approvedSecretPairs(trusted) }) };
  }
  const config = directFlag(values);
  const typed = flagBackendDestination(config.backend);
  return { config, secrets: new EnvSecretResolver(env, { approved: (_name, destination) => destination === typed }) };
}

function timeoutOption(values: Values): number | undefined {
  return values.timeout === undefined ? undefined : numberOption(values.timeout, 'timeout');
}

/** The profile's flag named by --flag, with --timeout applied. */
function profileFlag(values: Values, profile: Profile): FlagConfig {
  if (!values.flag) throw new UsageError('--profile needs --flag NAME');
  const found = profile.flags.find((f) => f.name === values.flag);
  if (!found) {
    const names = profile.flags.map((f) => f.name);
    throw new FlightdeckError('not-found', `has no flag "${values.flag}"${names.length ? ` (it has ${names.join(', ')})` : ''}.`, { file: values.profile, field: 'flag' });
  }
  const timeoutMs = timeoutOption(values);
  return timeoutMs === undefined ? found : { ...found, timeoutMs };
}

/** A flag built from --backend options, validated by the profile's schema. */
function directFlag(values: Values): FlagConfig {
  if (!values.backend) throw new UsageError('give --profile FILE --flag NAME, or --backend redis|http with its options');
  const timeoutMs = timeoutOption(values);
  const backend = directBackend(values);
  const parsed = FlagSchema.safeParse({ name: values.flag ?? defaultName(values), backend, ...(timeoutMs === undefined ? {} : { timeoutMs }) });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    throw new FlightdeckError('bad-input', `${cliOption(field)} ${issue.message}`, { field });
  }
  return parsed.data;
}

function directBackend(values: Values): Record<string, unknown> {
  const url = values.url;
  if (!url) throw new UsageError('--backend needs --url');
  refuseCredentialsInUrl(url);
  switch (values.backend) {
    case 'redis':
      if (!values.key) throw new UsageError('--backend redis needs --key KEY');
      return { type: 'redis', url, key: values.key, ...(values.field ? { field: values.field } : {}), ...(values['password-secret'] ? { password: { secret: values['password-secret'] } } : {}) };
    case 'http':
      return {
        type: 'http',
        url,
        ...(values.field ? { field: values.field } : {}),
        ...(values.method ? { method: values.method.toUpperCase() } : {}),
        headers: values['bearer-secret'] ? { Authorization: { secret: values['bearer-secret'], prefix: 'Bearer ' } } : {},
      };
    default:
      throw new UsageError(`--backend must be redis or http (others need a profile), not "${values.backend ?? ''}"`);
  }
}

/** A password on the command line is visible in /proc to every user: refuse it. */
function refuseCredentialsInUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return; // the schema names the bad URL
  }
  if (parsed.password !== '') {
    throw new FlightdeckError('forbidden', 'a password in --url would be visible to every user of this machine; set FLIGHTDECK_SECRET_<NAME> and pass --password-secret NAME (or --bearer-secret NAME) instead.', {
      field: 'url',
    });
  }
}

function defaultName(values: Values): string {
  const name = values.key ?? (values.url ? new URL(values.url).pathname.split('/').filter(Boolean).at(-1) : undefined) ?? 'flag';
  return /^[A-Za-z0-9_.:-]{1,128}$/.test(name) ? name : 'flag';
}

function cliOption(field: string): string {
  const option = field.replace(/^backend\./, '').replace(/^headers\..*/, 'bearer-secret').replace(/^password.*/, 'password-secret');
  return `--${option}`;
}

function openJournal(values: Values, env: NodeJS.ProcessEnv, createDefault: boolean): OpenedJournal {
  if (values.session && values.log) throw new UsageError('give --session or --log, not both');
  return openActionJournal(values, env, createDefault ? '' : null);
}

function percentOption(raw: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0 || value > 100) {
    throw new FlightdeckError('bad-input', `--percent must be a number from 0 to 100, not "${raw}".`, { field: 'percent' });
  }
  return value;
}

function numberOption(raw: string, name: string): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 50 || value > 60_000) {
    throw new FlightdeckError('bad-input', `--${name} must be a whole number of milliseconds from 50 to 60000, not "${raw}".`, { field: name });
  }
  return value;
}

/** "true", "false", "null" and numbers as JSON types; anything else as the string given. */
export function typedValue(raw: string): FlagValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (raw.trim() !== '' && Number.isFinite(Number(raw))) return Number(raw);
  return raw;
}
