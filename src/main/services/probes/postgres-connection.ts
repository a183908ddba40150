/**
 * Client settings from a postgres:// URL, with the password given apart.
 * pg lets a connectionString override every other field (a password left
 * out of the URL would become "undefined"), so the URL is read here and the
 * vault's password set on its own. TLS, when the URL asks for it, always
 * verifies the server's certificate (sslmode=require included).
 */
import type { ClientConfig } from 'pg';
import { trustedRoots } from './probe-agent';

export function postgresClientConfig(rawUrl: string, password: string | undefined, trustedCa: readonly string[] | undefined): ClientConfig {
  const url = new URL(rawUrl);
  const sslmode = url.searchParams.get('sslmode');
  const ca = trustedRoots(trustedCa);
  const config: ClientConfig = {
    host: url.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: url.port ? Number(url.port) : 5432,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: password ?? (url.password ? decodeURIComponent(url.password) : undefined),
  };
  if (sslmode && !['disable', 'allow', 'prefer'].includes(sslmode)) config.ssl = { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
  return config;
}
