/**
 * The desktop renderer's origin: app://flightdeck, served by a protocol
 * handler instead of file://. A file:// page shares its origin with every
 * file on the disk and can be navigated to any of them; app://flightdeck
 * is one origin that holds the built renderer and nothing else.
 *
 * This module decides, for a request URL, what the handler answers; it
 * imports nothing from Electron, so the tests check it against tables of
 * bad URLs. app-protocol-handler.ts is the thin wrapper that reads the file.
 */
import { RENDERER_CSP, resolveRendererPath } from '../app/renderer-files';

export const APP_SCHEME = 'app';
export const APP_HOST = 'flightdeck';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads; also the only document window-policy trusts. */
export const APP_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before ready. standard: relative URLs and a real origin (so
 * CSP 'self' means app://flightdeck); secure: a secure context like https;
 * supportFetchAPI and corsEnabled: the module scripts and fonts the built
 * page loads are fetched in CORS mode, from its own origin.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } as const;

/** Sent with every file the protocol serves. */
export const APP_RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': RENDERER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
};

export type AppRequestDecision =
  /** Serve this file (absolute path under the renderer folder) as this type; a missing file is then 404. */
  | { status: 200; path: string; mimeType: string }
  | { status: 400 | 403 | 404 | 405; reason: string };

/**
 * The path exactly as the URL spells it, before a URL parser removes "."
 * and ".." segments (and "%2e%2e", which it reads as ".."): a request that
 * tries to climb is refused as such, not quietly served something else.
 */
function rawPathOf(url: string): string {
  const afterScheme = url.slice(url.indexOf('://') + 3);
  const start = afterScheme.search(/[/\\?#]/);
  if (start === -1) return '/';
  const rest = afterScheme.slice(start);
  const end = rest.search(/[?#]/);
  const path = end === -1 ? rest : rest.slice(0, end);
  return path === '' ? '/' : path;
}

export function decideAppRequest(url: string, rendererDir: string, method = 'GET'): AppRequestDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, reason: 'Not a URL.' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:`) return { status: 403, reason: `Only ${APP_SCHEME}: URLs are served here.` };
  if (parsed.hostname.toLowerCase() !== APP_HOST || parsed.port !== '' || parsed.username !== '' || parsed.password !== '') {
    return { status: 403, reason: `Unknown host: only ${APP_ORIGIN} is served.` };
  }
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, reason: 'The app is read with GET.' };
  const raw = rawPathOf(url);
  // A backslash is a separator to some parsers and to Windows: never part of an app path.
  if (raw.includes('\\')) return { status: 403, reason: 'The path has a backslash.' };
  const decided = resolveRendererPath(rendererDir, raw);
  if (!decided.ok) return { status: decided.status, reason: decided.reason };
  return { status: 200, path: decided.file, mimeType: decided.mimeType };
}
