/**
 * DSSE as the evidence bundle uses it: the pre-authentication encoding is
 * byte for byte the one in the specification's published example (and the
 * example's published signature verifies over our encoding), and an
 * envelope signed with Ed25519 verifies, while a changed payload, payload
 * type or key does not.
 */
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { envelopeBody, pae, parseEnvelope, signEnvelope, verifyEnvelopeSignature } from '../../src/main/services/signing/dsse';
import { ed25519FromPrivatePem, keyIdOfPublicKey, newEd25519PrivatePem } from '../../src/main/services/signing/ed25519';
import { FlightdeckError } from '../../src/shared/errors';

/** secure-systems-lab/dsse protocol.md, "Test Vectors". */
const SPEC = {
  payloadType: 'http://example.com/HelloWorld',
  body: 'hello world',
  pae: 'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
  // ECDSA P-256 / SHA-256, raw r||s, from the published envelope.
  x: 46950820868899156662930047687818585632848591499744589407958293238635476079160n,
  y: 5640078356564379163099075877009565129882514886557779369047442380624545832820n,
  sig: 'A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==',
};

function coordinate(value: bigint): string {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex').toString('base64url');
}

describe('PAE', () => {
  it('matches the specification\'s published example byte for byte', () => {
    const encoded = pae(SPEC.payloadType, Buffer.from(SPEC.body));
    expect(encoded.toString('latin1')).toBe(SPEC.pae);
    expect([...encoded.subarray(0, 7)]).toEqual([0x44, 0x53, 0x53, 0x45, 0x76, 0x31, 0x20]);
  });

  it('is what the specification\'s published signature was made over', () => {
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: coordinate(SPEC.x), y: coordinate(SPEC.y) }, format: 'jwk' });
    const signature = Buffer.from(SPEC.sig, 'base64');
    expect(verify('sha256', pae(SPEC.payloadType, Buffer.from(SPEC.body)), { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    // The same signature over a PAE with one length off does not verify, so the check above is not vacuous.
    expect(verify('sha256', Buffer.from('DSSEv1 29 http://example.com/HelloWorld 12 hello world'), { key, dsaEncoding: 'ieee-p1363' }, signature)).toBe(false);
  });

  it('counts bytes, not characters, for text beyond ASCII', () => {
    expect(pae('t/ü', Buffer.from('€', 'utf8')).toString('utf8')).toBe('DSSEv1 4 t/ü 3 €');
    expect(pae('x', Buffer.alloc(0)).toString('latin1')).toBe('DSSEv1 1 x 0 ');
  });
});

describe('envelope signatures (Ed25519)', () => {
  const signer = ed25519FromPrivatePem(newEd25519PrivatePem());
  const other = ed25519FromPrivatePem(newEd25519PrivatePem());
  const publicKey = createPublicKey(signer.privateKey);
  const body = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');

  it('round-trips: what is signed verifies, through JSON and back', () => {
    const envelope = signEnvelope('application/vnd.in-toto+json', body, [signer]);
    const read = parseEnvelope(JSON.stringify(envelope));
    expect(envelopeBody(read).equals(body)).toBe(true);
    expect(read.signatures[0]?.keyid).toBe(keyIdOfPublicKey(publicKey));
    expect(verifyEnvelopeSignature(read, read.signatures[0]!.sig, publicKey)).toBe(true);
  });

  it('fails for a changed payload, payload type or key', () => {
    const envelope = signEnvelope('application/vnd.in-toto+json', body, [signer]);
    const sig = envelope.signatures[0]!.sig;
    const changedPayload = { ...envelope, payload: Buffer.from('{"_type":"https://in-toto.io/Statement/v2"}').toString('base64') };
    expect(verifyEnvelopeSignature(changedPayload, sig, publicKey)).toBe(false);
    expect(verifyEnvelopeSignature({ ...envelope, payloadType: 'application/json' }, sig, publicKey)).toBe(false);
    expect(verifyEnvelopeSignature(envelope, sig, createPublicKey(other.privateKey))).toBe(false);
  });

  it('keeps each signer\'s keyid beside its own signature', () => {
    const envelope = signEnvelope('application/vnd.in-toto+json', body, [signer, other]);
    expect(envelope.signatures.map((s) => s.keyid)).toEqual([signer.keyid, other.keyid]);
    expect(verifyEnvelopeSignature(envelope, envelope.signatures[1]!.sig, createPublicKey(other.privateKey))).toBe(true);
    // A keyid is only a hint: a signature moved under another keyid still verifies only with its own key.
    expect(verifyEnvelopeSignature(envelope, envelope.signatures[0]!.sig, createPublicKey(other.privateKey))).toBe(false);
  });

  it('accepts URL-safe base64, as the specification requires of verifiers', () => {
    const envelope = signEnvelope('application/vnd.in-toto+json', Buffer.from([0xfb, 0xff, 0xfe]), [signer]);
    const urlSafe = { ...envelope, payload: Buffer.from([0xfb, 0xff, 0xfe]).toString('base64url') };
    expect(verifyEnvelopeSignature(parseEnvelope(JSON.stringify(urlSafe)), envelope.signatures[0]!.sig, publicKey)).toBe(true);
  });

  it('refuses to make an unsigned envelope and names the field of a malformed one', () => {
    expect(() => signEnvelope('x', body, [])).toThrow(FlightdeckError);
    expect(() => parseEnvelope('{"payloadType":"x","payload":"aGk=","signatures":[]}')).toThrow(/signatures/);
    expect(() => parseEnvelope('not json')).toThrow(/not JSON/);
    // A key of another kind cannot produce a signature that passes for Ed25519.
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(verifyEnvelopeSignature(signEnvelope('x', body, [signer]), 'AAAA', rsa.publicKey)).toBe(false);
  });
});
