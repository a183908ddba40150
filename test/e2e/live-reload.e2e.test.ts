/**
 * Live reload (issue 15), in Debian Chromium through browser mode against
 * the demo environment: editing the profile beside the open runbook is
 * read within 2 s without a restart. A change that adds no power (an
 * alarm-only trigger) keeps running under the approval it had; a new probe
 * is new power, so the runbook is back in review mode until approved, and
 * then the probe's light shows. A type error in one entry is shown in the
 * UI as file:line: field, and every other entry keeps working.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';

/** The bound for an edit to show. */
const RELOAD_MS = 2000;

let browser: Browser;
let env: DemoEnv;
let app: DemoBrowserMode;
let page: Page;
let original: string;

beforeAll(async () => {
  env = await startDemoEnv();
  app = await startDemoBrowserMode(env, 'flightdeck-reload-e2e-');
  original = readFileSync(app.profileFile, 'utf8');
  browser = await launchChromium();
  page = await openCockpit(browser, app.running);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await env?.stop();
});

const light = (probe: string) => page.locator(`[data-testid="probe-light"][data-probe="${probe}"]`);
const trustState = () => page.getByTestId('trust-bar').getAttribute('data-state');
const notices = () => page.getByTestId('notice').allTextContents();

/** An edit as an editor saves it; returns when it was written. */
function edit(text: string): number {
  writeFileSync(app.profileFile, text);
  return Date.now();
}

/** The first line of the profile that contains `needle`, 1-based. */
function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

const ALARM = ['gates:', '  triggers:', '    - { text: "Reload alarm", metric: error_rate, op: ">", value: 50 }', ''].join('\n');

describe('a profile edited beside the open runbook', () => {
  it('takes an edit that adds no power within 2 s, still approved, without a restart', async () => {
    await expect.poll(() => light('shop-health').getAttribute('data-health'), { timeout: 20_000 }).toBe('up');
    expect(await trustState()).toBe('trusted');
    const panel = page.getByTestId('gate-panel');
    await panel.waitFor();
    if ((await panel.getByTestId('trigger').count()) === 0) await panel.getByTestId('gate-toggle').click();

    const at = edit(`${original}\n${ALARM}`);
    const trigger = panel.locator('[data-testid="trigger"]').filter({ hasText: 'Reload alarm' });
    await expect.poll(() => trigger.count(), { timeout: RELOAD_MS, interval: 50 }).toBe(1);
    expect(Date.now() - at).toBeLessThanOrEqual(RELOAD_MS);
    expect(await trustState()).toBe('trusted');
    expect((await notices()).join('\n')).toMatch(/runbook\.flightdeck\.yaml changed and was read again/);
    // The probes kept running: the same process, no restart, the light still up.
    await expect.poll(() => light('shop-health').getAttribute('data-health'), { timeout: 10_000 }).toBe('up');
  });

  it('puts a new probe under review within 2 s; once approved, its light shows', async () => {
    const origin = /http:\/\/127\.0\.0\.1:\d+/.exec(original)![0];
    const withProbe = original.replace('probes:\n', `probes:\n  - { name: reload-check, kind: http, url: "${origin}/health", intervalSeconds: 1 }\n`);
    const at = edit(`${withProbe}\n${ALARM}`);
    await expect.poll(trustState, { timeout: RELOAD_MS, interval: 50 }).toBe('changed');
    expect(Date.now() - at).toBeLessThanOrEqual(RELOAD_MS);

    await page.getByTestId('trust-review').click();
    await page.getByTestId('trust-dialog').waitFor();
    expect(await page.getByTestId('trust-changes').textContent()).toContain('reload-check');
    const hold = page.getByTestId('trust-hold');
    const box = await hold.boundingBox();
    if (!box) throw new Error('the hold button is not on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await expect.poll(trustState, { timeout: 10_000 }).toBe('trusted');
    await page.mouse.up();
    await expect.poll(() => light('reload-check').getAttribute('data-health'), { timeout: 20_000 }).toBe('up');
  });

  it('shows a type error as file:line: field, drops only that entry, and keeps the rest working', async () => {
    const current = readFileSync(app.profileFile, 'utf8');
    const broken = current.replace('    - { text: "Reload alarm", metric: error_rate, op: ">", value: 50 }', '    - { text: "Reload alarm", metric: error_rate, op: ">", value: 50 }\n    - { text: "Broken alarm", metric: error_rate, op: ">", value: fifty }');
    const line = lineOf(broken, 'Broken alarm');
    edit(broken);
    const expected = `${app.profileFile}:${line}: Profile: gates.triggers[1].value expected a number, got a string.`;
    await expect.poll(async () => (await notices()).some((n) => n.includes(expected)), { timeout: RELOAD_MS * 2, interval: 50 }).toBe(true);
    // Nothing else was dropped: still approved (an alarm adds no power), both probes up, the good trigger there.
    expect(await trustState()).toBe('trusted');
    await expect.poll(() => light('reload-check').getAttribute('data-health'), { timeout: 10_000 }).toBe('up');
    await expect.poll(() => light('shop-health').getAttribute('data-health'), { timeout: 10_000 }).toBe('up');
    const panel = page.getByTestId('gate-panel');
    expect(await panel.locator('[data-testid="trigger"]').filter({ hasText: 'Reload alarm' }).count()).toBe(1);
    expect(await panel.locator('[data-testid="trigger"]').filter({ hasText: 'Broken alarm' }).count()).toBe(0);
    // Main said it once, in the UI; no stack trace in its output.
    expect(app.running.output()).not.toMatch(/at \S+ \(.*\.js:\d+:\d+\)/);
  });

  it('opens an uploaded runbook with the profile picked with it, and asks for the profile when it comes alone', async () => {
    const input = page.getByTestId('open-file-input');
    await input.setInputFiles([app.runbook]);
    await expect.poll(async () => (await notices()).some((n) => n.includes('opened without a deployment profile') && n.includes('runbook.flightdeck.yaml')), { timeout: 10_000 }).toBe(true);
    // Alone it has nothing to approve: the bar only offers to make it live.
    await expect.poll(trustState, { timeout: 10_000 }).toBe('inert');

    await input.setInputFiles([app.runbook, app.profileFile]);
    // The profile came along: what it would do is listed for approval, pinned to the two names.
    await expect.poll(trustState, { timeout: 10_000 }).toBe('untrusted');
    await page.getByTestId('trust-review').click();
    expect(await page.getByTestId('trust-dialog').textContent()).toContain('reload-check');
  });
});
