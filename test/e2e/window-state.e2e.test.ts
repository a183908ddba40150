/**
 * The moment of crisis on the demo's faulty flag, in Debian Chromium
 * through browser mode at 1280×800: checkout_v2 goes out to the whole shop, the red
 * trigger "Error rate above 2%" fires, and the release manager rolls back
 * with the keyboard only (Shift+R, then holding Space). Then, as seen in
 * the field, the banner must not keep saying "ALARM … Roll back now": it
 * moves at once to "rolled back … recovering", names who ran what and
 * when, never offers the rollback again, and ends at "recovered" when the
 * error rate is back inside its line. The session journal, read from its
 * file, holds each state change of the window in order.
 *
 * The demo environment runs at 60 requests/s with an 8 s rate window and
 * the trigger's hold and clear times shortened, so the whole arc takes
 * seconds rather than the runbook's five minutes.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { callFromPage, launchChromium, openCockpit, quickAlarmProfile, sessionJournal, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';

/** Screenshots of each state of the window, kept as test artefacts. */
const SHOTS = fileURLToPath(new URL('../../test-results/window-state/', import.meta.url));
mkdirSync(SHOTS, { recursive: true });

const FLAG = 'checkout_v2';
const TRIGGER = 'Error rate above 2% for more than 5 minutes: roll back immediately';
const TRIGGER_MATCH = 'Error rate above 2% for more than 5 minutes';
const OPERATOR = 'Ada Release';

let browser: Browser;
let env: DemoEnv;
let demo: DemoBrowserMode;
let page: Page;

const journal = () => sessionJournal(demo);

async function shopPercent(): Promise<number> {
  const res = await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, { signal: AbortSignal.timeout(2_000) });
  return ((await res.json()) as { percentage: number }).percentage;
}

/** A contract call from the page, as the renderer makes it (same origin, its session cookie). */
const call = (name: string, input: unknown) => callFromPage(page, name, input);

const windowBanner = () => page.getByTestId('window-banner');

beforeAll(async () => {
  browser = await launchChromium();
  env = await startDemoEnv({ args: ['--rate', '60'] });
  demo = await startDemoBrowserMode(env, 'flightdeck-window-e2e-', (profileFile) => quickAlarmProfile(profileFile, TRIGGER_MATCH));
  page = await openCockpit(browser, demo.running, { viewport: { width: 1280, height: 800 } });
  // Named through the contract, not the header field: focus stays on the page, so what follows is keys alone.
  expect((await call('setOperator', { name: OPERATOR })).ok).toBe(true);
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await env?.stop();
});

describe('the window state after a rollback, on the faulty flag', () => {
  it('the red trigger fires: the banner names it first, with a value consistent with its line', async () => {
    await expect.poll(() => call('getWindow', {}).then((r) => (r.value as { state: string } | undefined)?.state), { timeout: 60_000 }).toBe('healthy');
    // The crisis: the faulty flag goes out to everyone (past the gate, deliberately, with a reason): about 6 % errors, well past the 2 % line.
    const set = await call('setFlag', { flag: FLAG, percent: 100, override: { reason: 'e2e: the faulty rollout under test' } });
    expect(set.ok, set.error?.message).toBe(true);
    expect(await shopPercent()).toBe(100);

    const first = page.getByTestId('alarm').first();
    await expect.poll(() => first.getAttribute('data-trigger').then(() => first.getByTestId('alarm-condition').textContent()), { timeout: 90_000, interval: 100 }).toBe(TRIGGER);
    expect(await first.getByTestId('alarm-rollback').count()).toBe(1);
    expect(await first.getByTestId('alarm-threshold').textContent()).toBe('line > 2 %');
    const detail = (await first.getByTestId('alarm-detail').textContent()) ?? '';
    const value = Number(/^error_rate (\d+(?:\.\d+)?) %/.exec(detail)?.[1]);
    // Past its line: never a value beside "> 2 %" that reads as inside it.
    expect(value, detail).toBeGreaterThan(2);
    await page.screenshot({ path: join(SHOTS, 'firing-1280x800.png') });
  });

  it('rolled back with the keyboard only, the banner turns at once to "rolled back … recovering", never offers "Roll back now" again, and ends at "recovered"', async () => {
    await page.keyboard.press('Shift+R');
    const dialog = page.getByTestId('rollback-dialog');
    await dialog.waitFor();
    // Strings run in the page: this file is compiled without the DOM's types.
    await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('data-testid') ?? null"), { timeout: 10_000 }).toBe('rollback-hold');
    await page.keyboard.down(' ');
    await dialog.getByTestId('rollback-run').waitFor({ timeout: 15_000 });
    await page.keyboard.up(' ');

    // From the moment the rollback runs, record every frame in which a "Roll back now" is on the page.
    await windowBanner().waitFor({ timeout: 15_000 });
    await page.evaluate(`(() => {
      window.__offeredAgain = [];
      window.__watching = true;
      const look = () => {
        if (document.querySelector('[data-testid="alarm-rollback"]')) window.__offeredAgain.push(document.querySelector('[data-testid="window-banner"]')?.getAttribute('data-state') ?? 'none');
        if (window.__watching) requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    })()`);

    await expect.poll(() => dialog.getByTestId('rollback-result').getAttribute('data-outcome'), { timeout: 60_000 }).toBe('ok');
    // "At once": the window state follows the verification without waiting for the error rate.
    await expect.poll(() => windowBanner().getAttribute('data-state'), { timeout: 5_000, interval: 50 }).toMatch(/recovering|recovered/);
    expect(await shopPercent()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);

    if ((await windowBanner().getAttribute('data-state')) === 'recovering') {
      expect(await page.getByTestId('window-headline').textContent()).toMatch(new RegExp(`^Rolled back by ${OPERATOR} at \\d{2}:\\d{2}: metrics recovering$`));
      // The steps' own checks, apart from the metrics (which are not back yet).
      expect(await page.getByTestId('window-detail').textContent()).toMatch(/^plan P0, 2 of 2 steps verified/);
      await page.screenshot({ path: join(SHOTS, 'recovering-1280x800.png') });
    }

    await expect.poll(() => windowBanner().getAttribute('data-state'), { timeout: 90_000, interval: 200 }).toBe('recovered');
    expect(await page.getByTestId('window-headline').textContent()).toMatch(/^Recovered at \d{2}:\d{2}: metrics back inside their lines$/);
    await page.screenshot({ path: join(SHOTS, 'recovered-1280x800.png') });
    expect(await page.getByTestId('window-detail').textContent()).toMatch(new RegExp(`^Rolled back by ${OPERATOR} at \\d{2}:\\d{2}, plan P0, 2 of 2 steps verified`));

    const offeredAgain = await page.evaluate('(window.__watching = false, window.__offeredAgain)');
    expect(offeredAgain).toEqual([]);
    expect(await page.getByTestId('alarm').count()).toBe(0);
    expect(await page.getByTestId('rollback-button').getAttribute('data-alarm')).not.toBe('true');
  });

  it('the session journal holds each change of the window state, in order, each from where the last one went', () => {
    const entries = journal();
    const changes = entries.filter((e) => e.type === 'window.state');
    const path = changes.map((e) => e.data.to as string);
    expect(path.slice(path.lastIndexOf('firing'))).toEqual(['firing', 'rolling-back', 'recovering', 'recovered']);
    for (let i = 1; i < changes.length; i++) expect(changes[i]!.data.from).toBe(changes[i - 1]!.data.to);
    const rolling = changes.find((e) => e.data.to === 'rolling-back')!;
    expect(rolling.data.cause).toBe(`rollback P0 started by ${OPERATOR}`);
    expect(typeof rolling.data.runId).toBe('string');
    // Journaled by main, in nobody's name.
    for (const change of changes) expect(change.by).toBeNull();
    // After the rollback's own entry, which caused it.
    expect(entries.indexOf(rolling)).toBeGreaterThan(entries.findIndex((e) => e.type === 'rollback.started'));
  });
});
