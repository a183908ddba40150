/**
 * How the CLI talks: results on stdout, messages on stderr in the
 * "file:line: message" form terminals and editors link, and exit codes a
 * script can act on: 0 done, 2 bad input (the message names the file and
 * line), 1 anything else.
 */
import { FlightdeckError, formatError } from '../../shared/errors';

/** untrusted: `flightdeck verify` found every check holding but nobody here vouches for the signer. */
export const EXIT = { ok: 0, failure: 1, badInput: 2, untrusted: 3 } as const;

export class UsageError extends Error {}

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
};

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.badInput;
  if (error instanceof FlightdeckError) return error.code === 'internal' || error.code === 'locked' ? EXIT.failure : EXIT.badInput;
  return EXIT.failure;
}

export function describeError(error: unknown): string {
  if (error instanceof FlightdeckError) return formatError(error.toInfo());
  if (error instanceof Error) return error.message;
  return String(error);
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
