/**
 * Which built renderer file a request path names, decided without touching
 * the disk, for both ways the renderer is served: the bridge in browser
 * mode (http://127.0.0.1) and the app:// protocol in the desktop app. One
 * rule for both: plain path segments under the renderer folder, a fixed
 * list of file types, and nothing that could climb out of the folder or
 * mean something else to the filesystem.
 */
import { join, resolve, sep } from 'node:path';

/** The file types the renderer is built from; anything else is not served. */
export const RENDERER_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

/**
 * The renderer's policy, sent as a header as well as the pages' own meta
 * tag: a header also covers what a meta tag cannot (frame-ancestors).
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export type RendererPath =
  | { ok: true; file: string; mimeType: string }
  /** 400: a malformed percent-escape; 403: a path that tries to leave the folder or name something odd; 404: a type the renderer has none of. */
  | { ok: false; status: 400 | 403 | 404; reason: string };

/** Names a segment may not have: parent/self, dotfiles, separators, drive letters and streams (":"), control characters. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_IN_SEGMENT = /[/\\:\u0000-\u001f\u007f]/;

/**
 * `rawPath` is the path of the URL as sent, still percent-encoded, starting
 * with "/"; "/" means index.html. Each segment is decoded on its own, so an
 * encoded "/" or "\" cannot join two segments into a way up.
 */
export function resolveRendererPath(root: string, rawPath: string): RendererPath {
  if (!rawPath.startsWith('/')) return { ok: false, status: 403, reason: 'The path must start with "/".' };
  const raw = rawPath === '/' ? ['index.html'] : rawPath.slice(1).split('/');
  const segments: string[] = [];
  for (const part of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return { ok: false, status: 400, reason: 'The path has a malformed percent-escape.' };
    }
    if (segment === '') return { ok: false, status: 403, reason: 'The path has an empty segment (an absolute path or "//").' };
    if (segment.startsWith('.')) return { ok: false, status: 403, reason: 'The path names a parent folder or a hidden file.' };
    if (FORBIDDEN_IN_SEGMENT.test(segment)) return { ok: false, status: 403, reason: 'The path has a separator, a drive, a NUL or a control character inside a segment.' };
    segments.push(segment);
  }
  const name = segments.at(-1)!;
  const dot = name.lastIndexOf('.');
  const mimeType = dot > 0 ? RENDERER_TYPES[name.slice(dot).toLowerCase()] : undefined;
  if (!mimeType) return { ok: false, status: 404, reason: 'The renderer has no file of that type.' };
  const base = resolve(root);
  const file = join(base, ...segments);
  // Cannot happen after the checks above; kept so a later edit of them cannot open the disk.
  if (!file.startsWith(base + sep)) return { ok: false, status: 403, reason: 'The path leaves the renderer folder.' };
  return { ok: true, file, mimeType };
}
