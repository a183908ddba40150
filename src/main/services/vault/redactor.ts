/**
 * Hides secret values in text before it leaves main: log lines, error
 * messages, events for the renderer, journal entries, command output. The
 * vault tells it every value it decrypts or stores; it replaces each one,
 * and its JSON, URL and base64 forms (secret-forms.ts), with «secret:NAME».
 *
 * It keeps a value after the vault locks, or after the secret is replaced
 * or deleted: a command started earlier or an old error can still carry
 * the value, and forgetting it then would let it through.
 */
import type { Redactor } from './secrets';
import { literalPatterns } from './literal-pattern';
import { secretForms } from './secret-forms';

/** What the vault reports values to. */
export interface SecretSink {
  add(name: string, value: string): void;
}

/**
 * Keys whose string values identify things (Flightdeck's ids, runbook item
 * ids, content hashes) rather than say anything: they are matched against
 * other entries, the runbook and the renderer's copy, so redactDeep leaves
 * them as they are. A short secret ("2024") could otherwise turn up inside
 * one by chance and break the match; a secret has no business in them.
 */
export const IDENTIFIER_KEY = /^(?:id|[a-z]+Id|sha256|[a-z]+Sha256|hash|prev)$/;

export function placeholder(name: string): string {
  return `«secret:${name}»`;
}

export class SecretRedactor implements Redactor, SecretSink {
  /** Each form of each value, mapped to the name it is shown as. */
  private readonly names = new Map<string, string>();
  private readonly values = new Set<string>();
  /** Match every form, longest first (literal-pattern.ts); rebuilt on the next redact after a change. */
  private patterns: RegExp[] = [];
  /** Every form as it reads inside a JSON string too: what redactPayload looks for in a payload's JSON. */
  private jsonPatterns: RegExp[] = [];
  private stale = false;

  add(name: string, value: string): void {
    if (this.values.has(value)) return;
    const forms = secretForms(value);
    if (forms.length === 0) return;
    this.values.add(value);
    for (const form of forms) if (!this.names.has(form)) this.names.set(form, name);
    this.stale = true;
  }

  redact(text: string): string {
    let out = text;
    for (const pattern of this.currentPatterns()) out = out.replace(pattern, (match) => placeholder(this.names.get(match)!));
    return out;
  }

  /**
   * A copy of `value` with every string in it redacted (object keys too),
   * except identifiers (IDENTIFIER_KEY), for payloads built from several
   * sources before they are sent or journaled. Errors keep their class,
   * with message and stack redacted.
   */
  redactDeep<T>(value: T): T {
    if (this.currentPatterns().length === 0) return value;
    return this.deep(value, new Map()) as T;
  }

  /**
   * redactDeep for JSON data (contract payloads: call answers, events),
   * cheaper when nothing in it is secret, which is nearly always: one scan
   * of its JSON text decides whether the copy is needed at all. A 19 MB
   * runbook model takes a quarter of the walk's time this way. JSON escapes
   * a string character by character, so a form inside a string reads as
   * its JSON-escaped self, which the scan also looks for. Not for values
   * holding Error objects, whose message JSON leaves out: use redactDeep.
   */
  redactPayload<T>(value: T): T {
    const patterns = this.currentPatterns();
    if (patterns.length === 0) return value;
    let json: string | undefined;
    try {
      json = JSON.stringify(value);
    } catch {
      return this.redactDeep(value); // a cycle or a BigInt: not JSON, so walk it
    }
    if (json === undefined) return value;
    const text = json;
    const found = this.jsonPatterns.some((pattern) => {
      pattern.lastIndex = 0;
      return pattern.test(text);
    });
    return found ? this.redactDeep(value) : value;
  }

  private deep(value: unknown, seen: Map<object, unknown>): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (typeof value !== 'object' || value === null) return value;
    const done = seen.get(value);
    if (done !== undefined) return done;
    if (Array.isArray(value)) {
      // Numbers carry no secret: telemetry points pass through without a copy.
      if (value.every((item) => typeof item !== 'string' && (typeof item !== 'object' || item === null))) return value;
      const copy: unknown[] = [];
      seen.set(value, copy);
      for (const item of value) copy.push(this.deep(item, seen));
      return copy;
    }
    const proto = Object.getPrototypeOf(value) as object | null;
    const isError = value instanceof Error;
    if (proto !== Object.prototype && proto !== null && !isError) return value; // Dates, Buffers, class instances: not text
    const copy: Record<string, unknown> = Object.create(proto) as Record<string, unknown>;
    seen.set(value, copy);
    for (const [key, item] of Object.entries(value)) copy[this.redact(key)] = typeof item === 'string' && IDENTIFIER_KEY.test(key) ? item : this.deep(item, seen);
    if (isError) {
      // message and stack are own but not enumerable on an Error.
      Object.defineProperty(copy, 'message', { value: this.redact(value.message), writable: true, configurable: true });
      if (value.stack !== undefined) Object.defineProperty(copy, 'stack', { value: this.redact(value.stack), writable: true, configurable: true });
      if (value.cause !== undefined) Object.defineProperty(copy, 'cause', { value: this.deep(value.cause, seen), writable: true, configurable: true });
    }
    return copy;
  }

  private currentPatterns(): RegExp[] {
    if (this.stale) {
      this.patterns = literalPatterns(this.names.keys());
      this.jsonPatterns = literalPatterns([...this.names.keys()].flatMap((form) => [form, JSON.stringify(form).slice(1, -1)]));
      this.stale = false;
    }
    return this.patterns;
  }
}
