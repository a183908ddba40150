/**
 * DSSE (Dead Simple Signing Envelope, secure-systems-lab/dsse v1.0.0):
 * signatures over the pre-authentication encoding of the payload type and
 * the payload bytes, so a verifier never parses a payload whose type or
 * bytes were not signed. Ed25519 via node:crypto; the keyid is a hint for
 * picking the key, never trusted on its own.
 */
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { DsseEnvelopeSchema, type DsseEnvelope } from '../../../shared/report-bundle';
import { FlightdeckError } from '../../../shared/errors';

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes as ASCII decimal. */
export function pae(payloadType: string, body: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `, 'ascii'), type, Buffer.from(` ${body.length} `, 'ascii'), body]);
}

export interface DsseSigner {
  keyid: string;
  /** An Ed25519 private key. */
  privateKey: KeyObject;
}

/** An envelope of `body` signed by each signer, in order. */
export function signEnvelope(payloadType: string, body: Uint8Array, signers: readonly DsseSigner[]): DsseEnvelope {
  if (signers.length === 0) throw new FlightdeckError('bad-input', 'A DSSE envelope needs at least one signature.');
  const message = pae(payloadType, body);
  return {
    payloadType,
    payload: Buffer.from(body).toString('base64'),
    signatures: signers.map((signer) => ({ keyid: signer.keyid, sig: cryptoSign(null, message, signer.privateKey).toString('base64') })),
  };
}

/** The payload bytes of an envelope (standard or URL-safe base64, as the spec allows). */
export function envelopeBody(envelope: DsseEnvelope): Buffer {
  return Buffer.from(envelope.payload, 'base64');
}

/** True when `sig` (base64) is a valid signature by `publicKey` over the envelope's PAE. */
export function verifyEnvelopeSignature(envelope: DsseEnvelope, sig: string, publicKey: KeyObject): boolean {
  try {
    return cryptoVerify(null, pae(envelope.payloadType, envelopeBody(envelope)), publicKey, Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}

/** Reads an envelope from JSON text; throws naming the field that is wrong. */
export function parseEnvelope(text: string, file?: string): DsseEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new FlightdeckError('bad-input', 'The evidence bundle is not JSON.', file ? { file } : {});
  }
  const parsed = DsseEnvelopeSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'envelope';
    throw new FlightdeckError('bad-input', `The evidence bundle is not a DSSE envelope (${field}: ${issue?.message ?? 'invalid'}).`, { ...(file ? { file } : {}), field });
  }
  return parsed.data;
}
