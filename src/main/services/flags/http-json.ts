/**
 * One JSON request over undici for the HTTP-based flag backends (the app's
 * admin API, Heroku, Railway), sorted by what its failure means for a
 * write: refused before the request left (failed), or lost after it may
 * have reached the server (WriteOutcomeUnknown). Redirects are never
 * followed (a redirected write is not a write), answers are read up to
 * 1 MiB, and secret values used in the request are scrubbed from every
 * message built from an answer.
 */
import { request, type Dispatcher } from 'undici';
import { FlightdeckError, type ErrorCode, messageOf } from '../../../shared/errors';
import { abortReason } from './deadline';
import { WriteAnswerUnclear, WriteConflict, WriteOutcomeUnknown } from './flag-backend';

const MAX_ANSWER_BYTES = 1024 * 1024;

/** Errors raised before the request can have reached the server. */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_INVALID_ARG', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN']);

export interface JsonRequest {
  url: string;
  method: 'GET' | 'PUT' | 'PATCH' | 'POST';
  headers: Record<string, string>;
  body?: unknown;
  signal: AbortSignal;
  dispatcher?: Dispatcher | undefined;
  /** Names the target in messages ("heroku app shop var CHECKOUT_V2"). */
  what: string;
  /** Values to scrub from messages (tokens resolved for this request). */
  secretValues: string[];
}

export interface JsonAnswer {
  status: number;
  json: unknown;
  /** The resource's ETag when the server sent one (for If-Match on the next write). */
  etag?: string;
}

export async function requestJson(req: JsonRequest): Promise<JsonAnswer> {
  const scrub = (text: string) => scrubSecrets(text, req.secretValues);
  let answer: Dispatcher.ResponseData;
  try {
    answer = await request(req.url, {
      method: req.method,
      headers: requestHeaders(req),
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: req.signal,
      ...(req.dispatcher ? { dispatcher: req.dispatcher } : {}),
    });
  } catch (error) {
    throw classifyTransportError(error, req, scrub);
  }
  let text: string;
  try {
    text = await readBounded(answer.body);
  } catch (error) {
    // The server answered (a write was received): a body we could not read leaves it unknown.
    if (req.signal.aborted) throw new WriteOutcomeUnknown(scrub(abortReason(req.signal, req.what).message));
    throw new WriteOutcomeUnknown(scrub(`${req.what}: the answer broke off (${messageOf(error)})`));
  }
  let json: unknown = undefined;
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (answer.statusCode >= 200 && answer.statusCode < 300) {
    // Said yes in a garbled way: whether it applied the write is for the read-back to tell.
    if (json === undefined && text.trim() !== '') throw new WriteAnswerUnclear(scrub(`${req.what}: answered ${answer.statusCode} with something that is not JSON`));
    const etag = answer.headers.etag;
    return { status: answer.statusCode, json, ...(typeof etag === 'string' && etag !== '' ? { etag } : {}) };
  }
  throw statusError(answer.statusCode, json, text, req, scrub);
}

/** Header names compared without case, so a backend's Accept replaces the default one. */
function requestHeaders(req: JsonRequest): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  for (const [name, value] of Object.entries(req.headers)) headers[name.toLowerCase()] = value;
  return headers;
}

function statusError(status: number, json: unknown, text: string, req: JsonRequest, scrub: (t: string) => string): FlightdeckError {
  const detail = answerDetail(json, text);
  const said = detail ? `: ${detail}` : '';
  if (status >= 300 && status < 400) return new FlightdeckError('bad-input', scrub(`${req.what}: answered ${status} (a redirect, not followed)${said}`));
  const message = scrub(`${req.what}: answered ${status}${said}`);
  // A gateway that gave up may have handed the request on: the app behind it may have applied it.
  if (status === 504 || status === 408) return new WriteOutcomeUnknown(message);
  // If-Match failed: the server refused because the flag changed since it was read.
  if (status === 412) return new WriteConflict(`${message} (the flag changed since it was read; nothing was written)`);
  // A server error may come after the change was applied (a failing hook, a crash while answering).
  if (status >= 500) return new WriteAnswerUnclear(message);
  return new FlightdeckError(codeForStatus(status), message);
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'conflict';
  return 'bad-input';
}

/** The server's own words: Heroku's {id, message}, GraphQL's errors[].message, or a short body. */
function answerDetail(json: unknown, text: string): string {
  if (typeof json === 'object' && json !== null) {
    const obj = json as { id?: unknown; message?: unknown; error?: unknown; errors?: unknown };
    if (typeof obj.message === 'string') return typeof obj.id === 'string' ? `${obj.id}: ${obj.message}` : obj.message;
    if (typeof obj.error === 'string') return obj.error;
    if (Array.isArray(obj.errors)) {
      const messages = obj.errors.map((e: unknown) => (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : null));
      return messages.filter((m): m is string => m !== null).join('; ');
    }
  }
  return text.trim().slice(0, 200);
}

function classifyTransportError(error: unknown, req: JsonRequest, scrub: (t: string) => string): FlightdeckError {
  if (req.signal.aborted) return new WriteOutcomeUnknown(scrub(abortReason(req.signal, req.what).message));
  const code = errorCode(error);
  if (code && NOT_SENT.has(code)) return new FlightdeckError('not-found', scrub(`${req.what}: could not connect (${code})`));
  // Reset, closed or timed out after connecting: the request may have arrived.
  return new WriteOutcomeUnknown(scrub(`${req.what}: the connection failed with the request in flight (${code ?? messageOf(error)})`));
}

/** The most telling error code along the cause chain: a not-sent one when there is one. */
function errorCode(error: unknown): string | undefined {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  return codes.find((code) => NOT_SENT.has(code)) ?? codes[0];
}

async function readBounded(body: Dispatcher.ResponseData['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      throw new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function scrubSecrets(text: string, values: readonly string[]): string {
  let out = text;
  for (const value of values) if (value.length >= 4) out = out.split(value).join('«secret»');
  return out;
}

/** A URL as messages show it: no user name, password or query string. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return '(invalid URL)';
  }
}
