/**
 * Live telemetry in Debian Chromium through browser mode, against the real
 * demo environment: the graphs fill and keep moving, their bands are the
 * runbook's own thresholds, a baseline can be captured, and a probe whose
 * server goes away turns red within its deadline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { loadProfileFile } from '../../src/main/services/profile/profile-loader';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { parseFile } from '../support/runbooks';

/** Past a probe's own interval and deadline: one batch interval, the event stream and a frame, with room for a loaded machine. */
const SLACK_MS = 3000;

let browser: Browser;
let demo: DemoEnv;
let app: DemoBrowserMode;
let page: Page;
/** What Chromium refused under the bridge's Content-Security-Policy (recharts and React set styles; they must do it through the CSSOM). */
const cspViolations: string[] = [];

beforeAll(async () => {
  demo = await startDemoEnv();
  app = await startDemoBrowserMode(demo, 'flightdeck-telemetry-e2e-');
  browser = await launchChromium();
  page = await openCockpit(browser, app.running, {
    beforeLoad: (opened) =>
      opened.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
      }),
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await demo?.stop();
});

const graph = (metric: string) => page.locator(`[data-testid="metric-graph"][data-metric="${metric}"]`);
const pointsOf = async (metric: string) => Number((await graph(metric).getAttribute('data-points')) ?? 0);

/** Seconds from the first to the last tick of a graph's time axis (ticks read HH:MM:SS up to 15 minutes). */
async function timeAxisSpanSeconds(metric: string): Promise<number> {
  const ticks = await graph(metric).locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value').allTextContents();
  const seconds = ticks.map((t) => t.split(':').reduce((sum, part, i) => sum + Number(part) * [3600, 60, 1][i]!, 0));
  if (seconds.length < 2) return 0;
  return (seconds[seconds.length - 1]! - seconds[0]! + 86_400) % 86_400;
}

describe('live telemetry against the demo environment', () => {
  it('draws the four graphs the checklists watch, and they keep filling', async () => {
    await page.getByTestId('telemetry-panel').waitFor();
    expect(await page.getByTestId('telemetry-placeholder').count()).toBe(0);
    for (const metric of ['error_rate', 'latency_p95', 'cache_hit_rate', 'db_connections']) {
      await graph(metric).waitFor();
      await expect.poll(() => pointsOf(metric), { timeout: 20_000 }).toBeGreaterThan(0);
    }
    const before = await pointsOf('error_rate');
    await expect.poll(() => pointsOf('error_rate'), { timeout: 20_000 }).toBeGreaterThan(before);
    // The current reading is a number with its unit, not a placeholder dash.
    await expect.poll(() => graph('latency_p95').getByTestId('metric-value').textContent()).toMatch(/^\d+(\.\d+)? m?s$/);
    await expect.poll(() => graph('error_rate').getByTestId('metric-value').textContent()).toMatch(/^\d+(\.\d+)? %$/);
    // The band is said in words, not only by the number's colour.
    const band = await graph('error_rate').getByTestId('metric-value').getAttribute('data-band');
    expect(['green', 'yellow', 'red']).toContain(band);
    expect(await graph('error_rate').getByTestId('metric-band').textContent()).toBe({ green: 'ok', yellow: 'yellow flag', red: 'red flag' }[band!]);
    // The graphs drew under the bridge's CSP (style-src 'self') without a refusal.
    expect(cspViolations).toEqual([]);
  });

  it("draws the runbook's yellow and red flags as the error-rate bands", async () => {
    const thresholds = parseFile(app.runbook).thresholds.filter((t) => t.metric === 'error_rate');
    const yellow = thresholds.find((t) => t.severity === 'yellow');
    const red = thresholds.find((t) => t.severity === 'red');
    expect(yellow, 'the demo runbook names a yellow flag for the error rate').toBeDefined();
    expect(red, 'the demo runbook names a red flag for the error rate').toBeDefined();

    const band = (kind: string) => graph('error_rate').locator(`[data-testid="threshold-band"][data-band="${kind}"]`);
    await expect.poll(() => band('red').count()).toBe(1);
    expect(Number(await band('green').getAttribute('data-to'))).toBe(yellow!.value);
    expect(Number(await band('yellow').getAttribute('data-from'))).toBe(yellow!.value);
    expect(Number(await band('yellow').getAttribute('data-to'))).toBe(red!.value);
    expect(Number(await band('red').getAttribute('data-from'))).toBe(red!.value);
    // Drawn, not just present: the bands have height on screen, stacked green below red.
    const [green, redBox] = await Promise.all([band('green').boundingBox(), band('red').boundingBox()]);
    expect(green!.height).toBeGreaterThan(0);
    expect(redBox!.height).toBeGreaterThan(0);
    expect(redBox!.y).toBeLessThan(green!.y);
  });

  it('captures a baseline and draws it on the graphs', async () => {
    await page.getByTestId('capture-baseline').click();
    await expect.poll(() => page.getByTestId('baseline-info').textContent()).toMatch(/^Baseline \d{2}:\d{2}/);
    await expect.poll(() => graph('error_rate').locator('.baseline-line').count()).toBeGreaterThan(0);
    // The capture is a marker on the time axis too.
    await expect.poll(() => graph('error_rate').locator('.marker-baseline').count()).toBeGreaterThan(0);
  });

  it('switches the time range and keeps drawing', async () => {
    await page.locator('[data-testid="range-button"][data-range="900"]').click();
    await expect.poll(() => page.locator('[data-testid="range-button"][data-range="900"]').getAttribute('aria-pressed')).toBe('true');
    // The time axis now spans more than the 5 minutes it showed, and new samples keep arriving.
    await expect.poll(() => timeAxisSpanSeconds('error_rate')).toBeGreaterThan(300);
    const lastT = async () => Number((await graph('error_rate').getAttribute('data-last-t')) ?? 0);
    const before = await lastT();
    await expect.poll(lastT, { timeout: 20_000 }).toBeGreaterThan(before);
    expect(cspViolations).toEqual([]);
  });

  it('turns a probe red, saying Down, within its deadline once its server is gone', async () => {
    const { profile } = await loadProfileFile(app.profileFile);
    const health = profile.probes.find((p) => p.kind === 'http');
    expect(health, 'the demo profile has an HTTP health probe').toBeDefined();
    const light = page.locator(`[data-testid="probe-light"][data-probe="${health!.name}"]`);
    await expect.poll(() => light.getAttribute('data-health'), { timeout: 20_000 }).toBe('up');

    const deadline = health!.timeoutMs + health!.intervalSeconds * 1000 + SLACK_MS;
    const stoppedAt = Date.now();
    await demo.stop();
    await expect.poll(() => light.getAttribute('data-health'), { timeout: deadline, interval: 100 }).toBe('down');
    expect(Date.now() - stoppedAt).toBeLessThanOrEqual(deadline);
    expect(await light.textContent()).toContain('Down');
    expect(await light.getAttribute('title')).toMatch(/checked \d{2}:\d{2}:\d{2}/);
  });
});
