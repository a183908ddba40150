/**
 * Turns a network error into one line a release manager understands
 * ("connection refused", "TLS certificate rejected: self-signed
 * certificate"), naming the phase that failed and never echoing request
 * headers or credentials.
 */
import { messageOf } from '../../../shared/errors';
import { DeadlineExceeded, ProbeCancelled } from './deadline';

export type Phase = 'connecting' | 'waiting for headers' | 'reading the body' | 'waiting for the server';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
]);

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function describeFailure(error: unknown, phase: Phase, timeoutMs: number): string {
  if (error instanceof DeadlineExceeded) return `timed out after ${error.timeoutMs} ms ${phase}`;
  if (error instanceof ProbeCancelled) return 'cancelled';
  const code = codeOf(error);
  const message = messageOf(error);
  const cause = (error as { cause?: unknown } | null)?.cause;
  if (!code && cause instanceof Error) return describeFailure(cause, phase, timeoutMs);
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return `connection closed by the server while ${phase}`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `timed out after ${timeoutMs} ms connecting`;
    case 'UND_ERR_HEADERS_TIMEOUT':
      return `timed out after ${timeoutMs} ms waiting for headers`;
    case 'UND_ERR_BODY_TIMEOUT':
      return `timed out after ${timeoutMs} ms reading the body`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      if (TLS_CODES.has(code)) return `TLS certificate rejected: ${message}`;
      if (code === 'EPROTO' || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return `TLS handshake failed: ${message}`;
      return message || code || 'failed';
  }
}
