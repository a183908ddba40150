/**
 * Where a secret goes when it is released: the one vocabulary shared by the
 * vault's scopes (the operator's word), the capability manifest (what a
 * profile would do) and every service at the moment of use. One function
 * per kind of target, so the manifest and the service can never name the
 * same target two ways.
 *
 * Text forms, compared as strings:
 * - HTTP: the origin, `https://api.example.com` (default ports left out,
 *   as URL.origin does);
 * - Redis, PostgreSQL, MongoDB: `host:port`, host lower case, IPv6 in
 *   brackets, the engine's default port filled in;
 * - a program's environment: `program:NAME` (the executable's base name).
 */
import { FlightdeckError } from '../../../shared/errors';

export type Destination = string;

const DEFAULT_PORTS: Record<string, number> = {
  'redis:': 6379,
  'rediss:': 6379,
  'postgres:': 5432,
  'postgresql:': 5432,
  'mongodb:': 27017,
};

/** `https://api.example.com` for any http(s) URL. */
export function httpDestination(url: string): Destination {
  const parsed = parse(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw notA(url, 'an http:// or https:// URL');
  return parsed.origin;
}

/** `host:port` of a Redis, PostgreSQL or MongoDB URL (the first host of a MongoDB seed list). */
export function hostDestination(url: string): Destination {
  const scheme = /^([a-z][a-z0-9+.-]*:)\/\//i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) throw notA(url, 'a URL');
  if (scheme === 'mongodb+srv:') {
    // An SRV name resolves to hosts only DNS knows; the scope names the SRV name itself.
    const host = /^mongodb\+srv:\/\/(?:[^@/]*@)?([^/?,:]+)/i.exec(url)?.[1];
    if (!host) throw notA(url, 'a mongodb+srv:// URL');
    return `${host.toLowerCase()}:srv`;
  }
  const port = DEFAULT_PORTS[scheme];
  if (port === undefined) throw notA(url, 'a redis://, postgres:// or mongodb:// URL');
  // A MongoDB seed list has several hosts; WHATWG URL refuses it, so keep the first.
  const firstHost = url.replace(/^([^:]+:\/\/(?:[^@/]*@)?[^,/?]+),[^/?]*/, '$1');
  const parsed = parse(firstHost.replace(/^[a-z0-9+.-]+:/i, 'http:'));
  return hostPort(parsed.hostname, parsed.port ? Number(parsed.port) : port);
}

/** `host:port` from its parts. */
export function hostPort(host: string, port: number): Destination {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return `${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
}

/** The environment of one allowlisted program. */
export function programDestination(program: string): Destination {
  const base = program.split(/[\\/]/).pop() ?? program;
  return `program:${base}`;
}

/** Any target URL, by its scheme: an origin for http(s), host:port for the databases. */
export function destinationOfUrl(url: string): Destination {
  return /^https?:\/\//i.test(url) ? httpDestination(url) : hostDestination(url);
}

/**
 * What an operator typed as a scope entry, in its canonical form; throws
 * naming the entry when it is none of the forms above. A scope entry names
 * exactly one destination: no wildcards, no paths.
 */
export function normaliseDestination(text: string): Destination {
  const entry = text.trim();
  if (/^program:[A-Za-z0-9_.+-]{1,128}$/.test(entry)) return entry;
  if (/^https?:\/\//i.test(entry)) {
    const parsed = parse(entry);
    if (parsed.username || parsed.password || (parsed.pathname !== '/' && parsed.pathname !== '') || parsed.search || parsed.hash) {
      throw badScope(entry, 'an origin has no path, query or credentials: https://api.example.com');
    }
    return parsed.origin;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return hostDestination(entry);
  const hostAndPort = /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]{1,253}):(\d{1,5}|srv)$/i.exec(entry);
  if (hostAndPort) {
    const port = hostAndPort[2]!;
    if (port === 'srv') return `${hostAndPort[1]!.toLowerCase()}:srv`;
    const n = Number(port);
    if (n < 1 || n > 65_535) throw badScope(entry, 'the port must be between 1 and 65535');
    return hostPort(hostAndPort[1]!, n);
  }
  throw badScope(entry, 'use an origin (https://api.example.com), host:port (db.internal:5432) or program:NAME');
}

/** A comma- or whitespace-separated list of scope entries, normalised and deduplicated. */
export function parseScopeList(text: string): Destination[] {
  const entries = text.split(/[\s,]+/).filter((e) => e.length > 0);
  return [...new Set(entries.map(normaliseDestination))].sort();
}

function parse(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw notA(url, 'a valid URL');
  }
}

function notA(url: string, what: string): FlightdeckError {
  return new FlightdeckError('bad-input', `"${url.slice(0, 200)}" is not ${what}.`, { field: 'url' });
}

function badScope(entry: string, why: string): FlightdeckError {
  return new FlightdeckError('bad-input', `Scope entry "${entry.slice(0, 200)}" is not a destination: ${why}.`, { field: 'scope' });
}
