/**
 * The shapes a secret takes on its way into text: as typed, inside a JSON
 * string, in a URL or form body, and in base64 (a Basic auth header, a
 * Kubernetes secret, a data: URL). The redactor looks for all of them.
 *
 * Encoders differ in which punctuation they leave alone, so URL forms come
 * as the common encoders write them: JavaScript's encodeURIComponent and
 * URLSearchParams, and the strict RFC 3986 form (only A-Z a-z 0-9 - . _ ~
 * kept) that Python's quote/quote_plus and Go's QueryEscape write, with a
 * space as %20 or +, and hex digits in either case.
 */

/**
 * Shortest form worth hiding. A value of one to three characters ("on",
 * "42", "abc") occurs by chance all through ordinary text: replacing it
 * would garble every log line and hide real information while protecting
 * nothing, since a secret that short falls to guessing anyway. The vault
 * refuses such values, so every stored secret is one the redactor can hide.
 */
export const MIN_SECRET_LENGTH = 4;

const HTML_SENSITIVE = /[<>&'\u007f-\uffff]/g;

/** JSON string body as JSON.stringify writes it (quotes, backslashes, control characters escaped). */
function jsonEscaped(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

/** JSON string body as ASCII-only encoders write it (Python's json.dumps, Go's HTML-safe escaping). */
function jsonAsciiEscaped(value: string): string {
  return jsonEscaped(value).replace(HTML_SENSITIVE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** JSON string body as PHP's json_encode writes it by default: "/" escaped too. */
function jsonSlashEscaped(value: string): string {
  return jsonEscaped(value).replace(/\//g, '\\/');
}

function formEncoded(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** RFC 3986: everything but unreserved characters percent-encoded. */
function strictUriEncoded(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase());

/**
 * Base64 characters that depend only on the value's bytes when the value
 * starts `offset` bytes into a longer encoded text ("user:password" in a
 * Basic header): the characters straddling a neighbour's bits are left out.
 */
function base64Inside(bytes: Buffer, offset: 0 | 1 | 2): string {
  const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
  const first = Math.ceil((8 * offset) / 6);
  const end = Math.floor((8 * (offset + bytes.length)) / 6);
  return encoded.slice(first, end);
}

const toBase64Url = (s: string) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** Every distinct form of `value` at least MIN_SECRET_LENGTH long; none when the value itself is shorter. */
export function secretForms(value: string): string[] {
  if (value.length < MIN_SECRET_LENGTH) return [];
  const bytes = Buffer.from(value, 'utf8');
  const uri = encodeURIComponent(value);
  const strict = strictUriEncoded(value);
  const urls = [uri, strict, strict.replace(/%20/g, '+'), formEncoded(value)];
  const base64 = [bytes.toString('base64'), base64Inside(bytes, 0), base64Inside(bytes, 1), base64Inside(bytes, 2)];
  const forms = [
    value,
    jsonEscaped(value),
    jsonAsciiEscaped(value),
    jsonSlashEscaped(value),
    ...urls,
    ...urls.map(lowerHex),
    ...base64,
    ...base64.map(toBase64Url),
  ];
  return [...new Set(forms)].filter((form) => form.length >= MIN_SECRET_LENGTH);
}
