/**
 * A flag's field inside a JSON document, named by a dot path
 * ("rollout.percent"): read it out of an answer, and build the smallest
 * body that sets it.
 */
import { FlightdeckError } from '../../../shared/errors';
import type { FlagValue } from './flag-backend';

export function valueAtPath(document: unknown, path: string, where: string): FlagValue {
  let current: unknown = document;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) {
      throw new FlightdeckError('not-found', `${where}: the answer has no field "${path}"`, { field: path });
    }
    current = (current as Record<string, unknown>)[key];
  }
  if (current === null || typeof current === 'number' || typeof current === 'string' || typeof current === 'boolean') return current;
  throw new FlightdeckError('bad-input', `${where}: field "${path}" holds ${Array.isArray(current) ? 'a list' : typeof current}, not a flag value`, { field: path });
}

/** { rollout: { percent: 50 } } for "rollout.percent". */
export function bodyForPath(path: string, value: FlagValue): Record<string, unknown> {
  const keys = path.split('.');
  let body: Record<string, unknown> = { [keys.at(-1)!]: value };
  for (const key of keys.slice(0, -1).reverse()) body = { [key]: body };
  return body;
}
