/**
 * The cockpit at laptop sizes, in Debian Chromium through browser mode,
 * against the real demo environment: at 1024×700, 1280×800 and 1920×1080,
 * with the demo runbook and with a copy whose title is 120 characters long,
 * ROLLBACK is wholly inside the window, the page never scrolls sideways,
 * and the first checklist item is on screen without scrolling, also with
 * the gate panel unfolded (it takes at most a third of the column). Each
 * case leaves screenshots in test-results/layout/ for a person to look at.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';

const SHOTS = fileURLToPath(new URL('../../test-results/layout/', import.meta.url));
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

/** A title as long as the ones that pushed ROLLBACK off screen: exactly 120 characters. */
const LONG_TITLE = 'Demo Shop Checkout v2 Rollout for the EU-West and US-East Production Clusters with the Payments Team on Call: Window 42'.padEnd(120, '!');

let browser: Browser;
let env: DemoEnv;
let demo: DemoBrowserMode;
let long: DemoBrowserMode;

beforeAll(async () => {
  expect(LONG_TITLE).toHaveLength(120);
  mkdirSync(SHOTS, { recursive: true });
  browser = await launchChromium();
  env = await startDemoEnv();
  demo = await startDemoBrowserMode(env, 'flightdeck-layout-e2e-');
  // The copy's runbook sits beside its profile; its H1 is changed before it is trusted and opened.
  long = await startDemoBrowserMode(env, 'flightdeck-layout-long-e2e-', (profileFile) => {
    const runbook = join(dirname(profileFile), 'runbook.md');
    // And a long pipeline as real runbooks have (corpus 18): its command card must wrap inside the live column.
    const pipeline = `\n\`\`\`bash\ncurl -s http://127.0.0.1:4810/metrics/prom | grep 'http_server_requests_seconds_summary.*quantile="0.99"' | awk '{print $NF}'\n\`\`\`\n`;
    writeFileSync(runbook, readFileSync(runbook, 'utf8').replace(/^# .*$/m, `# ${LONG_TITLE}`) + pipeline);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await long?.stop();
  await env?.stop();
});

/** A box wholly inside the viewport. */
async function insideViewport(page: Page, testId: string): Promise<{ box: { x: number; y: number; width: number; height: number }; inside: boolean }> {
  const box = await page.getByTestId(testId).first().boundingBox();
  expect(box, `${testId} has no box`).not.toBeNull();
  const view = page.viewportSize()!;
  const inside = box!.x >= 0 && box!.y >= 0 && box!.x + box!.width <= view.width && box!.y + box!.height <= view.height;
  return { box: box!, inside };
}

describe.each([
  { name: 'demo', title: 'Demo Shop: Checkout v2 Rollout', runbook: () => demo },
  { name: 'long-title', title: LONG_TITLE, runbook: () => long },
])('the $name runbook', ({ name, title, runbook }) => {
  it.each(SIZES)('at $width×$height keeps ROLLBACK and the first item in view, with no sideways scrolling', async (size) => {
    const context = await browser.newContext({ viewport: size });
    try {
      const page = await openCockpit(context, runbook().running);
      await expect.poll(() => page.getByTestId('runbook-title').textContent(), { timeout: 15_000 }).toBe(title);
      // The live column fills in as telemetry and control load: measure the page as it settles, not as it starts.
      await page.getByTestId('control-panel').waitFor({ timeout: 20_000 });
      await page.getByTestId('telemetry-panel').waitFor({ timeout: 20_000 });
      await page.getByTestId('gate-panel').waitFor({ timeout: 20_000 });
      await page.screenshot({ path: join(SHOTS, `${name}-${size.width}x${size.height}.png`) });

      const rollback = await insideViewport(page, 'rollback-button');
      expect(rollback.inside, `ROLLBACK at ${JSON.stringify(rollback.box)} in ${size.width}×${size.height}`).toBe(true);
      expect(await page.getByTestId('rollback-button').isVisible()).toBe(true);

      // A string: the tests are compiled without the DOM's types.
      const widths = await page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })');
      expect(widths.scroll, `the page is ${widths.scroll} px wide in a ${widths.inner} px window`).toBeLessThanOrEqual(widths.inner);

      // No card in the live column reaches past the window (a long command line wraps instead).
      const overflowing = await page.evaluate<string[]>(
        "[...document.querySelectorAll('[data-testid=\"command\"]')].filter((el) => el.getBoundingClientRect().right > window.innerWidth + 0.5).map((el) => el.textContent.slice(0, 60))",
      );
      expect(overflowing, 'command cards past the right edge').toEqual([]);

      // Visible without scrolling: inside the viewport and inside the checklist's own scroller, as it first shows.
      const item = await insideViewport(page, 'item');
      expect(item.inside, `first item at ${JSON.stringify(item.box)} in ${size.width}×${size.height}`).toBe(true);
      const unclipped = await page.getByTestId('item').first().evaluate((el) => {
        const scroller = el.closest('.main-scroll');
        if (!scroller) return false;
        const a = el.getBoundingClientRect();
        const b = scroller.getBoundingClientRect();
        return scroller.scrollTop === 0 && a.top >= b.top && a.top + Math.min(a.height, 24) <= b.bottom;
      });
      expect(unclipped, 'the first item is inside the checklist as it first shows').toBe(true);

      // The long title is cut with an ellipsis, with all of it on hover.
      expect(await page.getByTestId('runbook-title').getAttribute('title')).toBe(title);

      // The gate panel is one line until asked; unfolded it takes at most a third of the column, and the first item stays in view.
      const panel = page.getByTestId('gate-panel');
      const folded = (await panel.boundingBox())!;
      expect(folded.height, 'the folded gate panel is one line').toBeLessThan(48);
      await panel.getByTestId('gate-toggle').click();
      await panel.getByTestId('gate-card').waitFor();
      const open = (await panel.boundingBox())!;
      const column = (await page.locator('main.main').boundingBox())!;
      expect(open.height, `the unfolded gate panel is ${open.height} px of a ${column.height} px column`).toBeLessThanOrEqual(column.height / 3 + 1);
      expect(open.height).toBeGreaterThan(folded.height);
      await page.screenshot({ path: join(SHOTS, `${name}-${size.width}x${size.height}-gates-open.png`) });
      const itemThen = await insideViewport(page, 'item');
      expect(itemThen.inside, `first item at ${JSON.stringify(itemThen.box)} with the gate panel open`).toBe(true);
    } finally {
      await context.close();
    }
  }, 90_000);
});
