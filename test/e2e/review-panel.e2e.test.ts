/**
 * "What Flightdeck read" (issue 15) in Debian Chromium through browser mode:
 * the panel lists what was read with its runbook line, a click on the line
 * shows it in the checklist, and ignoring a threshold saves an override in
 * the profile (its comments kept, the markdown untouched) and takes the
 * threshold off the graph's bands without a restart.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { parseFile } from '../support/runbooks';

let browser: Browser;
let env: DemoEnv;
let app: DemoBrowserMode;
let page: Page;

beforeAll(async () => {
  env = await startDemoEnv();
  app = await startDemoBrowserMode(env, 'flightdeck-review-e2e-');
  browser = await launchChromium();
  page = await openCockpit(browser, app.running);
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await env?.stop();
});

describe('the review panel', () => {
  it('lists each reading with its line, jumps to it, and saves an ignore as an override that takes the band away', async () => {
    const target = parseFile(app.runbook).thresholds.find((t) => t.metric === 'latency_p95' && t.value === 300);
    expect(target, 'the demo runbook names "p95 latency < 300ms"').toBeDefined();
    const markdownBefore = readFileSync(app.runbook, 'utf8');
    const bandsAt = (value: number) => page.locator(`[data-testid="metric-graph"][data-metric="latency_p95"] [data-testid="threshold-band"][data-from="${value}"], [data-testid="metric-graph"][data-metric="latency_p95"] [data-testid="threshold-band"][data-to="${value}"]`);
    await expect.poll(() => bandsAt(300).count(), { timeout: 20_000 }).toBeGreaterThan(0);

    await page.getByTestId('review-toggle').click();
    const row = page.locator(`[data-testid="review-item"][data-line="${target!.line}"][data-kind="threshold"]`);
    await row.waitFor();
    expect(await row.getByTestId('review-reading').textContent()).toMatch(/^latency_p95 < 300 ms/);
    expect(await row.locator('mark').textContent()).toBe(target!.text);

    await row.getByTestId('review-jump').click();
    const item = page.locator(`[data-item-id="${target!.itemId}"]`);
    await expect.poll(() => item.getAttribute('data-focused')).toBe('true');

    await row.getByTestId('review-ignore').click();
    await expect.poll(() => row.getAttribute('data-choice'), { timeout: 10_000 }).toBe('ignore');
    const profile = readFileSync(app.profileFile, 'utf8');
    expect(profile).toMatch(new RegExp(`overrides:\\n  - \\{ line: ${target!.line}, kind: threshold, metric: latency_p95, choice: ignore \\}`));
    expect(profile.startsWith('# Deployment profile of the demo runbook')).toBe(true);
    expect(readFileSync(app.runbook, 'utf8')).toBe(markdownBefore);
    // No restart: the band of the ignored threshold is gone, and an ignore adds no power, so it stays approved.
    await expect.poll(() => bandsAt(300).count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByTestId('trust-bar').getAttribute('data-state')).toBe('trusted');

    // Bring it back: "Ignore" again is the runbook's reading.
    await row.getByTestId('review-ignore').click();
    await expect.poll(() => row.getAttribute('data-choice'), { timeout: 10_000 }).toBe('read');
    await expect.poll(() => bandsAt(300).count(), { timeout: 10_000 }).toBeGreaterThan(0);
  });
});
