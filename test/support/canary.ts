/**
 * A secret in every shape it takes on its way into text, and a finder that
 * reads a text the way someone hunting for it would: each encoding, and
 * every base64-looking run decoded at each alignment. The redactor's unit
 * tests and the end-to-end canary test share it, so "leaked" means the
 * same thing in both.
 */

/** Python's json.dumps (ensure_ascii) and Go's HTML-safe encoder write these. */
function asciiJson(value: string): string {
  return JSON.stringify(value)
    .slice(1, -1)
    .replace(/[<>&'\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Python's urllib.parse.quote(value, safe='') and Go's url.PathEscape: only A-Z a-z 0-9 - . _ ~ kept. */
function strictPercent(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Each way a secret is written into a text, as a whole text around it. */
export const CANARY_ENCODINGS: Record<string, (value: string) => string> = {
  raw: (v) => v,
  'JSON string': (v) => JSON.stringify({ password: v }),
  'JSON with ASCII escapes': (v) => `{"password":"${asciiJson(v)}"}`,
  'JSON with escaped slashes (PHP)': (v) => JSON.stringify({ password: v }).replace(/\//g, '\\/'),
  encodeURIComponent: (v) => `https://db.example/?password=${encodeURIComponent(v)}&x=1`,
  'lower-case percent escapes': (v) => encodeURIComponent(v).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
  'form body': (v) => `user=ana&${new URLSearchParams({ password: v }).toString()}`,
  "Python's quote": (v) => `/login/${strictPercent(v)}`,
  "Python's quote_plus, Go's QueryEscape": (v) => `?password=${strictPercent(v).replace(/%20/g, '+')}`,
  base64: (v) => `data: ${Buffer.from(v).toString('base64')}`,
  base64url: (v) => Buffer.from(v).toString('base64url'),
  'Basic auth, value at byte offset 0 mod 3': (v) => `Authorization: Basic ${Buffer.from(`ab:${v}`).toString('base64')}`,
  'Basic auth, value at byte offset 1 mod 3': (v) => `Authorization: Basic ${Buffer.from(`abc:${v}`).toString('base64')}`,
  'Basic auth, value at byte offset 2 mod 3': (v) => `Authorization: Basic ${Buffer.from(`user:${v}`).toString('base64')}`,
  'base64 in the middle of a longer blob': (v) => Buffer.from(`prefix-bytes:${v}:suffix-bytes`).toString('base64'),
};

/** The encoded secret alone, in each encoding: what someone would search a text for and decode. */
export function canaryForms(value: string): Record<string, string> {
  const json = JSON.stringify(value).slice(1, -1);
  return {
    raw: value,
    JSON: json,
    'JSON, ASCII escapes': asciiJson(value),
    'JSON, escaped slashes': json.replace(/\//g, '\\/'),
    encodeURIComponent: encodeURIComponent(value),
    'percent escapes, lower case': encodeURIComponent(value).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()),
    'form body': new URLSearchParams({ v: value }).toString().slice(2),
    'RFC 3986': strictPercent(value),
    'RFC 3986, + for space': strictPercent(value).replace(/%20/g, '+'),
    base64: Buffer.from(value).toString('base64').replace(/=+$/, ''),
    base64url: Buffer.from(value).toString('base64url'),
  };
}

/** Every way `value` could still be read out of `text`: the names of the encodings found, empty when none. */
export function canaryLeaks(text: string, value: string): string[] {
  const found: string[] = [];
  for (const [label, form] of Object.entries(canaryForms(value))) if (form.length >= 4 && text.includes(form)) found.push(label);
  for (const [label, encode] of Object.entries(CANARY_ENCODINGS)) {
    const alone = encode(value).replace(/=+$/, '');
    if (label !== 'raw' && alone.length >= 4 && text.includes(alone)) found.push(label);
  }
  for (const chunk of text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
    for (const shift of ['', 'A', 'AA', 'AAA']) {
      const decoded = Buffer.from(shift + chunk, 'base64').toString('utf8');
      if (decoded.includes(value)) found.push(`base64 chunk ${chunk.slice(0, 40)}`);
    }
  }
  return found;
}
