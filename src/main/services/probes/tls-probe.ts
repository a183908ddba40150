/**
 * TLS certificate expiry: a handshake (nothing sent after it) to read the
 * peer certificate. The certificate is read even when it is not trusted,
 * so an expired or self-signed certificate still reports its days left; the
 * verdict comes from Node's own verification plus a host name check, and an
 * untrusted certificate is "down" whatever its dates.
 */
import { isIP } from 'node:net';
import { checkServerIdentity, connect, type PeerCertificate, type TLSSocket } from 'node:tls';
import type { TlsProbeConfig } from '../profile/probes-schema';
import { Deadline } from './deadline';
import { describeFailure, type Phase } from './failure-message';
import type { Probe, ProbeDeps, ProbeReading } from './probe';
import { trustedRoots } from './probe-agent';
import { downReading, elapsedMs, reading } from './reading';

const DAY_MS = 86_400_000;

/** Node reports verification failures as OpenSSL codes; users read the words. */
const VERIFY_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer certificate not found',
  UNABLE_TO_GET_ISSUER_CERT: 'issuer certificate not found',
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_REVOKED: 'certificate revoked',
  CERT_UNTRUSTED: 'certificate not trusted',
};

function verifyError(error: unknown): string {
  const code = error instanceof Error ? ((error as { code?: string }).code ?? error.message) : String(error);
  return VERIFY_ERRORS[code] ?? (error instanceof Error ? error.message : code);
}

function commonName(cn: string | string[] | undefined): string | null {
  return (Array.isArray(cn) ? cn[0] : cn) ?? null;
}

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}

export interface CertificateVerdict {
  daysLeft: number;
  secondsLeft: number;
  validTo: string;
}

export function certificateLifetime(cert: PeerCertificate, nowMs: number): CertificateVerdict {
  const validToMs = Date.parse(cert.valid_to);
  const secondsLeft = (validToMs - nowMs) / 1000;
  // Whole days, towards zero: 29.9 days left is 29, expired 2.1 days ago is -2.
  return { secondsLeft, daysLeft: Math.trunc((validToMs - nowMs) / DAY_MS) || 0, validTo: new Date(validToMs).toISOString() };
}

function handshake(host: string, port: number, ca: string[] | undefined, deadline: Deadline): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      ...(isIP(host) ? {} : { servername: host }),
      // Read the certificate whatever it is; the verdict below checks socket.authorized.
      rejectUnauthorized: false,
      ...(ca ? { ca } : {}),
    });
    const onAbort = () => {
      socket.destroy();
      reject(deadline.reason);
    };
    const stopWatching = deadline.onExpire(onAbort);
    socket.once('secureConnect', () => {
      stopWatching();
      resolve(socket);
    });
    socket.once('error', (error) => {
      stopWatching();
      socket.destroy();
      reject(error);
    });
  });
}

/** The checklists ask for more than 30 days of certificate validity. */
export const DEFAULT_WARN_DAYS = 30;

export class TlsProbe implements Probe {
  readonly kind = 'tls' as const;
  readonly name: string;
  readonly target: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;

  constructor(
    private readonly config: TlsProbeConfig,
    private readonly deps: ProbeDeps,
  ) {
    this.name = config.name;
    this.target = `${config.host}:${config.port}`;
    this.intervalMs = config.intervalSeconds * 1000;
    this.timeoutMs = config.timeoutMs;
  }

  async run(signal?: AbortSignal): Promise<ProbeReading> {
    const deadline = new Deadline(this.timeoutMs, signal);
    const startedAt = performance.now();
    const phase: Phase = 'connecting';
    let socket: TLSSocket;
    try {
      socket = await handshake(this.config.host, this.config.port, trustedRoots(this.deps.trustedCa), deadline);
    } catch (error) {
      deadline.clear();
      return downReading(describeFailure(error, phase, this.timeoutMs));
    }
    deadline.clear();
    const latencyMs = elapsedMs(startedAt);
    try {
      const cert = socket.getPeerCertificate();
      if (!cert || !cert.valid_to) return downReading('the server sent no certificate', latencyMs);
      const now = (this.deps.clock ?? Date.now)();
      const life = certificateLifetime(cert, now);
      const details = { daysLeft: life.daysLeft, validTo: life.validTo, subject: commonName(cert.subject?.CN), issuer: commonName(cert.issuer?.CN) };
      const samples = [{ metric: 'cert_expiry', value: life.secondsLeft }];
      const authError = socket.authorized ? null : socket.authorizationError;
      const identityError = checkServerIdentity(this.config.host, cert);
      if (life.secondsLeft <= 0) return reading('down', `certificate expired ${days(Math.abs(life.daysLeft))} ago (${life.validTo.slice(0, 10)})`, latencyMs, samples, details);
      if (identityError) return reading('down', `certificate does not match ${this.config.host}: ${identityError.message}`, latencyMs, samples, details);
      if (authError) return reading('down', `certificate not trusted: ${verifyError(authError)} (${days(life.daysLeft)} left)`, latencyMs, samples, details);
      const warnDays = this.config.warnDays ?? DEFAULT_WARN_DAYS;
      if (life.daysLeft < warnDays) return reading('degraded', `certificate expires in ${days(life.daysLeft)} (warning under ${warnDays})`, latencyMs, samples, details);
      return reading('up', `certificate valid for ${days(life.daysLeft)} more`, latencyMs, samples, details);
    } catch (error) {
      return downReading(`unreadable certificate: ${error instanceof Error ? error.message : String(error)}`, latencyMs);
    } finally {
      socket.destroy();
    }
  }

  async close(): Promise<void> {}
}
