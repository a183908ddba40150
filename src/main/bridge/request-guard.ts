/**
 * Who may talk to the browser-mode bridge. It listens on 127.0.0.1 only, but
 * any web page the user visits can send requests there, and DNS rebinding
 * can make a foreign site look local. So every request must:
 *   - name this server in Host (127.0.0.1 or localhost with our port),
 *   - come from our own origin when the browser says where it comes from,
 *   - carry the launch token (the HttpOnly cookie set when the launch
 *     URL was opened, or an Authorization: Bearer header for scripts). The
 *     token is kept across restarts until rotated (kept-launch.ts).
 * Pure functions, so the rules are tested against tables of bad requests.
 */
import { timingSafeEqual } from 'node:crypto';

export interface GuardConfig {
  token: string;
  port: number;
}

export interface RequestFacts {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
}

export type GuardVerdict =
  | { allow: true }
  | { allow: false; status: 401 | 403 | 421; reason: string }
  /** The launch URL: set the cookie and send the browser to the app without the token. */
  | { allow: 'launch' };

export function cookieName(port: number): string {
  // Cookies ignore ports: two Flightdecks on one machine must not share one.
  return `flightdeck_${port}`;
}

function header(facts: RequestFacts, name: string): string | undefined {
  const value = facts.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function cookieToken(facts: RequestFacts, port: number): string | null {
  const raw = header(facts, 'cookie');
  if (!raw) return null;
  const wanted = `${cookieName(port)}=`;
  for (const part of raw.split(';')) {
    const trimmed = part.trim();
    if (trimmed.startsWith(wanted)) return trimmed.slice(wanted.length);
  }
  return null;
}

export function allowedOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

export function guardRequest(facts: RequestFacts, config: GuardConfig): GuardVerdict {
  const host = header(facts, 'host');
  if (!host || !allowedOrigins(config.port).includes(`http://${host.toLowerCase()}`)) {
    return { allow: false, status: 421, reason: 'This server only answers requests addressed to it on 127.0.0.1.' };
  }
  const origin = header(facts, 'origin');
  if (origin !== undefined && !allowedOrigins(config.port).includes(origin)) {
    return { allow: false, status: 403, reason: 'Requests from other web pages are refused.' };
  }
  const fetchSite = header(facts, 'sec-fetch-site');
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') {
    return { allow: false, status: 403, reason: 'Requests from other web pages are refused.' };
  }

  const bearer = /^Bearer (.+)$/.exec(header(facts, 'authorization') ?? '')?.[1];
  const presented = bearer ?? cookieToken(facts, config.port);
  if (presented !== null && sameSecret(presented, config.token)) return { allow: true };

  const launchToken = facts.query.get('token');
  if (facts.method === 'GET' && facts.path === '/' && launchToken !== null && sameSecret(launchToken, config.token)) {
    return { allow: 'launch' };
  }
  return { allow: false, status: 401, reason: 'Open Flightdeck with the address it printed when it started (it carries this launch\'s token).' };
}
