/**
 * Steps tick their items, and the timeline (issue 14), in Debian Chromium
 * through browser mode against the bundled demo environment:
 * - the flag step "Set checkout_v2 to 10%" done from the flag panel makes
 *   Flightdeck offer to tick that item with the read-back; one click ticks
 *   it, and the journal file holds the evidence;
 * - the health probe answering offers "Health endpoint responding"; "Not
 *   now" turns it down and nothing is ticked;
 * - capturing the baseline offers "Baseline metrics captured", accepted
 *   with the "a" key on the focused item;
 * - the timeline ("t") lists those events in journal order, filters by
 *   kind, moves with ↑/↓/End and Enter goes to the event's item.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoBrowserMode, launchChromium, openCockpit, sessionJournal, startDemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';

/** Screenshots of the offer and the timeline, for a person to look at. */
const SHOTS = fileURLToPath(new URL('../../test-results/ticks-timeline/', import.meta.url));
const FLAG = 'checkout_v2';
const OPERATOR = 'Dana Release';
const SET_10 = 'Set checkout_v2 to 10%';
const HEALTH = 'Health endpoint responding';
const BASELINE = 'Baseline metrics captured (take a snapshot for comparison)';

let browser: Browser;
let env: DemoEnv;
let demo: DemoBrowserMode;
let page: Page;


/** The session's journal, read from its file as an auditor would. */
const journal = () => sessionJournal(demo);

const ticksOf = (text: string) => journal().filter((e) => e.type === 'item.ticked' && e.data.itemText === text);
const item = (text: string) => page.locator(`[data-testid="item"][aria-label="${text}"]`);
const flagControl = () => page.locator(`[data-testid="flag-control"][data-flag="${FLAG}"]`);
const openPhase = (title: RegExp) => page.locator('[data-testid="phase-button"]').filter({ hasText: title }).click();

beforeAll(async () => {
  browser = await launchChromium();
  env = await startDemoEnv();
  demo = await startDemoBrowserMode(env, 'flightdeck-ticks-e2e-');
  page = await openCockpit(browser, demo.running, { operator: OPERATOR });
}, 120_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await demo?.stop();
  await env?.stop();
});

describe('steps tick their items', () => {
  it('the 10% flag step offers to tick its item with the read-back; one click ticks it and the journal holds the evidence', async () => {
    await openPhase(/Phase 1/);
    await flagControl().waitFor();
    await expect.poll(() => flagControl().getByTestId('flag-value').getAttribute('data-value'), { timeout: 30_000 }).toBe('0');
    expect(await item(SET_10).getByTestId('tick-offer').count()).toBe(0);

    await flagControl().locator('[data-testid="flag-step"][data-percent="10"]').click();
    await page.getByTestId('flag-confirm').getByTestId('flag-confirm-apply').click();

    const offer = item(SET_10).getByTestId('tick-offer');
    await offer.waitFor({ timeout: 30_000 });
    expect(await offer.getAttribute('data-act')).toBe('flag');
    const evidence = await offer.getByTestId('tick-offer-evidence').textContent();
    expect(evidence).toContain(`set ${FLAG} from 0 to 10`);
    expect(evidence).toContain('read back 10');
    expect(evidence).toContain(`by ${OPERATOR}`);
    // Offered, not ticked: nothing happens without the operator.
    expect(await item(SET_10).getAttribute('aria-checked')).toBe('false');
    expect(ticksOf(SET_10)).toHaveLength(0);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: join(SHOTS, 'flag-step-offer.png') });

    await offer.getByTestId('tick-offer-accept').click();
    await expect.poll(() => item(SET_10).getAttribute('aria-checked')).toBe('true');
    await expect.poll(() => item(SET_10).getByTestId('tick-offer').count()).toBe(0);
    // The ticked row says it was ticked on evidence, and what the evidence was on hover.
    const meta = item(SET_10).getByTestId('tick-meta');
    expect(await meta.getAttribute('data-evidence')).toBe('flag');
    expect(await meta.getAttribute('title')).toContain(`On Flightdeck's evidence: set ${FLAG} from 0 to 10, read back 10`);
    const [tick] = ticksOf(SET_10);
    expect(tick).toMatchObject({ by: OPERATOR, data: { checked: true, evidence: { act: 'flag', what: `set ${FLAG} from 0 to 10`, readBack: '10', by: OPERATOR } } });
    expect(Date.parse((tick!.data.evidence as { at: string }).at)).not.toBeNaN();
  });

  it('the health probe answering offers its item; "Not now" turns the offer down and ticks nothing', async () => {
    const offer = item(HEALTH).getByTestId('tick-offer');
    await offer.waitFor({ timeout: 30_000 });
    expect(await offer.getAttribute('data-act')).toBe('probe');
    expect(await offer.getByTestId('tick-offer-evidence').textContent()).toMatch(/probe shop-health answered \(http:\/\/127\.0\.0\.1:\d+\/health\), read back HTTP 200 in \d+ ms/);
    await offer.getByTestId('tick-offer-dismiss').click();
    await expect.poll(() => item(HEALTH).getByTestId('tick-offer').count()).toBe(0);
    expect(await item(HEALTH).getAttribute('aria-checked')).toBe('false');
    expect(ticksOf(HEALTH)).toHaveLength(0);
  });

  it('capturing the baseline offers "Baseline metrics captured"; the "a" key on the focused item accepts it', async () => {
    await openPhase(/Pre-Deployment/);
    // The baseline needs a reading in the last minute: wait for the metrics probe to answer.
    await expect.poll(() => page.locator('[data-testid="probe-light"][data-probe="shop-metrics"]').getAttribute('data-health'), { timeout: 30_000 }).toBe('up');
    // Clicked again only while no baseline was taken (the first reading may still be on its way).
    const info = page.getByTestId('baseline-info');
    await expect
      .poll(
        async () => {
          if ((await info.textContent())?.startsWith('No baseline')) await page.getByTestId('capture-baseline').click();
          return info.textContent();
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toMatch(/^Baseline \d/);
    await item(BASELINE).getByTestId('tick-offer').waitFor({ timeout: 30_000 });
    const offer = item(BASELINE).getByTestId('tick-offer');
    expect(await offer.getAttribute('data-act')).toBe('baseline');
    expect(await offer.getByTestId('tick-offer-evidence').textContent()).toMatch(/captured the baseline of \d+ series, read back shop-metrics\/\w+ [\d.]+\u00a0?\s?%/);

    await item(BASELINE).locator('.item-text').click();
    await expect.poll(() => item(BASELINE).getAttribute('data-focused')).toBe('true');
    await page.keyboard.press('a');
    await expect.poll(() => item(BASELINE).getAttribute('aria-checked')).toBe('true');
    const ticks = ticksOf(BASELINE);
    expect(ticks).toHaveLength(1);
    expect(ticks[0]).toMatchObject({ by: OPERATOR, data: { evidence: { act: 'baseline', by: OPERATOR } } });
  });
});

describe('the timeline', () => {
  it('lists the window’s events in journal order, on the graphs’ axis, filters by kind, and moves with the keys', async () => {
    await page.locator('body').press('t');
    const timeline = page.getByTestId('timeline');
    await timeline.waitFor();
    const events = timeline.getByTestId('timeline-event');
    await expect.poll(() => events.count()).toBeGreaterThanOrEqual(4);

    const seqs = (await events.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-seq'))))) as number[];
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    const titles = (await timeline.locator('.timeline-title').allTextContents()).map((t) => t.trim());
    const at = (title: string) => titles.indexOf(title);
    expect(at(`${FLAG} 0 → 10: ok`)).toBeGreaterThanOrEqual(0);
    expect(at(`Ticked “${SET_10}”`)).toBeGreaterThan(at(`${FLAG} 0 → 10: ok`));
    expect(at('Baseline captured')).toBeGreaterThan(at(`Ticked “${SET_10}”`));
    expect(at(`Ticked “${BASELINE}”`)).toBeGreaterThan(at('Baseline captured'));
    expect(await timeline.locator(`[data-testid="timeline-event"][data-kind="tick"] .timeline-detail`).first().textContent()).toContain('read back 10');
    // Everything just happened, so every event sits inside the graphs' range.
    expect(await timeline.getByTestId('timeline-mark').count()).toBe(titles.length);
    await page.screenshot({ path: join(SHOTS, 'timeline.png') });

    // Filters: ticks off, then on again.
    await timeline.locator('[data-testid="timeline-filter"][data-kind="tick"]').click();
    await expect.poll(() => timeline.locator('[data-testid="timeline-event"][data-kind="tick"]').count()).toBe(0);
    expect(await events.count()).toBe(titles.length - 2);
    await timeline.locator('[data-testid="timeline-filter"][data-kind="tick"]').click();
    await expect.poll(() => events.count()).toBe(titles.length);

    // Keys: the list has the focus; ↓ selects the first, ↓ the next, End the last, ↑ back one.
    const list = timeline.getByTestId('timeline-list');
    await list.focus();
    const selectedSeq = () => timeline.locator('[data-testid="timeline-event"][aria-selected="true"]').getAttribute('data-seq');
    await page.keyboard.press('ArrowDown');
    await expect.poll(selectedSeq).toBe(String(seqs[0]));
    await page.keyboard.press('ArrowDown');
    await expect.poll(selectedSeq).toBe(String(seqs[1]));
    await page.keyboard.press('End');
    await expect.poll(selectedSeq).toBe(String(seqs[seqs.length - 1]));
    await page.keyboard.press('ArrowUp');
    await expect.poll(selectedSeq).toBe(String(seqs[seqs.length - 2]));

    // Enter on the tick of "Set checkout_v2 to 10%" goes to that item in Phase 1.
    const target = at(`Ticked “${SET_10}”`);
    await page.keyboard.press('Home');
    for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
    await expect.poll(selectedSeq).toBe(String(seqs[target]));
    await page.keyboard.press('Enter');
    await expect.poll(() => timeline.count()).toBe(0);
    await expect.poll(() => item(SET_10).getAttribute('data-focused')).toBe('true');
    expect(await page.locator('[data-testid="phase-button"][aria-current="page"]').textContent()).toMatch(/Phase 1/);
  });

  it('opens from beside the graphs and from the More menu, and is listed in the ? help', async () => {
    await page.getByTestId('timeline-button').click();
    await page.getByTestId('timeline').waitFor();
    await page.getByTestId('timeline-close').click();
    await expect.poll(() => page.getByTestId('timeline').count()).toBe(0);

    await page.locator('body').press('?');
    const help = page.getByTestId('shortcuts-help');
    await expect.poll(() => help.textContent()).toContain('Show or hide the timeline');
    await page.keyboard.press('Escape');
    // The More menu is there when the window is narrow enough to fold the top bar.
    await page.setViewportSize({ width: 1024, height: 700 });
    await page.getByTestId('more-menu').click();
    await page.getByTestId('more-timeline').click();
    await page.getByTestId('timeline').waitFor();
    await page.getByTestId('timeline-close').click();
    await expect.poll(() => page.getByTestId('timeline').count()).toBe(0);
  });
});
