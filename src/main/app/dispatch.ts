/**
 * The single way a call from a renderer reaches main, in both transports:
 * the name must be in the contract, the input must pass its schema, and
 * whatever happens the caller gets an envelope, never a stack trace.
 */
import { z } from 'zod';
import { calls, isCallName, type CallName, type CallOutput } from '../../shared/contract';
import { FlightdeckError, type CallResult } from '../../shared/errors';
import type { Logger } from './log';

export type Handlers = { [N in CallName]: (input: z.infer<(typeof calls)[N]['input']>) => Promise<CallOutput<N>> | CallOutput<N> };

function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  const field = issue.path.map(String).join('.') || '(input)';
  return { field, message: `${field}: ${issue.message}` };
}

export async function dispatchCall(handlers: Handlers, name: string, input: unknown, log: Logger): Promise<CallResult<unknown>> {
  if (!isCallName(name)) {
    return { ok: false, error: { code: 'unknown-call', message: `"${name.slice(0, 80)}" is not a Flightdeck call.` } };
  }
  const parsed = calls[name].input.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = describeIssue(parsed.error.issues[0]!);
    return { ok: false, error: { code: 'bad-input', message: `${name}: ${issue.message}`, field: issue.field } };
  }
  try {
    const handler = handlers[name] as (input: unknown) => Promise<unknown> | unknown;
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    if (error instanceof FlightdeckError) return { ok: false, error: error.toInfo() };
    log.error(`call ${name} failed`, error);
    return { ok: false, error: { code: 'internal', message: `${name} failed unexpectedly; the details are in Flightdeck's log.` } };
  }
}
