/**
 * The cockpit from the keyboard alone, in Debian Chromium through browser
 * mode, against the real demo environment, at the smallest supported
 * window (1024×700): "/" and typing, then ↓ into the results, ↑/↓ among
 * them and Enter to open one in its phase; every gate reason box takes the
 * focus and has a label; the "More" menu works from the keys; "?" lists the keys; Shift+R opens the rollback
 * dialog with the hold button focused, and holding Space for 1.5 s rolls
 * the flag back at the shop's own admin API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';

const FLAG = 'checkout_v2';
const HOLD_MS = 1_500;

let browser: Browser;
let context: BrowserContext;
let env: DemoEnv;
let demo: DemoBrowserMode;
let page: Page;

async function shopPercent(): Promise<number> {
  const res = await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, { signal: AbortSignal.timeout(2_000) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { percentage: number }).percentage;
}

interface Focused {
  testId: string | null;
  itemId: string | null;
  label: string | null;
  labelVisible: boolean;
}

/** What has the keyboard focus: its test id, item id and the text of its <label>, read in the page (a string: the tests are compiled without the DOM's types). */
function focused(): Promise<Focused> {
  return page.evaluate<Focused>(`(() => {
    const el = document.activeElement;
    const label = el && el.labels ? (el.labels[0] ?? null) : null;
    return {
      testId: el ? el.getAttribute('data-testid') : null,
      itemId: el ? el.getAttribute('data-item-id') : null,
      label: label ? label.textContent.trim() : null,
      labelVisible: label !== null && label.getBoundingClientRect().height > 0,
    };
  })()`);
}

beforeAll(async () => {
  browser = await launchChromium();
  env = await startDemoEnv();
  demo = await startDemoBrowserMode(env, 'flightdeck-keyboard-e2e-');
  context = await browser.newContext({ viewport: { width: 1024, height: 700 } });
  page = await openCockpit(context, demo.running, { operator: 'Kim Keys' });
  await page.getByTestId('control-panel').waitFor({ timeout: 20_000 });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await demo?.stop();
  await env?.stop();
});

describe('the cockpit from the keyboard', () => {
  it('"/" and typing, then ↓ into the results, ↑/↓ among them, and Enter opens the item in its phase', async () => {
    await page.locator('body').click({ position: { x: 600, y: 690 } });
    await page.keyboard.press('/');
    expect((await focused()).testId).toBe('search');
    await page.keyboard.type('backup');
    const results = page.getByTestId('search-results').getByTestId('item');
    await expect.poll(() => results.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    const ids = await results.evaluateAll((rows) => rows.map((row) => row.getAttribute('data-item-id')));

    await page.keyboard.press('ArrowDown');
    expect(await focused()).toMatchObject({ testId: 'item', itemId: ids[0] });
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toMatchObject({ testId: 'item', itemId: ids[1] });
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect((await focused()).testId).toBe('search');

    // Enter from the field goes in too; Enter on a result opens it in its phase, focused.
    await page.keyboard.press('Enter');
    expect(await focused()).toMatchObject({ testId: 'item', itemId: ids[0] });
    await page.keyboard.press('Enter');
    await page.getByTestId('phase-view').waitFor();
    expect(await page.getByTestId('search-results').count()).toBe(0);
    expect(await page.getByTestId('search').inputValue()).toBe('');
    await expect.poll(async () => (await focused()).itemId).toBe(ids[0]);
    expect(await page.locator(`[data-testid="phase-view"] [data-item-id="${ids[0]}"]`).getAttribute('data-focused')).toBe('true');
  });

  it('every reason box at a gate takes the focus as it opens and has a visible label', async () => {
    const panel = page.getByTestId('gate-panel');
    await panel.getByTestId('gate-toggle').click();
    for (const [decision, label] of [
      ['hold', 'Why hold?'],
      ['rollback', 'Why roll back?'],
      ['go', /Go anyway, because…|Note \(optional\)/],
    ] as const) {
      await panel.getByTestId(`decide-${decision}`).click();
      await panel.getByTestId('decision-form').waitFor();
      const box = await focused();
      expect(box.testId).toBe('decision-reason');
      expect(box.label).toMatch(label);
      expect(box.labelVisible).toBe(true);
      await panel.getByTestId(`decide-${decision}`).click(); // closes the form, nothing recorded
    }
    await panel.getByTestId('gate-toggle').click();
  });

  it('the top bar\'s "More" menu is a menu button: ↓ opens it on its first entry, ↓/↑ move, Escape closes it back onto the button', async () => {
    const more = page.getByTestId('more-menu');
    expect(await more.getAttribute('aria-haspopup')).toBe('menu');
    expect(await more.getAttribute('aria-expanded')).toBe('false');
    await more.focus();
    await page.keyboard.press('ArrowDown');
    const menu = page.getByRole('menu');
    await menu.waitFor();
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    const entries = await menu.getByRole('menuitem').allTextContents();
    expect(entries).toEqual(expect.arrayContaining(['Open a runbook…', 'Write ticks to file', 'New session…']));
    expect((await focused()).testId).toBe('more-open-runbook');
    await page.keyboard.press('ArrowDown');
    expect((await focused()).testId).toBe('more-write-ticks');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp'); // wraps to the last
    expect((await focused()).testId).toBe('more-theme');
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    expect((await focused()).testId).toBe('more-menu');
  });

  it('"?" lists the keys, the search and rollback ones among them', async () => {
    await page.locator('body').click({ position: { x: 600, y: 690 } });
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts-help');
    await help.waitFor();
    const text = (await help.textContent()) ?? '';
    for (const key of ['Shift+R', 'Space', 'Enter', '/', '?', 'Esc']) expect(text).toContain(key);
    expect(text).toMatch(/into the results/);
    expect(text).toMatch(/Hold for 1\.5 s/);
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
  });

  it('Shift+R opens the rollback dialog on the hold button, and holding Space for 1.5 s rolls the flag back', async () => {
    // The flag is out at the shop, as in a window gone wrong.
    const put = await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ percentage: 50 }),
      signal: AbortSignal.timeout(2_000),
    });
    expect(put.status).toBe(200);
    expect(await shopPercent()).toBe(50);

    await page.locator('body').click({ position: { x: 600, y: 690 } });
    await page.keyboard.press('Shift+R');
    const dialog = page.getByTestId('rollback-dialog');
    await dialog.waitFor();
    await expect.poll(async () => (await focused()).testId, { timeout: 10_000 }).toBe('rollback-hold');

    await page.keyboard.down(' ');
    const pressedAt = Date.now();
    // The rollback starts (its timeline replaces the button) once Space has been held for 1.5 s, before it is let go.
    await dialog.getByTestId('rollback-run').waitFor({ timeout: 15_000 });
    expect(Date.now() - pressedAt).toBeGreaterThanOrEqual(HOLD_MS - 50);
    await page.keyboard.up(' ');

    await expect.poll(() => dialog.getByTestId('rollback-result').getAttribute('data-outcome'), { timeout: 60_000 }).toBe('ok');
    expect(await shopPercent()).toBe(0);
  });
});
