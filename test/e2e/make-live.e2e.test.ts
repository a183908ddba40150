/**
 * "Make this runbook live" (issue 15) end to end, in browser mode and
 * Chromium, with no YAML typed: the Discord Trade Exec checklist
 * (../shared/runbooks/dual-dashboard-rollout.md), which has no profile,
 * against the demo shop on a free port. The person fills the runbook's
 * placeholder host with 127.0.0.1:<port> and the flag's name, sets aside
 * the proposals that point at the team's real production, tests the
 * health probe once, saves, approves on the trust screen, and gets live
 * graphs and a rollback plan that puts the flag back to 0, verified. Then,
 * with that profile beside the runbook, the form starts from it: one URL
 * changed, saved in place (the person's comment kept), approved, and live.
 */
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProfileFile } from '../../src/main/services/profile/profile-loader';
import { Vault } from '../../src/main/services/vault/vault';
import { tempDir } from '../support/app';
import { launchChromium, openCockpit, startBrowserMode, type Running } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { SHARED_RUNBOOKS } from '../support/runbooks';

const FLAG = 'checkout_v2';
const PASSPHRASE = 'make-live-e2e-passphrase';

let browser: Browser;
let env: DemoEnv;
let work: ReturnType<typeof tempDir>;
let running: Running;
let page: Page;
let runbook: string;
let original: string;

async function adminPercent(): Promise<number> {
  const res = await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, { signal: AbortSignal.timeout(2_000) });
  return ((await res.json()) as { percentage: number }).percentage;
}

async function setAdminPercent(percent: number): Promise<void> {
  const res = await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, { method: 'PUT', body: JSON.stringify({ percentage: percent }), headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(2_000) });
  expect(res.status).toBe(200);
}

async function hold(locator: Locator, until: () => Promise<unknown>): Promise<void> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('the hold button is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await until();
  await page.mouse.up();
}

const proposal = (id: string) => page.locator(`[data-testid="draft-proposal"][data-id="${id}"]`);

beforeAll(async () => {
  browser = await launchChromium();
  env = await startDemoEnv();
  work = tempDir('flightdeck-make-live-e2e-');
  mkdirSync(join(work.path, 'repo'));
  runbook = join(work.path, 'repo', 'dual-dashboard-rollout.md');
  copyFileSync(join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md'), runbook);
  original = readFileSync(runbook, 'utf8');
  // A passphrase vault already set up, as on an operator's laptop (locked until the test unlocks it).
  const dataDir = join(work.path, 'data');
  mkdirSync(dataDir);
  const vault = new Vault({ file: join(dataDir, 'vault.json'), safeStorage: null, platform: process.platform, scryptN: 2 ** 15 });
  await vault.unlock(PASSPHRASE);
  vault.lock();
  running = await startBrowserMode(['--data-dir', dataDir, runbook]);
  page = await openCockpit(browser, running, { operator: 'Release Manager' });
}, 60_000);

afterAll(async () => {
  await page?.close();
  await running?.stop();
  await env?.stop();
  await browser?.close();
  work?.remove();
});

describe('make a runbook live through the form', () => {
  it('a runbook without a profile offers "Make this runbook live"; the form shows each proposal with its runbook line', async () => {
    await expect.poll(() => page.getByTestId('trust-bar').getAttribute('data-state')).toBe('inert');
    await page.getByTestId('make-live').click();
    const dialog = page.getByTestId('make-live-dialog');
    await dialog.waitFor();
    await proposal('probe:app-health').waitFor();
    expect(await proposal('probe:app-health').textContent()).toContain('line 148 (also 629): - [ ] Health endpoint responding: `https://your-app.com/health`');
    expect(await proposal('flag:http-1').textContent()).toContain('line 177');
    expect(await proposal('backup:mongodb').textContent()).toContain('line 73 (also 55, 636): mongodump --uri="$MONGODB_URI"');
    // The railway and heroku backends are offered as alternatives, set aside while the admin API is kept.
    expect(await proposal('flag:railway').getAttribute('data-accepted')).toBe('false');
  });

  it('Test connection reaches the filled host once, through the probe engine, only when pressed', async () => {
    // Unfilled, there is nothing to contact and no button to press.
    expect(await proposal('probe:app-health').getByTestId('draft-test').count()).toBe(0);
    await proposal('probe:app-health').getByTestId('draft-field-YOUR_APP_COM_ORIGIN').fill(env.url);
    const test = proposal('probe:app-health').getByTestId('draft-test');
    expect(await test.textContent()).toBe(`Test connection to ${env.url}`);
    await test.click();
    const result = proposal('probe:app-health').getByTestId('draft-test-result');
    await expect.poll(() => result.getAttribute('data-ok'), { timeout: 20_000 }).toBe('true');
  });

  it('filled, trimmed and saved: the profile beside the runbook (0600), the markdown untouched, straight to the trust screen', async () => {
    // The flag lives in the demo shop's admin API; the runbook does not name it.
    await proposal('flag:http-1').getByTestId('draft-field-FLAG_NAME').first().fill(FLAG);
    // The runbook shows no read of the flag, so its field is asked for, not guessed: the demo shop's GET returns "percentage".
    await proposal('flag:http-1').getByTestId('draft-field-FLAG_FIELD').fill('percentage');
    // The runbook sends $ADMIN_TOKEN to the admin API: stored now, scoped to the host the person filled in.
    const flag = proposal('flag:http-1');
    await flag.getByTestId('draft-secret').selectOption('__store');
    // Locked: the form shows the vault's own panel to unlock it.
    await flag.getByTestId('vault-passphrase').fill(PASSPHRASE);
    await flag.getByTestId('vault-unlock').click();
    await flag.getByTestId('draft-secret-name').waitFor({ timeout: 20_000 });
    expect(await flag.getByTestId('draft-secret-name').inputValue()).toBe('ADMIN_TOKEN');
    expect(await flag.getByTestId('draft-secret-scope').inputValue()).toBe(env.url);
    await flag.getByTestId('draft-secret-value').fill('e2e-admin-token');
    await flag.getByTestId('draft-secret-store').click();
    await expect.poll(() => flag.getByTestId('draft-secret').inputValue()).toBe('ADMIN_TOKEN');
    // Production's own host and database are not the demo shop's.
    await proposal('probe:discord-trade-exec-health').getByTestId('draft-accept').uncheck();
    await proposal('backup:mongodb').getByTestId('draft-accept').uncheck();
    await page.getByTestId('make-live-save').click();

    const trust = page.getByTestId('trust-dialog');
    await trust.waitFor({ timeout: 20_000 });
    expect(await trust.textContent()).toContain(`${env.url} (flag ${FLAG}, probe app-health) ← secrets: ADMIN_TOKEN`);
    const profileFile = join(work.path, 'repo', 'dual-dashboard-rollout.flightdeck.yaml');
    expect(statSync(profileFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(runbook, 'utf8')).toBe(original);
    const { profile } = await loadProfileFile(profileFile);
    expect(profile.probes.map((p) => [p.name, p.kind === 'http' ? p.url : null])).toEqual([['app-health', `${env.url}/health`]]);
    expect(profile.flags[0]).toMatchObject({ name: FLAG, backend: { type: 'http', url: `${env.url}/api/admin/feature-flags/${FLAG}`, headers: { Authorization: { secret: 'ADMIN_TOKEN', prefix: 'Bearer ' } } } });
    // The secret is a vault name in the file, never its value.
    expect(readFileSync(profileFile, 'utf8')).not.toContain('e2e-admin-token');
    expect(profile.rollback.plans.find((p) => p.name === 'P0')?.steps).toEqual([{ flag: FLAG, set: 0 }, { waitForHealth: ['app-health'], timeoutSeconds: 60 }]);
    expect(profile.backups).toEqual([]);

    await hold(page.getByTestId('trust-hold'), () => expect.poll(() => page.getByTestId('trust-bar').getAttribute('data-state'), { timeout: 15_000 }).toBe('trusted'));
  });

  it('approved: the health probe is up and its graph fills', async () => {
    const light = page.locator('[data-testid="probe-light"][data-probe="app-health"]');
    await expect.poll(() => light.getAttribute('data-health'), { timeout: 20_000 }).toBe('up');
    const graph = page.locator('[data-testid="metric-graph"][data-metric="response_time"]');
    if ((await graph.count()) === 0) await page.getByTestId('more-metrics').click();
    await expect.poll(async () => Number((await graph.getAttribute('data-points')) ?? 0), { timeout: 20_000 }).toBeGreaterThan(0);
  });

  it('the drafted rollback plan puts the flag back to 0 and waits for health, verified', async () => {
    await setAdminPercent(10);
    await page.getByTestId('rollback-button').click();
    const dialog = page.getByTestId('rollback-dialog');
    await dialog.waitFor();
    await hold(dialog.getByTestId('rollback-hold'), () => dialog.getByTestId('rollback-run').waitFor({ timeout: 10_000 }));
    const result = dialog.getByTestId('rollback-result');
    await expect.poll(() => result.getAttribute('data-outcome'), { timeout: 60_000 }).toBe('ok');
    expect(await adminPercent()).toBe(0);
    const outcomes = await Promise.all((await dialog.getByTestId('rollback-step').all()).map((s) => s.getAttribute('data-outcome')));
    expect(outcomes).toEqual(['ok', 'ok']);
  });

  it('with the profile now beside it, the form starts from it: one value changed, saved in place, approved, and live', async () => {
    const profileFile = join(work.path, 'repo', 'dual-dashboard-rollout.flightdeck.yaml');
    // A note of the person's own, which an edit elsewhere must keep.
    writeFileSync(profileFile, readFileSync(profileFile, 'utf8').replace('\nflags:\n', '\nflags:\n  # ours: the demo shop flag\n'));
    await expect.poll(() => page.getByTestId('trust-bar').getAttribute('data-state'), { timeout: 20_000 }).toBe('trusted');
    // The rollback's dialog from the step before, closed as a person would.
    await page.keyboard.press('Escape');
    await page.getByTestId('rollback-dialog').waitFor({ state: 'detached' });
    await page.getByTestId('make-live').click();
    const dialog = page.getByTestId('make-live-dialog');
    await dialog.getByTestId('make-live-editing').waitFor({ timeout: 20_000 });
    // The profile's own entries, ticked, with their values; what the runbook adds is offered unticked.
    const health = proposal('profile:probe:app-health');
    expect(await health.getAttribute('data-accepted')).toBe('true');
    expect(await health.getByTestId('draft-url').inputValue()).toBe(`${env.url}/health`);
    expect(await proposal('profile:flag:checkout_v2').getByTestId('draft-url').inputValue()).toBe(`${env.url}/api/admin/feature-flags/${FLAG}`);
    expect(await proposal('profile:rollback:P0').getAttribute('data-accepted')).toBe('true');
    expect(await proposal('probe:discord-trade-exec-health').getAttribute('data-accepted')).toBe('false');
    // One value changed: the health probe now goes to the shop by name.
    const renamed = `http://localhost:${env.port}/health`;
    await health.getByTestId('draft-url').fill(renamed);
    await page.getByTestId('make-live-save').click();

    const trust = page.getByTestId('trust-dialog');
    await trust.waitFor({ timeout: 20_000 });
    expect(await trust.textContent()).toContain(`http://localhost:${env.port} (probe app-health)`);
    const text = readFileSync(profileFile, 'utf8');
    expect(text).toContain(`    url: ${renamed}\n`);
    expect(text).toContain('  # ours: the demo shop flag\n  - name: checkout_v2\n');
    await hold(page.getByTestId('trust-hold'), () => expect.poll(() => page.getByTestId('trust-bar').getAttribute('data-state'), { timeout: 15_000 }).toBe('trusted'));
    const light = page.locator('[data-testid="probe-light"][data-probe="app-health"]');
    await expect.poll(() => light.getAttribute('title'), { timeout: 20_000 }).toContain(renamed);
    await expect.poll(() => light.getAttribute('data-health'), { timeout: 20_000 }).toBe('up');
  });
});
