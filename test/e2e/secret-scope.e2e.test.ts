/**
 * Secret scopes in the real renderer, in browser mode: a vault written
 * before scopes existed holds the token a probe's header names. The token
 * is sent nowhere, the window marks it "not scoped", the probe says why;
 * scoped by the operator to origin A it is still refused to the probe's
 * origin B, naming both; only once its scope names B does B receive it.
 * A loopback server stands in for B and counts what reaches it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newScryptParams, sealDataKey } from '../../src/main/services/vault/passphrase-key';
import { KEY_BYTES, seal } from '../../src/main/services/vault/sealed-box';
import { entryAssociatedData, VAULT_FILE_NAME, VAULT_FORMAT, writeVaultFile, type VaultFile } from '../../src/main/services/vault/vault-file';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { startHttpTarget, type HttpTarget } from '../support/http-targets';

const PASSPHRASE = 'scope e2e passphrase';
const TOKEN = 'canary-e2e-scope-token-41c9';
const ORIGIN_A = 'https://flags.example.com';

let browser: Browser;
let env: DemoEnv;
let demo: DemoBrowserMode;
let page: Page;
let target: HttpTarget;
const authorizations: Array<string | undefined> = [];

/** A passphrase vault as Flightdeck wrote it before scopes existed (version 1): the token is in it, unscoped. */
async function versionOneVault(): Promise<VaultFile> {
  const id = randomBytes(16).toString('hex');
  const kdf = newScryptParams(2 ** 15);
  const dataKey = randomBytes(KEY_BYTES);
  const sealed = seal(dataKey, Buffer.from(TOKEN), entryAssociatedData(id, 'api-token'));
  return { format: VAULT_FORMAT, version: 1, id, kind: 'passphrase', kdf, dataKey: await sealDataKey(PASSPHRASE, kdf, id, dataKey), secrets: { 'api-token': sealed } };
}

/** The probe on origin B, first in the demo profile's list, with the token in its header. */
function guardedProbe(url: string): string {
  return ['probes:', '  - name: guarded', '    kind: http', `    url: ${url}/health`, '    intervalSeconds: 1', '    timeoutMs: 1500', '    headers:', '      Authorization: { secret: api-token, prefix: "Bearer " }', ''].join('\n');
}

beforeAll(async () => {
  target = await startHttpTarget((req, res) => {
    authorizations.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  browser = await launchChromium();
  env = await startDemoEnv();
  const vault = await versionOneVault();
  demo = await startDemoBrowserMode(env, 'flightdeck-scope-e2e-', (profileFile) => {
    writeFileSync(profileFile, readFileSync(profileFile, 'utf8').replace(/^probes:\n/m, guardedProbe(target.url)));
    writeVaultFile(join(dirname(dirname(profileFile)), 'data', VAULT_FILE_NAME), vault);
  });
  page = await openCockpit(browser, demo.running, { operator: 'Dana Release' });
}, 120_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await demo?.stop();
  await env?.stop();
  await target?.close();
});

const probe = () => page.locator('[data-testid="probe-light"][data-probe="guarded"]');
const row = () => page.getByTestId('vault-panel').locator('[data-testid="secret"][data-name="api-token"]');

async function scopeTo(destinations: string): Promise<void> {
  await row().getByTestId('secret-scope-open').click();
  await row().getByTestId('secret-scope-edit').fill(destinations);
  await row().getByTestId('secret-scope-save').click();
}

describe('a secret stored before scopes existed', () => {
  it('is sent nowhere and marked until scoped; scoped to origin A it is refused to origin B naming both; scoped to B, B gets it', async () => {
    const vault = page.getByTestId('vault-panel');
    await vault.scrollIntoViewIfNeeded();
    await expect.poll(() => row().getAttribute('data-scoped')).toBe('false');
    expect(await row().getByTestId('secret-unscoped').textContent()).toContain('not scoped: used nowhere until you say where it may go');

    await vault.getByTestId('vault-passphrase').fill(PASSPHRASE);
    await vault.getByTestId('vault-unlock').click();
    await expect.poll(() => vault.getAttribute('data-state'), { timeout: 30_000 }).toBe('unlocked');
    // Unlocked, the probe asks for the token at every run and is told it has no scope.
    await expect.poll(() => probe().getAttribute('title'), { timeout: 20_000 }).toContain('Secret "api-token" has no scope yet, so Flightdeck sends it nowhere');
    expect(await probe().getAttribute('data-health')).toBe('down');
    expect(target.requests).toBe(0);

    await scopeTo(ORIGIN_A);
    await expect.poll(() => row().getByTestId('secret-scope-list').textContent()).toBe(`may be sent to ${ORIGIN_A}`);
    await expect.poll(() => probe().getAttribute('title'), { timeout: 20_000 }).toContain(`may be sent only to ${ORIGIN_A}; it was refused for ${target.url}`);
    expect(target.requests).toBe(0);

    await scopeTo(`${ORIGIN_A}\n${target.url}`);
    await expect.poll(() => probe().getAttribute('data-health'), { timeout: 20_000 }).toBe('up');
    expect(authorizations.length).toBeGreaterThan(0);
    expect(new Set(authorizations)).toEqual(new Set([`Bearer ${TOKEN}`]));
    expect(await page.content()).not.toContain(TOKEN);
  }, 120_000);
});
