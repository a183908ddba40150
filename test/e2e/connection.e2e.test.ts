/**
 * A dead server must not look healthy, and a restart must not cost the open
 * tab or the graphs. In Debian Chromium through browser mode, against the
 * real demo environment: kill browser mode with SIGKILL (no shutdown code
 * runs), and within 3 s the tab says "Not connected" with no light up;
 * start it again on the same data directory with the same arguments, and
 * the same page, at the same URL and without a reload, recovers by itself,
 * ticks again, and its graphs still hold points from before the kill.
 * And a hung main (SIGSTOP: its socket stays open) is told by the missed
 * heartbeats alone.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openCockpit, startBrowserMode, startDemoBrowserMode, type DemoBrowserMode, type Running } from '../support/browser-mode';
import { notConnectedPainted, watchForNotConnected } from '../support/connection';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { waitFor } from '../support/wait';

let browser: Browser;
let demo: DemoEnv;
let app: DemoBrowserMode;
let restarted: Running | null = null;

beforeAll(async () => {
  demo = await startDemoEnv();
  app = await startDemoBrowserMode(demo, 'flightdeck-connection-e2e-');
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await restarted?.stop();
  await app?.stop();
  await demo?.stop();
});

/** Whether the open session's metrics.jsonl holds a line of `metric` yet (the recorder writes a 10 s mean once the next begins). */
function recorded(dataDir: string, metric: string): boolean {
  const sessions = join(dataDir, 'sessions');
  if (!existsSync(sessions)) return false;
  return readdirSync(sessions).some((id) => {
    const file = join(sessions, id, 'metrics.jsonl');
    return existsSync(file) && readFileSync(file, 'utf8').includes(`"metric":"${metric}"`);
  });
}

const firstPointAt = async (page: Page, metric: string) => Number((await page.locator(`[data-testid="metric-graph"][data-metric="${metric}"]`).getAttribute('data-first-t')) ?? 0);

describe('losing main and getting it back', () => {
  it('says Not connected within 3 s of a kill, and the same tab recovers with its history after a restart', async () => {
    const page = await openCockpit(browser, app.running, { operator: 'Dana Release' });
    const url = page.url();
    const lights = page.getByTestId('probe-light');
    await expect.poll(() => page.locator('[data-testid="probe-light"][data-health="up"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    // An error-rate mean is on disk, so a restart has history to reload for the graph this test reads.
    await waitFor('an error_rate line in metrics.jsonl', () => recorded(join(app.dir, 'data'), 'error_rate'), 60_000);
    // A mark in this document: after the restart it is still there, so the page was never reloaded.
    await page.evaluate('window.__sameDocument = true');

    await watchForNotConnected(page);
    const killedAt = Date.now();
    await app.running.kill();
    const lost = await notConnectedPainted(page);
    expect(lost.paintedAt - killedAt).toBeLessThan(3000);
    expect(lost.lights.length).toBeGreaterThan(0);
    expect(lost.lights).not.toContain('up');
    await expect.poll(() => page.getByTestId('connection-banner').textContent()).toContain('Not connected');
    expect(await lights.count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="probe-light"][data-health="up"]').count()).toBe(0);
    expect(await page.locator('[data-testid="metric-graph"][data-state="live"]').count()).toBe(0);
    // Acts are disabled, and say why.
    const box = page.getByTestId('item-checkbox').first();
    expect(await box.isDisabled()).toBe(true);
    expect(await box.getAttribute('title')).toContain('Not connected');

    restarted = await startBrowserMode(app.running.args);
    // The same port and token: the address printed before still works.
    expect(restarted.launchUrl).toBe(app.running.launchUrl);

    await expect.poll(() => page.getByTestId('connection-banner').count(), { timeout: 20_000 }).toBe(0);
    expect(page.url()).toBe(url);
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await expect.poll(() => page.locator('[data-testid="probe-light"][data-health="up"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);

    // A tick goes through on the recovered page and is journaled by the new process.
    const item = page.getByTestId('item').first();
    expect(await item.getAttribute('aria-checked')).toBe('false');
    await item.getByTestId('item-checkbox').click();
    await expect.poll(() => item.getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => item.getByTestId('tick-meta').first().textContent()).toContain('Dana Release');

    // The graph still reaches back before the kill: the recorded means were reloaded by the new process.
    await expect.poll(() => firstPointAt(page, 'error_rate'), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await firstPointAt(page, 'error_rate')).toBeLessThan(killedAt);

    // And from main itself, not from what the old page kept: a fresh page at the same address shows the same history.
    const fresh = await openCockpit(browser, restarted);
    await expect.poll(() => firstPointAt(fresh, 'error_rate'), { timeout: 20_000 }).toBeGreaterThan(0);
    expect(await firstPointAt(fresh, 'error_rate')).toBeLessThan(killedAt);
    await fresh.close();
    await page.close();
  });

  it('says Not connected when main hangs with its connection open, from the missed heartbeats alone, and recovers when it answers again', async () => {
    const own = await startDemoBrowserMode(demo, 'flightdeck-connection-hang-e2e-');
    try {
      const running = own.running;
      const page = await openCockpit(browser, running);
      await expect.poll(() => page.locator('[data-testid="probe-light"][data-health="up"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await watchForNotConnected(page);
      // Stopped, not killed: the socket stays open, so only the silence can tell.
      process.kill(running.pid, 'SIGSTOP');
      try {
        const lost = await notConnectedPainted(page);
        expect(lost.lights).not.toContain('up');
      } finally {
        process.kill(running.pid, 'SIGCONT');
      }
      await expect.poll(() => page.getByTestId('connection-banner').count(), { timeout: 20_000 }).toBe(0);
      await expect.poll(() => page.locator('[data-testid="probe-light"][data-health="up"]').count(), { timeout: 30_000 }).toBeGreaterThan(0);
      await page.close();
    } finally {
      await own.stop();
    }
  });
});
