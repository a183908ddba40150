/**
 * Runbooks name their targets with placeholders (`https://your-app.com`,
 * `<host>`, `${API_HOST}`, `{environment}`, `mongodb+srv://...`). Each
 * becomes a field the person fills; the draft's entries carry it as a
 * `<KEY>` token (shared/profile-draft.ts). One registry per draft, so the
 * same placeholder written on ten lines is filled once.
 */
import { fieldToken, type DraftField } from '../../../shared/profile-draft';

/** Host names that only stand for "your host". */
const PLACEHOLDER_HOST = /(^|\.)(example\.(com|org|net|io)|example|your[-_]?[a-z0-9-]*\.[a-z.]+|yourdomain\.[a-z]+|mydomain\.[a-z]+|domain\.(com|tld)|myapp\.[a-z]+|my-app\.[a-z]+)$|^your[-_]|\.\.\./i;
/** `<x>`, `${X}`, `$X`, `{x}`, `...` */
const TOKEN = /<[^<>\s]+>|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_-]*\}|\.\.\./;

export function isPlaceholderHost(host: string): boolean {
  return PLACEHOLDER_HOST.test(host) || TOKEN.test(host);
}

export function keyOf(words: string): string {
  const key = words
    .replace(/^[<{$]+|[>}]+$/g, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return /^[A-Z]/.test(key) ? key : `F_${key || 'VALUE'}`;
}

export class FieldRegistry {
  private readonly byKey = new Map<string, DraftField>();

  /** The token for a field, created on first use. */
  use(key: string, field: Omit<DraftField, 'key'>): string {
    if (!this.byKey.has(key)) this.byKey.set(key, { key, ...field });
    return fieldToken(key);
  }

  all(): DraftField[] {
    return [...this.byKey.values()];
  }
}

export interface TemplatedUrl {
  /** The URL with placeholders as `<KEY>` tokens; equal URLs template equally. */
  template: string;
  fields: string[];
  /** Scheme, host and port as written, for names and messages. */
  host: string;
  path: string;
}

const URL_PARTS = /^(https?):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/i;

/**
 * A URL as a template: a placeholder host turns the whole origin into one
 * field (a real host may well differ in scheme and port too), placeholders
 * in the path become fields of their own. Null when it is not an http URL.
 */
export function templateUrl(url: string, line: number, registry: FieldRegistry): TemplatedUrl | null {
  const parts = URL_PARTS.exec(url);
  if (!parts) return null;
  const [, scheme, host, rawPath = '', query = ''] = parts;
  if (!host) return null;
  const fields: string[] = [];
  let origin = `${scheme!.toLowerCase()}://${host}`;
  if (isPlaceholderHost(host)) {
    const key = `${keyOf(host.replace(/^www\./, ''))}_ORIGIN`;
    origin = registry.use(key, {
      label: `Where ${scheme}://${host} really is (scheme://host:port)`,
      written: `${scheme}://${host}`,
      example: 'https://app.internal:8443',
      line,
    });
    fields.push(key);
  }
  const path = (rawPath + query).replace(new RegExp(TOKEN.source, 'g'), (token) => {
    const key = keyOf(token);
    fields.push(key);
    return registry.use(key, { label: `The ${token.replace(/[<>${}]/g, '')} part of the URL`, written: token, example: 'value', line });
  });
  return { template: origin + path, fields: [...new Set(fields)], host, path: rawPath };
}

/** URLs on a line: with a scheme, or after curl/wget as host:port/path. */
export function urlsOn(text: string): string[] {
  const found: string[] = [];
  const withScheme = /https?:\/\/(?:<[^<>\s]+>|[^\s`'"<>()[\]|,;*\\])+/gi;
  for (const match of text.matchAll(withScheme)) found.push(trimUrl(match[0]));
  if (/\b(curl|wget|http|xh)\b/.test(text)) {
    const bare = /(?:^|\s)((?:localhost|127\.0\.0\.1|\[::1\]|[a-z0-9-]+(?:\.[a-z0-9-]+)*):\d{2,5}\/[^\s`'"<>()|,;*\\]*)/gi;
    for (const match of text.matchAll(bare)) found.push(`http://${trimUrl(match[1]!)}`);
  }
  return found;
}

function trimUrl(url: string): string {
  return url.replace(/[.:!?]+$/, '');
}
