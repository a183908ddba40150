/**
 * The report through the contract, as the Finish area calls it: the
 * sign-off table follows the runbook, bad input is refused with a message
 * that says what to do, an export needs the vault, and a report sent back
 * is verified from its uploaded bytes: valid and trusted on the machine
 * that signed it, "signature valid, signer not trusted" with the
 * fingerprint on another, invalid once changed. Names with control or
 * bidirectional characters never reach the journal.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import type { VerifyReportResult } from '../../src/shared/report-bundle';
import type { ExportResult, FinishState } from '../../src/shared/report-model';
import { call, tempDir, testApp } from '../support/app';

const RENDERER = join(__dirname, '..', '..', 'out', 'renderer');

describe('report contract calls', () => {
  const data = tempDir('flightdeck-report-app-');
  let app: App;

  beforeAll(async () => {
    expect(existsSync(join(RENDERER, 'report.html')), 'out/renderer/report.html is missing: run `npx electron-vite build`').toBe(true);
    app = testApp(data.path, { scryptN: 2 ** 15 });
    await call(app, 'openDemo');
    await call(app, 'setOperator', { name: 'Rita Release' });
  });

  afterAll(async () => {
    await app.close();
    data.remove();
  });

  it("offers the runbook's sign-off roles and refuses one it does not ask for, naming those it does", async () => {
    const finish = await call<FinishState>(app, 'getFinish');
    expect(finish.open).toBe(true);
    expect(finish.roles.map((r) => r.role)).toEqual(['Release Manager', 'Engineering Lead', 'On-Call SRE']);
    const refused = await app.call('recordSignoff', { role: 'Janitor', name: 'Jo' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toContain('"Release Manager", "Engineering Lead", "On-Call SRE"');
  });

  it('needs the vault for a sign-off with an own key and for an export, and says so', async () => {
    const own = await app.call('recordSignoff', { role: 'Engineering Lead', name: 'Eli', ownKey: true });
    expect(own.ok).toBe(false);
    if (!own.ok) expect(own.error.message.toLowerCase()).toContain('vault');
    const exported = await app.call('exportReport', { paper: 'a4' });
    expect(exported.ok).toBe(false);
    if (!exported.ok) expect(exported.error.message.toLowerCase()).toContain('vault');
  });

  it('records sign-offs, exports a signed report, and verifies it when it comes back (and not once changed)', async () => {
    await call(app, 'unlockVault', { passphrase: 'report app passphrase' });
    await call<FinishState>(app, 'recordSignoff', { role: 'release manager', name: 'Rita Release' });
    let finish = await call<FinishState>(app, 'recordSignoff', { role: 'Engineering Lead', name: 'Eli Engineer', ownKey: true });
    expect(finish.signoffs.map((s) => [s.role, s.name, s.keyFingerprint !== null])).toEqual([
      ['Release Manager', 'Rita Release', false],
      ['Engineering Lead', 'Eli Engineer', true],
      ['On-Call SRE', null, false],
    ]);

    const result = await call<ExportResult>(app, 'exportReport', { paper: 'letter' });
    expect(result.signedBy).toEqual(['Eli Engineer']);
    expect(result.signer).toContain('Rita Release');
    finish = await call<FinishState>(app, 'getFinish');
    expect(finish.exports.map((e) => e.pdfSha256)).toEqual([result.pdfSha256]);

    const pdf = readFileSync(result.pdf);
    const bundle = readFileSync(result.bundle);
    const upload = (name: string, bytes: Buffer) => ({ name, base64: bytes.toString('base64') });
    const valid = await call<VerifyReportResult>(app, 'verifyReport', { files: [upload(basename(result.pdf), pdf), upload(basename(result.bundle), bundle)] });
    expect(valid.problems).toEqual([]);
    expect(valid.ok).toBe(true);
    expect(valid.verdict).toBe('valid');
    expect(valid.notes).toContain('the signing certificate leads to CN=Flightdeck Local Signing CA, O=Flightdeck, a certificate trusted on this machine');
    // What made it trusted: the local CA, recorded in this data directory when the report was signed, readable by its owner only.
    expect(statSync(join(data.path, 'trusted-signers.json')).mode & 0o777).toBe(0o600);

    // Another machine's app checks the same files: every check holds, but nobody there vouches for the signer.
    const elsewhere = tempDir('flightdeck-report-app-elsewhere-');
    const other = testApp(elsewhere.path);
    try {
      const untrusted = await call<VerifyReportResult>(other, 'verifyReport', { files: [upload(basename(result.pdf), pdf), upload(basename(result.bundle), bundle)] });
      const ca = new X509Certificate((await call<{ pem: string }>(app, 'exportTrustCertificate')).pem);
      expect([untrusted.ok, untrusted.verdict, untrusted.problems]).toEqual([false, 'untrusted', []]);
      expect(untrusted.details.pin).toEqual({ subject: 'CN=Flightdeck Local Signing CA, O=Flightdeck', fingerprint: ca.fingerprint256 });
      expect(untrusted.summary).toContain(`signature valid, signer not trusted: CN=Rita Release, O=Flightdeck, issued by CN=Flightdeck Local Signing CA, O=Flightdeck; SHA-256 fingerprint ${ca.fingerprint256}`);
    } finally {
      await other.close();
      elsewhere.remove();
    }

    const changed = Buffer.from(pdf);
    const at = changed.indexOf('Eli Engineer');
    const index = at > 0 ? at : 1000;
    changed[index] = changed[index]! ^ 0x01;
    const invalid = await call<VerifyReportResult>(app, 'verifyReport', { files: [upload(basename(result.pdf), changed)] });
    expect(invalid.ok).toBe(false);
    expect(invalid.summary.length).toBeGreaterThan(0);

    const wrongKind = await app.call('verifyReport', { files: [upload('notes.txt', Buffer.from('hello'))] });
    expect(wrongKind.ok).toBe(false);
    if (!wrongKind.ok) expect(wrongKind.error.message).toContain('neither a report PDF');
  }, 120_000);

  it('refuses names with control or bidirectional characters, naming the field, and journals nothing', async () => {
    const before = (await call<FinishState>(app, 'getFinish')).signoffs;
    const signoff = await app.call('recordSignoff', { role: 'On-Call SRE', name: 'Eve\u202Eecila' });
    expect(signoff.ok).toBe(false);
    if (!signoff.ok) expect(signoff.error.message).toBe('recordSignoff: name: contains U+202E (right-to-left override) at character 4, which can make a name display as another; type the name without it');
    const operator = await app.call('setOperator', { name: 'Rita\u001b[2K' });
    expect(operator.ok).toBe(false);
    if (!operator.ok) expect(operator.error.message).toContain('setOperator: name: contains the control character U+001B');
    expect((await call<FinishState>(app, 'getFinish')).signoffs).toEqual(before);
    expect((await call<{ prefs: { operator: string } }>(app, 'getCockpit')).prefs.operator).toBe('Rita Release');
  });

  it('hands out the local CA certificate to trust', async () => {
    const cert = await call<{ pem: string; fileName: string }>(app, 'exportTrustCertificate');
    expect(cert.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(cert.pem).not.toContain('PRIVATE KEY');
    expect(cert.fileName).toMatch(/\.pem$/);
  });
});
