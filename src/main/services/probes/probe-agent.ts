/**
 * The only way probes get an undici dispatcher. Certificate verification is
 * set explicitly (`rejectUnauthorized: true`) because Node's TLS default
 * reads NODE_TLS_REJECT_UNAUTHORIZED from the environment; a stray "0" there
 * must not make a health check trust any certificate. Extra CAs (a
 * company's internal PKI, a test CA) are added to Node's bundled roots,
 * never instead of them.
 */
import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';

export interface ProbeAgentOptions {
  /** Connect deadline; the request's own deadline also covers it. */
  connectTimeoutMs: number;
  /** PEM certificates trusted in addition to Node's roots. */
  trustedCa?: readonly string[] | undefined;
}

export function trustedRoots(extra: readonly string[] | undefined): string[] | undefined {
  return extra && extra.length > 0 ? [...rootCertificates, ...extra] : undefined;
}

export function createProbeAgent(options: ProbeAgentOptions): Agent {
  const ca = trustedRoots(options.trustedCa);
  return new Agent({
    connect: { rejectUnauthorized: true, timeout: options.connectTimeoutMs, ...(ca ? { ca } : {}) },
    headersTimeout: options.connectTimeoutMs,
    bodyTimeout: options.connectTimeoutMs,
    // A probe talks to one origin at a time; one socket per origin is enough.
    connections: 1,
  });
}
