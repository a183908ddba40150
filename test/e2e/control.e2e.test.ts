/**
 * The control panel and the rollback button in Debian Chromium, through
 * browser mode, against the bundled demo environment: raise the faulty
 * flag through the UI after seeing who it reaches, then press and hold the
 * big red button and watch the flag come back to 0. Every claim about the
 * flag is checked at the demo shop's own admin API, not only on screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { normalizedStrategyValue } from 'unleash-client/lib/strategy/util';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';

const FLAG = 'checkout_v2';
const TEST_USERS = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com', 'erin@example.com', 'frank@example.com', 'grace@example.com', 'heidi@example.com'];
const HOLD_MS = 1500;

let browser: Browser;
let env: DemoEnv;
let demo: DemoBrowserMode;
let page: Page;

/** The flag's percentage as the demo shop's admin API reports it. */
async function adminPercent(): Promise<number> {
  const res = await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, { signal: AbortSignal.timeout(2_000) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { percentage: number }).percentage;
}

/**
 * Puts the flag at `percent` at the shop itself, so a test starts from the
 * state it names instead of the one an earlier test left behind.
 */
async function setAdminPercent(percent: number): Promise<void> {
  const res = await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, {
    method: 'PUT',
    body: JSON.stringify({ percentage: percent }),
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(2_000),
  });
  expect(res.status).toBe(200);
  expect(await adminPercent()).toBe(percent);
}

const flagControl = () => page.locator(`[data-testid="flag-control"][data-flag="${FLAG}"]`);

async function texts(locator: Locator): Promise<string[]> {
  return (await locator.allTextContents()).map((t) => t.trim());
}

/** Presses the mouse in the middle of an element and keeps it pressed. */
async function pressOn(locator: Locator): Promise<void> {
  const box = await locator.boundingBox();
  if (!box) throw new Error('the hold button is not on screen');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
}

beforeAll(async () => {
  browser = await launchChromium();
  env = await startDemoEnv();
  demo = await startDemoBrowserMode(env, 'flightdeck-control-e2e-');
  page = await openCockpit(browser, demo.running, { operator: 'Dana Release' });
});

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await demo?.stop();
  await env?.stop();
});

describe('controls against the demo environment', () => {
  it('raises checkout_v2 to 50% after a confirmation that shows who it reaches; the shop reports 50', async () => {
    await setAdminPercent(0);
    await flagControl().waitFor();
    await expect.poll(() => flagControl().getByTestId('flag-value').getAttribute('data-value')).toBe('0');

    // 50 % lies past the Phase 1 gate, which has no go yet: its step is held, and the override is the way (gate-holds.e2e.test.ts).
    expect(await flagControl().locator('[data-testid="flag-step"][data-percent="50"]').isDisabled()).toBe(true);
    await flagControl().getByTestId('flag-override-open').click();
    const confirm = page.getByTestId('flag-confirm');
    await expect.poll(() => confirm.getByTestId('flag-change').textContent()).toMatch(/^0%.*→.*50%$/);

    // The preview is Unleash's own bucketing of the profile's test accounts.
    const inside = TEST_USERS.filter((user) => normalizedStrategyValue(user, FLAG) <= 50);
    expect(inside.length).toBeGreaterThan(0);
    expect(inside.length).toBeLessThan(TEST_USERS.length);
    await expect.poll(() => texts(confirm.locator('[data-testid="preview-inside"] li'))).toEqual(inside);
    expect(await texts(confirm.locator('[data-testid="preview-joining"] li'))).toEqual(inside);
    expect(await texts(confirm.locator('[data-testid="preview-outside"] li'))).toEqual(TEST_USERS.filter((u) => !inside.includes(u)));
    expect(await adminPercent()).toBe(0); // nothing written before the confirmation

    await confirm.getByTestId('flag-override-reason').fill('the test raises it straight to 50 %');
    await confirm.getByTestId('flag-confirm-apply').click();
    await expect.poll(() => flagControl().getByTestId('action-outcome').getAttribute('data-outcome')).toBe('ok');
    expect(await adminPercent()).toBe(50);
    await expect.poll(() => flagControl().getByTestId('flag-value').getAttribute('data-value')).toBe('50');
    await expect.poll(() => page.locator('[data-testid="recent-action"]').first().textContent()).toContain('Dana Release');
  });

  it('refuses 150% in the panel with a clear message and never writes it', async () => {
    await setAdminPercent(50);
    await flagControl().getByTestId('flag-custom').fill('150');
    await flagControl().getByTestId('flag-custom-set').click();
    await expect.poll(() => flagControl().getByTestId('flag-custom-error').textContent()).toContain('150% is out of range');
    expect(await page.getByTestId('flag-confirm').count()).toBe(0);
    expect(await adminPercent()).toBe(50);
  });

  it('letting go of the hold early starts nothing: the flag stays at 50%', async () => {
    await setAdminPercent(50);
    await page.locator('body').click({ position: { x: 5, y: 895 } }); // keys go to the page, not a field
    await page.keyboard.press('Shift+R');
    const dialog = page.getByTestId('rollback-dialog');
    await dialog.waitFor();
    await expect.poll(() => dialog.getByTestId('rollback-plan-steps').textContent()).toContain(FLAG);

    const hold = dialog.getByTestId('rollback-hold');
    await pressOn(hold);
    await expect.poll(() => hold.getAttribute('data-state')).toBe('holding');
    await page.mouse.up();
    await expect.poll(() => dialog.getByTestId('rollback-hold-cancelled').textContent()).toMatch(/Released after .*nothing was started/);
    expect(await hold.getAttribute('data-state')).toBe('idle');
    expect(await page.getByTestId('rollback-step').count()).toBe(0);
    expect(await page.getByTestId('rollback-button').getAttribute('data-running')).toBe('false');
    expect(await adminPercent()).toBe(50);

    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('rollback-dialog').count()).toBe(0);
  });

  it('keeps keyboard focus inside the rollback dialog, both ways round, and gives it back when it closes', async () => {
    const opener = page.getByTestId('rollback-button');
    await opener.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByTestId('rollback-dialog');
    await dialog.waitFor();
    const focusInDialog = () => dialog.evaluate((el) => el.contains(el.ownerDocument.activeElement));
    const focusables = await dialog.locator('button:not([disabled]), input:not([disabled])').count();
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < focusables + 2; i++) {
        await page.keyboard.press(key);
        expect(await focusInDialog(), `after ${i + 1} × ${key}`).toBe(true);
      }
    }
    expect(await page.getByTestId('rollback-step').count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('rollback-dialog').count()).toBe(0);
    expect(await opener.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  });

  it('press and hold the rollback button: checkout_v2 is back to 0, verified, with every step ok and the press-to-verified time', async () => {
    await setAdminPercent(50);
    await page.getByTestId('rollback-button').click();
    const dialog = page.getByTestId('rollback-dialog');
    await dialog.waitFor();
    // No rollback has ever run in this session: the early release above started none.
    expect(await dialog.getByTestId('rollback-last').count()).toBe(0);

    const hold = dialog.getByTestId('rollback-hold');
    await pressOn(hold);
    const pressedAt = Date.now();
    // The hold itself: the rollback starts (its timeline replaces the button) once the button has been held for 1.5 s.
    await dialog.getByTestId('rollback-run').waitFor({ timeout: 10_000 });
    expect(Date.now() - pressedAt).toBeGreaterThanOrEqual(HOLD_MS);
    await page.mouse.up();

    const result = dialog.getByTestId('rollback-result');
    await expect.poll(() => result.getAttribute('data-outcome'), { timeout: 60_000 }).toBe('ok');
    expect(await adminPercent()).toBe(0);

    const steps = dialog.getByTestId('rollback-step');
    const outcomes = await Promise.all((await steps.all()).map((step) => step.getAttribute('data-outcome')));
    expect(outcomes.length).toBeGreaterThanOrEqual(2); // P0: kill the flag, then wait for health
    expect(outcomes.every((o) => o === 'ok')).toBe(true);
    expect(await steps.first().textContent()).toContain(FLAG);

    const ms = Number(await result.getByTestId('rollback-time').getAttribute('data-ms'));
    expect(ms).toBeGreaterThan(0);
    expect(await result.textContent()).toMatch(/from press to verified/);

    await expect.poll(() => page.getByTestId('rollback-button').getAttribute('data-running')).toBe('false');
    await page.keyboard.press('Escape');
    await expect.poll(() => flagControl().getByTestId('flag-value').getAttribute('data-value')).toBe('0');
    // The earlier "set to 50" outcome no longer sits beside a flag the rollback put back to 0.
    expect(await flagControl().getByTestId('action-outcome').count()).toBe(0);
  });

  it('a flag changed outside Flightdeck raises a flag alarm in the banner, until it is marked seen', async () => {
    // Flightdeck writes 10 itself first, so this test stands alone: the drift is from what it last wrote.
    await flagControl().locator('[data-testid="flag-step"][data-percent="10"]').click();
    await page.getByTestId('flag-confirm').getByTestId('flag-confirm-apply').click();
    // Wait for Flightdeck's own outcome, not the shop's value: the shop holds 10 before the read-back ends, and a
    // change made in between is read back as the write's answer, so "last wrote" would still be 0 (a flake seen in CI).
    await expect.poll(() => flagControl().getByTestId('action-outcome').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('ok');
    expect(await adminPercent()).toBe(10);
    const put = await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ percentage: 70 }), signal: AbortSignal.timeout(2_000) });
    expect(put.status).toBe(200);
    // The cockpit re-reads the flag on its own (watchSeconds, 5 s by default) and compares with what it last wrote (0).
    const alarm = page.locator(`[data-testid="flag-alarm"][data-kind="drifted"][data-flag="${FLAG}"]`);
    await expect.poll(() => alarm.count(), { timeout: 30_000 }).toBe(1);
    expect(await alarm.textContent()).toMatch(/reads 70, but Flightdeck last wrote 10/);
    await expect.poll(() => flagControl().getByTestId('flag-value').getAttribute('data-value')).toBe('70');
    await alarm.getByTestId('flag-alarm-dismiss').click();
    await expect.poll(() => alarm.count()).toBe(0);
    // Put it back for the tests after this one.
    await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ percentage: 0 }), signal: AbortSignal.timeout(2_000) });
  });

  it('credentials: choose a passphrase (typed twice), add a secret that is never shown again (nor in a note), lock, unlock, delete', async () => {
    const CANARY = 'canary-e2e-7f3a9c51';
    const vault = page.getByTestId('vault-panel');
    await vault.scrollIntoViewIfNeeded();
    expect(await vault.getAttribute('data-state')).toBe('uninitialised');

    await vault.getByTestId('vault-passphrase').fill('correct horse battery');
    await vault.getByTestId('vault-passphrase-again').fill('correct horse battery!');
    await vault.getByTestId('vault-unlock').click();
    await expect.poll(() => vault.textContent()).toContain('The two passphrases differ');
    expect(await vault.getAttribute('data-state')).toBe('uninitialised');
    expect(await vault.getByTestId('vault-passphrase').inputValue()).toBe('');

    await vault.getByTestId('vault-passphrase').fill('correct horse battery');
    await vault.getByTestId('vault-passphrase-again').fill('correct horse battery');
    await vault.getByTestId('vault-unlock').click();
    await expect.poll(() => vault.getAttribute('data-state')).toBe('unlocked');

    await vault.getByTestId('secret-name').fill('SHOP_TOKEN');
    await vault.getByTestId('secret-value').fill(CANARY);
    // No destination yet: refused, and the value field is emptied all the same.
    await vault.getByTestId('secret-save').click();
    await expect.poll(() => vault.getByTestId('vault-error').textContent()).toContain('Say where SHOP_TOKEN may be sent');
    expect(await vault.getByTestId('secret-value').inputValue()).toBe('');
    await vault.getByTestId('secret-value').fill(CANARY);
    await vault.getByTestId('secret-scope').fill('https://SHOP.example.com:443, program:kubectl');
    await vault.getByTestId('secret-save').click();
    await expect.poll(() => vault.locator('[data-testid="secret"][data-name="SHOP_TOKEN"]').count()).toBe(1);
    expect(await vault.getByTestId('secret-value').inputValue()).toBe('');
    // Shown as main stored it: canonical, sorted.
    const scoped = vault.locator('[data-testid="secret"][data-name="SHOP_TOKEN"]');
    expect(await scoped.getByTestId('secret-scope-list').textContent()).toBe('may be sent to https://shop.example.comprogram:kubectl');
    await scoped.getByTestId('secret-scope-open').click();
    await scoped.getByTestId('secret-scope-edit').fill('https://shop.example.com/api');
    await scoped.getByTestId('secret-scope-save').click();
    await expect.poll(() => vault.getByTestId('vault-error').textContent()).toContain('https://shop.example.com/api');
    await scoped.getByTestId('secret-scope-edit').fill('https://shop.example.com');
    await scoped.getByTestId('secret-scope-save').click();
    await expect.poll(() => scoped.getByTestId('secret-scope-list').textContent()).toBe('may be sent to https://shop.example.com');
    expect(await page.content()).not.toContain(CANARY);

    // Pasted into a note by mistake (plain and in base64): saved with the secret taken out, and the person is told.
    const item = page.getByTestId('item').first();
    await item.getByTestId('note-button').click();
    await page.getByTestId('note-input').fill(`token is ${CANARY}, header ${Buffer.from(CANARY).toString('base64')}`);
    await page.getByTestId('note-save').click();
    await expect.poll(() => page.getByTestId('answer-notice').textContent()).toContain('A secret was removed from your note before it was saved');
    await expect.poll(() => item.getByTestId('note').last().textContent()).toContain('token is «secret:SHOP_TOKEN», header «secret:SHOP_TOKEN»');
    expect(await page.content()).not.toContain(CANARY);

    await vault.getByTestId('vault-lock').click();
    await expect.poll(() => vault.getAttribute('data-state')).toBe('locked');
    await vault.getByTestId('vault-passphrase').fill('wrong passphrase');
    await vault.getByTestId('vault-unlock').click();
    await expect.poll(() => vault.getByTestId('vault-error').count()).toBe(1);
    expect(await vault.getAttribute('data-state')).toBe('locked');
    await vault.getByTestId('vault-passphrase').fill('correct horse battery');
    await vault.getByTestId('vault-unlock').click();
    await expect.poll(() => vault.getAttribute('data-state')).toBe('unlocked');
    expect(await vault.locator('[data-testid="secret"][data-name="SHOP_TOKEN"]').count()).toBe(1);

    const row = vault.locator('[data-testid="secret"][data-name="SHOP_TOKEN"]');
    await row.getByTestId('secret-delete').click();
    await row.getByTestId('secret-delete-confirm').click();
    await expect.poll(() => vault.locator('[data-testid="secret"][data-name="SHOP_TOKEN"]').count()).toBe(0);
    expect(await page.content()).not.toContain(CANARY);
  });
});
