/**
 * Signing a report PDF for real: identities kept in a real passphrase
 * vault on disk, PDFs made by Chromium (object streams, as the report
 * renderer hands them over) and by pdf-lib, and the result judged by
 * poppler's pdfsig and by OpenSSL, not only by our own verifier.
 *
 * pdfsig exits 0 whatever it finds, so its text is what is checked.
 */
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkPdfSignature } from '../../src/main/services/signing/pdf-verify';
import { signPdf } from '../../src/main/services/signing/pdf-signature';
import { SIGNING_SECRETS, SigningIdentities, type PdfSigningIdentity } from '../../src/main/services/signing/signing-identity';
import { TRUSTED_SIGNERS_FILE, TrustedSigners } from '../../src/main/services/signing/trusted-signers';
import { Vault } from '../../src/main/services/vault/vault';
import { VAULT_FILE_NAME } from '../../src/main/services/vault/vault-file';
import { FlightdeckError } from '../../src/shared/errors';
import { launchChromium } from '../support/browser-mode';
import { tempDir } from '../support/app';

const PASSPHRASE = 'report signing test passphrase';
const P12_PASSPHRASE = 'p12-export-passphrase';
/** Whole seconds, as the PKCS#7 signing time keeps them; after the certificates the tests make. */
const SIGNED_AT = new Date(Math.ceil(Date.now() / 1000) * 1000 + 5_000);

let browser: Browser;
let chromiumPdf: Uint8Array;
const cleanups: Array<() => void> = [];

beforeAll(async () => {
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.setContent('<h1>Completion report: Checkout release</h1><p>42 journal entries, 2 sign-offs.</p><p style="page-break-before: always">Page two</p>');
  chromiumPdf = new Uint8Array(await page.pdf({ format: 'A4' }));
  await page.close();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function dir(): string {
  const made = tempDir('flightdeck-signing-');
  cleanups.push(made.remove);
  return made.path;
}

async function openVault(dataDir: string, unlock = true): Promise<Vault> {
  const vault = new Vault({ file: join(dataDir, VAULT_FILE_NAME), safeStorage: null, platform: 'linux', scryptN: 2 ** 15 });
  if (unlock) await vault.unlock(PASSPHRASE);
  return vault;
}

function pdfsig(file: string): string {
  const result = spawnSync('pdfsig', [file], { encoding: 'utf8', timeout: 30_000 });
  return `${result.stdout}${result.stderr}`;
}

function flipByte(bytes: Uint8Array, at: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
}

/** An offset inside the signed part, away from the signature's hex. */
function signedOffset(pdf: Uint8Array): number {
  const range = /\/ByteRange\s*\[\s*0\s+(\d+)/.exec(Buffer.from(pdf).toString('latin1'));
  return Math.floor(Number(range?.[1]) / 2);
}

async function sign(pdf: Uint8Array, identity: PdfSigningIdentity, name = 'Ana Ops'): Promise<Uint8Array> {
  return signPdf(pdf, identity, { reason: 'Completion report', name, location: 'Flightdeck', signedAt: SIGNED_AT, reportKeyId: 'ab'.repeat(32), journal: null });
}

async function rejected(action: () => Promise<unknown> | unknown): Promise<FlightdeckError> {
  try {
    await action();
  } catch (err) {
    if (err instanceof FlightdeckError) return err;
    throw err;
  }
  throw new Error('expected a FlightdeckError');
}

describe('the local certificate authority', () => {
  it('is made on first use, kept encrypted in the vault, and the same after a restart', async () => {
    const dataDir = dir();
    const first = new SigningIdentities(await openVault(dataDir));
    const identity = await first.pdfIdentity('Ana Ops');
    const caPem = await first.localCaCertificatePem();
    expect(identity.source).toBe('local');
    expect(identity.subject).toBe('CN=Ana Ops, O=Flightdeck');

    const ca = new X509Certificate(caPem);
    const signer = new X509Certificate(identity.chainPem[0]!);
    expect(ca.ca).toBe(true);
    expect(signer.ca).toBe(false);
    expect(signer.checkIssued(ca) && signer.verify(ca.publicKey)).toBe(true);
    expect(signer.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(readFileSync(join(dataDir, VAULT_FILE_NAME), 'utf8')).not.toContain('PRIVATE KEY');

    const reopened = new SigningIdentities(await openVault(dataDir));
    expect(await reopened.localCaCertificatePem()).toBe(caPem);
    const again = await reopened.pdfIdentity('Ana Ops');
    expect(again.certificateSha256).toBe(identity.certificateSha256);
    expect(reopened.reportKey().keyid).toBe(first.reportKey().keyid);

    // Another release manager gets a certificate of their own from the same CA.
    const other = await reopened.pdfIdentity('Bea Lead');
    expect(other.subject).toBe('CN=Bea Lead, O=Flightdeck');
    expect(other.chainPem[1]).toBe(caPem);
  });

  it('is never replaced while the vault is locked', async () => {
    const dataDir = dir();
    const caPem = await new SigningIdentities(await openVault(dataDir)).localCaCertificatePem();
    const locked = new SigningIdentities(await openVault(dataDir, false));
    expect((await rejected(() => locked.pdfIdentity('Ana Ops'))).code).toBe('locked');
    expect((await rejected(() => locked.reportKey())).code).toBe('locked');
    expect(await new SigningIdentities(await openVault(dataDir)).localCaCertificatePem()).toBe(caPem);
  });

  it('keeps one Ed25519 key per person, made only when asked', async () => {
    const identities = new SigningIdentities(await openVault(dir()));
    expect(identities.signerKey('Bea Lead', { create: false })).toBeNull();
    const bea = identities.signerKey('Bea Lead', { create: true })!;
    expect(identities.signerKey('Bea Lead', { create: false })?.keyid).toBe(bea.keyid);
    expect(identities.signerKey('Cy QA', { create: true })?.keyid).not.toBe(bea.keyid);
    expect(identities.keyFingerprint()).toMatch(/^[0-9a-f]{64}$/);
    expect(identities.keyFingerprint()).not.toBe(bea.keyid);
  });
});

describe('signed PDFs, judged by pdfsig', () => {
  it('a Chromium PDF signed with the local certificate is "Signature is Valid"; one flipped byte is a digest mismatch', async () => {
    const work = dir();
    const identities = new SigningIdentities(await openVault(work));
    const signed = await sign(chromiumPdf, await identities.pdfIdentity('Ana Ops'));
    const file = join(work, 'report.pdf');
    writeFileSync(file, signed);

    const report = pdfsig(file);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Signer Certificate Common Name: Ana Ops');
    expect(report).toContain('Signature Type: adbe.pkcs7.detached');
    expect(report).toContain('Total document signed');
    const ours = checkPdfSignature(Buffer.from(signed));
    expect(ours.problems).toEqual([]);
    expect(ours.signer).toBe('CN=Ana Ops, O=Flightdeck');
    expect(ours.reportKeyId).toBe('ab'.repeat(32));
    expect(ours.signedAt?.toISOString()).toBe(SIGNED_AT.toISOString());
    // Still a readable document: the text Chromium laid out is there.
    const text = spawnSync('pdftotext', [file, '-'], { encoding: 'utf8', timeout: 30_000 }).stdout;
    expect(text).toContain('Completion report: Checkout release');

    const tampered = join(work, 'tampered.pdf');
    writeFileSync(tampered, flipByte(signed, signedOffset(signed)));
    expect(pdfsig(tampered)).toContain('Signature Validation: Digest Mismatch.');
    expect(checkPdfSignature(readFileSync(tampered)).problems).toEqual(['PDF changed after signing (digest mismatch)']);

    // Bytes appended after the signed part (an incremental update) are not covered by it.
    const appended = Buffer.concat([Buffer.from(signed), Buffer.from('\n% appended\n')]);
    expect(checkPdfSignature(appended).problems[0]).toMatch(/^PDF changed after signing: 12 bytes were added/);
  });

  it('a pdf-lib PDF and a name beyond ASCII sign as well', async () => {
    const work = dir();
    const doc = await PDFDocument.create();
    doc.addPage().drawText('Completion report', { font: await doc.embedFont(StandardFonts.Helvetica) });
    const identities = new SigningIdentities(await openVault(work));
    const signed = await sign(await doc.save(), await identities.pdfIdentity('Zoë (Release) Ødegård'), 'Zoë (Release) Ødegård');
    const file = join(work, 'pdf-lib.pdf');
    writeFileSync(file, signed);
    const report = pdfsig(file);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Signer Certificate Common Name: Zoë (Release) Ødegård');
    expect(checkPdfSignature(Buffer.from(signed)).signer).toBe('CN=Zoë (Release) Ødegård, O=Flightdeck');
  });

  it('OpenSSL verifies the embedded PKCS#7 against the exported CA certificate', async () => {
    const work = dir();
    const identities = new SigningIdentities(await openVault(work));
    const signed = Buffer.from(await sign(chromiumPdf, await identities.pdfIdentity('Ana Ops')));
    const [, start, length, second, secondLength] = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/.exec(signed.toString('latin1'))!.map(Number) as number[];
    writeFileSync(join(work, 'content.bin'), Buffer.concat([signed.subarray(start, start! + length!), signed.subarray(second, second! + secondLength!)]));
    writeFileSync(join(work, 'signature.der'), Buffer.from(signed.subarray(start! + length! + 1, second! - 1).toString('latin1'), 'hex'));
    writeFileSync(join(work, 'ca.pem'), await identities.localCaCertificatePem());
    const verify = (content: string) =>
      spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'signature.der', '-content', content, '-CAfile', 'ca.pem', '-purpose', 'any', '-out', '/dev/null'], {
        cwd: work,
        encoding: 'utf8',
        timeout: 30_000,
      });
    const good = verify('content.bin');
    expect(good.stderr).toContain('Verification successful');
    expect(good.status).toBe(0);
    writeFileSync(join(work, 'changed.bin'), flipByte(readFileSync(join(work, 'content.bin')), 100));
    expect(verify('changed.bin').status).not.toBe(0);
  });
});

describe('an imported PKCS#12 identity', () => {
  /** A certificate and key as an organisation's CA would hand them out, packed by OpenSSL (passphrase through the environment, never argv). */
  function opensslP12(work: string, options: { withKey: boolean; keyType?: 'rsa' | 'ec' }): Buffer {
    const newkey = options.keyType === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] : ['-newkey', 'rsa:2048'];
    const run = (args: string[]) => {
      const result = spawnSync('openssl', args, { cwd: work, encoding: 'utf8', timeout: 60_000, env: { ...process.env, P12_PASS: P12_PASSPHRASE } });
      if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
    };
    run(['req', '-x509', ...newkey, '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '30', '-subj', '/CN=Org Signer/O=Example Org']);
    run(['pkcs12', '-export', '-in', 'cert.pem', ...(options.withKey ? ['-inkey', 'key.pem'] : ['-nokeys']), '-out', 'id.p12', '-passout', 'env:P12_PASS']);
    return readFileSync(join(work, 'id.p12'));
  }

  it('signs PDFs once imported, and pdfsig names its holder', async () => {
    const work = dir();
    const identities = new SigningIdentities(await openVault(work));
    const imported = identities.importPkcs12(opensslP12(work, { withKey: true }), P12_PASSPHRASE, 'id.p12');
    expect(imported.subject).toBe('CN=Org Signer, O=Example Org');
    // From now on (and after a restart) it is the identity, whatever name is asked for.
    const trustedSigners = new TrustedSigners(join(work, TRUSTED_SIGNERS_FILE));
    const reopened = new SigningIdentities(await openVault(work), { trustedSigners });
    const identity = await reopened.pdfIdentity('Ana Ops');
    expect(identity.source).toBe('imported');
    expect(identity.certificateSha256).toBe(createSha(readFileSync(join(work, 'cert.pem'), 'utf8')));
    // This machine now trusts what it signs: the signer's own certificate, not the organisation's whole CA.
    expect(trustedSigners.list().map((signer) => [signer.subject, signer.source])).toEqual([['CN=Org Signer, O=Example Org', 'imported-signer']]);
    const file = join(work, 'org.pdf');
    writeFileSync(file, await sign(chromiumPdf, identity));
    const report = pdfsig(file);
    expect(report).toContain('Signature Validation: Signature is Valid.');
    expect(report).toContain('Signer Certificate Common Name: Org Signer');
  });

  it('refuses a wrong passphrase, a file without its key and a non-RSA key, and keeps nothing', async () => {
    const work = dir();
    const vault = await openVault(work);
    const identities = new SigningIdentities(vault);
    const p12 = opensslP12(work, { withKey: true });
    const wrong = await rejected(() => identities.importPkcs12(p12, 'not the passphrase', 'id.p12'));
    expect(wrong.message).toBe('The passphrase does not open id.p12.');
    expect(wrong.field).toBe('passphrase');
    expect(wrong.message).not.toContain('not the passphrase');

    const keyless = await rejected(() => identities.importPkcs12(opensslP12(dir(), { withKey: false }), P12_PASSPHRASE, 'cert-only.p12'));
    expect(keyless.message).toMatch(/^cert-only\.p12 holds no private key/);
    const ec = await rejected(() => identities.importPkcs12(opensslP12(dir(), { withKey: true, keyType: 'ec' }), P12_PASSPHRASE, 'ec.p12'));
    expect(ec.message).toMatch(/^ec\.p12 holds a key that is not RSA/);
    const garbage = await rejected(() => identities.importPkcs12(Buffer.from('not a certificate at all'), P12_PASSPHRASE, 'notes.txt'));
    expect(garbage.message).toMatch(/^notes\.txt is not a PKCS#12 file/);

    // A certificate past its end date (here: the clock two months on, the certificate made for 30 days).
    const later = new SigningIdentities(vault, { clock: () => new Date(Date.now() + 60 * 24 * 3600 * 1000) });
    const expired = await rejected(() => later.importPkcs12(p12, P12_PASSPHRASE, 'id.p12'));
    expect(expired.message).toMatch(/^The certificate in id\.p12 is valid from .+ to .+, not now/);

    expect(vault.has(SIGNING_SECRETS.imported)).toBe(false);
    expect((await identities.pdfIdentity('Ana Ops')).source).toBe('local');
  });
});

function createSha(pem: string): string {
  return new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
}
