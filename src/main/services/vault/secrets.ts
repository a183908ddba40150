/**
 * How services get secrets: by name, from main's vault, at the moment of
 * use. A locked vault or a missing name throws a FlightdeckError that says
 * which name and what to do; it never includes a value.
 */
export interface SecretResolver {
  /** The value of the named secret; throws FlightdeckError('locked' | 'not-found'). */
  get(name: string): string;
  /** True when `get(name)` would succeed now. */
  has(name: string): boolean;
}

/**
 * Replaces every known secret value (and simple encodings of it) in a text
 * with «secret:NAME». Logs, errors, events, journal entries and command
 * output pass through it before they leave main.
 */
export interface Redactor {
  redact(text: string): string;
}
