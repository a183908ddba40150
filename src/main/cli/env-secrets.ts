/**
 * Secrets for the `flightdeck` command: a terminal has no vault window, so
 * a secret named `redis-password` in the profile comes from the environment
 * variable FLIGHTDECK_SECRET_REDIS_PASSWORD (upper case; "." and "-" become
 * "_"). Values are read when used, never printed; the error for a missing
 * one names the variable to set. Shared by `flightdeck flag` and
 * `flightdeck rollback`.
 */
import { SecretRedactor } from '../services/vault/redactor';
import type { Io } from './io';
import { FlightdeckError } from '../../shared/errors';
import type { SecretResolver } from '../services/vault/secrets';

export const ENV_SECRET_PREFIX = 'FLIGHTDECK_SECRET_';

/** The environment variable that holds the secret `name`. */
export function envSecretVariable(name: string): string {
  return `${ENV_SECRET_PREFIX}${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
}

export class EnvSecretResolver implements SecretResolver {
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(name: string): string {
    const variable = envSecretVariable(name);
    const value = this.env[variable];
    if (value === undefined || value === '') {
      throw new FlightdeckError('not-found', `Secret "${name}" is not set: export ${variable} before running flightdeck.`, { field: variable });
    }
    return value;
  }

  has(name: string): boolean {
    const value = this.env[envSecretVariable(name)];
    return value !== undefined && value !== '';
  }

  /** Every secret the environment provides, name → value, for the redactor. */
  entries(): Array<[name: string, value: string]> {
    const found: Array<[string, string]> = [];
    for (const [variable, value] of Object.entries(this.env)) {
      if (variable.startsWith(ENV_SECRET_PREFIX) && value) found.push([variable.slice(ENV_SECRET_PREFIX.length).toLowerCase(), value]);
    }
    return found;
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
