/**
 * The end of a window in Debian Chromium, through browser mode, on the demo
 * runbook: tick a few items, unlock the vault, sign off (once with the
 * signer's own key), export the signed report, then hand the report back to
 * the verification panel: valid and trusted as exported (this machine made
 * the CA that signed it), "signature valid, signer not trusted" with the
 * fingerprint for a report another machine signed, invalid once a byte of
 * the PDF has changed. The files are checked on disk too, not only on screen.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createHash, X509Certificate } from 'node:crypto';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { signReport, writeReport } from '../../src/main/services/signing/report-signer';
import { SigningIdentities } from '../../src/main/services/signing/signing-identity';
import { Vault } from '../../src/main/services/vault/vault';

let browser: Browser;
let env: DemoEnv;
let demo: DemoBrowserMode;
let page: Page;

beforeAll(async () => {
  browser = await launchChromium();
  env = await startDemoEnv();
  demo = await startDemoBrowserMode(env, 'flightdeck-report-e2e-');
  page = await openCockpit(browser, demo.running, { viewport: { width: 1440, height: 1000 }, operator: 'Dana Release' });
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await demo?.stop();
  await env?.stop();
});

describe('finishing the demo session', () => {
  let pdfPath = '';

  it('ticks items, signs off and exports a signed report that lands on disk', async () => {
    const items = page.getByTestId('item');
    for (let i = 0; i < 3; i++) {
      await items.nth(i).getByTestId('item-checkbox').click();
      await expect.poll(() => items.nth(i).getAttribute('aria-checked')).toBe('true');
    }

    const vault = page.getByTestId('vault-panel');
    await vault.getByTestId('vault-passphrase').fill('report e2e passphrase');
    await vault.getByTestId('vault-passphrase-again').fill('report e2e passphrase');
    await vault.getByTestId('vault-unlock').click();
    await expect.poll(() => vault.getAttribute('data-state'), { timeout: 30_000 }).toBe('unlocked');

    const finish = page.getByTestId('finish-panel');
    await finish.getByTestId('signoff-role').selectOption('Release Manager');
    await finish.getByTestId('signoff-name').fill('Dana Release');
    await finish.getByTestId('signoff-submit').click();
    await expect.poll(() => finish.getByTestId('signoff-table').textContent()).toContain('Dana Release');

    await finish.getByTestId('signoff-role').selectOption('Engineering Lead');
    await finish.getByTestId('signoff-name').fill('Eli Engineer');
    await finish.getByTestId('signoff-own-key').check();
    await finish.getByTestId('signoff-submit').click();
    const signedRow = finish.locator('[data-testid="signoff-table"] tr', { hasText: 'Eli Engineer' });
    await expect.poll(() => signedRow.textContent()).toContain('own key');

    await finish.getByTestId('report-paper').selectOption('letter');
    await finish.getByTestId('report-export').click();
    const result = finish.getByTestId('report-result');
    await result.waitFor({ timeout: 60_000 });
    pdfPath = (await result.getByTestId('report-pdf-path').textContent())!.trim();
    const sha = (await result.getByTestId('report-sha256').textContent())!.trim();
    expect(existsSync(pdfPath)).toBe(true);
    expect(existsSync(pdfPath.replace(/\.pdf$/, '.bundle.json'))).toBe(true);
    expect(createHash('sha256').update(readFileSync(pdfPath)).digest('hex')).toBe(sha);
    expect(readFileSync(pdfPath).subarray(0, 5).toString('latin1')).toBe('%PDF-');
  }, 120_000);

  it('shows the exported report as valid and trusted, another machine\'s report as signer not trusted with its fingerprint, and a tampered copy as invalid', async () => {
    expect(pdfPath).not.toBe('');
    const finish = page.getByTestId('finish-panel');
    const verdict = finish.getByTestId('verify-result');

    await finish.getByTestId('verify-input').setInputFiles([pdfPath, pdfPath.replace(/\.pdf$/, '.bundle.json')]);
    await expect.poll(() => verdict.getAttribute('data-valid'), { timeout: 30_000 }).toBe('true');
    expect(await verdict.getAttribute('data-verdict')).toBe('valid');
    expect(await verdict.textContent()).toContain('Valid, signer trusted');

    // A report another machine signed: its own vault, its own local CA, which this one has never seen.
    const elsewhere = join(demo.dir, 'elsewhere');
    const vault = new Vault({ file: join(elsewhere, 'vault.json'), safeStorage: null, platform: 'linux', scryptN: 2 ** 15 });
    await vault.unlock('another machine');
    const identities = new SigningIdentities(vault);
    const doc = await PDFDocument.create();
    doc.addPage().drawText('Another window', { font: await doc.embedFont(StandardFonts.Helvetica) });
    const now = new Date();
    const foreign = writeReport(
      elsewhere,
      'report-elsewhere',
      await signReport({
        identities,
        pdf: await doc.save(),
        pdfName: 'report-elsewhere.pdf',
        predicate: {
          runbook: { title: 'Another window', sha256: 'ab'.repeat(32), environment: null },
          session: { id: 'elsewhere', startedAt: now.toISOString(), endedAt: null, durationSeconds: null },
          journal: { entries: 1, head: 'cd'.repeat(32) },
          items: { total: 0, checked: 0 },
          signoffs: [],
        },
        signerName: 'Olga Other',
        signedAt: now,
      }),
    );
    const fingerprint = new X509Certificate(await identities.localCaCertificatePem()).fingerprint256;
    await finish.getByTestId('verify-input').setInputFiles([foreign.pdf, foreign.bundle]);
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 30_000 }).toBe('untrusted');
    expect(await verdict.getAttribute('data-valid')).toBe('false');
    expect(await verdict.textContent()).toContain('Signature valid, signer not trusted');
    expect(await verdict.textContent()).toContain('Signed by CN=Olga Other, O=Flightdeck, issued by CN=Flightdeck Local Signing CA, O=Flightdeck');
    expect((await finish.getByTestId('verify-fingerprint').textContent())?.trim()).toBe(fingerprint);

    const tamperedDir = join(demo.dir, 'sent-back');
    mkdirSync(tamperedDir);
    const tampered = join(tamperedDir, basename(pdfPath));
    copyFileSync(pdfPath, tampered);
    const bytes = readFileSync(tampered);
    const at = bytes.indexOf('Eli Engineer');
    const index = at > 0 ? at : Math.floor(bytes.length / 3);
    bytes[index] = bytes[index]! ^ 0x01;
    writeFileSync(tampered, bytes);
    await finish.getByTestId('verify-input').setInputFiles([tampered]);
    await expect.poll(() => verdict.getAttribute('data-verdict'), { timeout: 30_000 }).toBe('invalid');
    expect(await verdict.getAttribute('data-valid')).toBe('false');
    expect(await verdict.textContent()).toMatch(/changed|digest|mismatch/i);
  }, 60_000);
});
