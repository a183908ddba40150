/**
 * Secrets for the `flightdeck` command: a terminal has no vault window, so
 * a secret named `redis-password` in the profile comes from the environment
 * variable FLIGHTDECK_SECRET_REDIS_PASSWORD (upper case; "." and "-" become
 * "_"). Values are read when used, never printed; the error for a missing
 * one names the variable to set. Shared by `flightdeck flag` and
 * `flightdeck rollback`.
 *
 * Where a value may go is the same rule as the vault's (secret-scope.ts):
 * FLIGHTDECK_SECRET_<NAME>_SCOPE lists the destinations (origins,
 * host:port, program:NAME; commas or spaces). Without it, a destination is
 * allowed only when the `approved` predicate says so: the trust store's
 * record that a person approved this secret going there (`flightdeck
 * trust FILE`), or the target the person typed on the command line. With
 * neither, nothing is sent.
 */
import { SecretRedactor } from '../services/vault/redactor';
import type { Io } from './io';
import { FlightdeckError } from '../../shared/errors';
import { parseScopeList, type Destination } from '../services/vault/destination';
import { checkRelease, destinationFor, type DestinationOf } from '../services/vault/secret-scope';
import type { SecretResolver } from '../services/vault/secrets';

export const ENV_SECRET_PREFIX = 'FLIGHTDECK_SECRET_';
export const ENV_SCOPE_SUFFIX = '_SCOPE';

/** The environment variable that holds the secret `name`. */
export function envSecretVariable(name: string): string {
  return `${ENV_SECRET_PREFIX}${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

/** The environment variable that lists where the secret `name` may be sent. */
export function envScopeVariable(name: string): string {
  return `${envSecretVariable(name)}${ENV_SCOPE_SUFFIX}`;
}

export interface EnvSecretOptions {
  /**
   * For a secret without a _SCOPE variable: may it go to this destination?
   * Given by the caller from `flightdeck trust` approvals, or from the target
   * typed on the command line. Absent: never.
   */
  approved?: (name: string, destination: Destination) => boolean;
}

export class EnvSecretResolver implements SecretResolver {
  private readonly approved: (name: string, destination: Destination) => boolean;

  constructor(
    private readonly env: NodeJS.ProcessEnv = process.env,
    options: EnvSecretOptions = {},
  ) {
    this.approved = options.approved ?? (() => false);
  }

  get(name: string, destination: DestinationOf): string {
    const variable = envSecretVariable(name);
    const value = this.env[variable];
    if (value === undefined || value === '') {
      throw new FlightdeckError('not-found', `Secret "${name}" is not set: export ${variable} before running flightdeck.`, { field: variable });
    }
    const target = destinationFor(name, value, destination);
    const scope = this.scopeOf(name);
    if (scope !== null) {
      checkRelease(name, scope, target, `If it should, add ${target} to ${envScopeVariable(name)}.`);
    } else if (!this.approved(name, target)) {
      throw new FlightdeckError(
        'forbidden',
        `Secret "${name}" (${variable}) has no scope and sending it to ${target} was not approved: set ${envScopeVariable(name)}=${target} to allow it, or run \`flightdeck trust FILE\` to review the profile that asks for it.`,
        { field: envScopeVariable(name) },
      );
    }
    return value;
  }

  /** The destinations FLIGHTDECK_SECRET_<NAME>_SCOPE lists; null when it is not set. A malformed list is refused, naming the variable. */
  scopeOf(name: string): Destination[] | null {
    const variable = envScopeVariable(name);
    const text = this.env[variable];
    if (text === undefined || text.trim() === '') return null;
    try {
      return parseScopeList(text);
    } catch (error) {
      throw new FlightdeckError('bad-input', `${variable}: ${(error as Error).message}`, { field: variable });
    }
  }

  has(name: string): boolean {
    const value = this.env[envSecretVariable(name)];
    return value !== undefined && value !== '';
  }

  /**
   * Every secret the environment provides, name → value, for the redactor
   * (whatever their scopes: hiding a value is always allowed). A _SCOPE
   * variable beside its secret is a list of destinations, not a secret; one
   * without its secret is taken as a secret, since hiding too much is the
   * safe mistake.
   */
  entries(): Array<[name: string, value: string]> {
    const found: Array<[string, string]> = [];
    for (const [variable, value] of Object.entries(this.env)) {
      if (!variable.startsWith(ENV_SECRET_PREFIX) || !value) continue;
      if (variable.endsWith(ENV_SCOPE_SUFFIX) && this.env[variable.slice(0, -ENV_SCOPE_SUFFIX.length)]) continue;
      found.push([variable.slice(ENV_SECRET_PREFIX.length).toLowerCase(), value]);
    }
    return found;
  }

  /** The value of `name` for the redactor only (never to send); undefined when not set. */
  valueToHide(name: string): string | undefined {
    const value = this.env[envSecretVariable(name)];
    return value === undefined || value === '' ? undefined : value;
  }
}

/**
 * An Io that hides every FLIGHTDECK_SECRET_* value from what a command
 * prints: a safety net for messages that might quote a backend's answer.
 */
export function redactingIo(io: Io, secrets: EnvSecretResolver): Io {
  const redactor = envRedactor(secrets);
  return { out: (text) => io.out(redactor.redact(text)), err: (text) => io.err(redactor.redact(text)) };
}

/** The CLI's one redactor: it knows every FLIGHTDECK_SECRET_* value. */
export function envRedactor(secrets: EnvSecretResolver): SecretRedactor {
  const redactor = new SecretRedactor();
  for (const [name, value] of secrets.entries()) redactor.add(name, value);
  return redactor;
}
