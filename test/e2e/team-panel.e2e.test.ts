/**
 * The team window on screen (issue 16), in Debian Chromium through browser
 * mode, against the real demo environment: the team panel shows the store's
 * connection, who is in the session and where, what is not yet shared, who
 * holds the single flight and the rows the store refused; the checklist
 * shows another member's tick with their name, the "not yet shared" marker,
 * and both an offline tick and someone else's untick in the item's
 * history; the rollback dialog follows the other member's rollback instead
 * of offering a second plan. At 1024×700, 1280×800 and 1920×1080 the panel
 * fits (no sideways scroll, ROLLBACK in view); screenshots are left in
 * test-results/team/ for a person to look at.
 *
 * The team view is a FAKE, written by this test into a JSON file that
 * browser mode reads through its test-only hook (FLIGHTDECK_TEST_TEAM_VIEW,
 * src/main/bridge/test-team-file.ts): the real team sync and its PostgreSQL
 * store are being written by someone else at the same time. What is tested
 * here is everything from main's TeamSource to the screen.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TeamView } from '../../src/shared/team-model';
import type { Cockpit } from '../../src/shared/contract';
import { tempDir } from '../support/app';
import { callFromPage, launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';

const SHOTS = fileURLToPath(new URL('../../test-results/team/', import.meta.url));
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;
const STORE = '127.0.0.1:5432/flightdeck';
const REFUSAL = "(item.ticked by Ada): its signature is not Ada's";

let browser: Browser;
let env: DemoEnv;
let demo: DemoBrowserMode;
let viewDir: { path: string; remove: () => void };
let viewFile: string;

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

/** A team of three: Grace (this laptop), Ada online and rolling back, Bob offline. */
function teamView(over: Partial<TeamView> = {}): TeamView {
  return {
    session: 'window-42',
    store: STORE,
    you: { key: 'k-grace', name: 'Grace' },
    connection: 'connected',
    lastError: null,
    members: [
      { key: 'k-grace', name: 'Grace', online: true, phase: null, item: null, lastSeen: ago(0), you: true },
      { key: 'k-ada', name: 'Ada', online: true, phase: null, item: null, lastSeen: ago(500), you: false },
      { key: 'k-bob', name: 'Bob', online: false, phase: null, item: null, lastSeen: ago(12_000), you: false },
    ],
    unshared: [7, 8],
    lease: { holderKey: 'k-ada', holder: 'Ada', purpose: 'rollback', subject: 'plan app-only', expiresAt: later(9000), expired: false, you: false },
    refused: [{ seq: 12, message: REFUSAL }],
    items: {},
    head: { seq: 11, hash: 'ab'.repeat(32) },
    ...over,
  };
}

/** Replaces the file whole (write, then rename), so browser mode never reads half of it. */
function showTeam(view: TeamView): void {
  const temp = `${viewFile}.tmp`;
  writeFileSync(temp, JSON.stringify(view));
  renameSync(temp, viewFile);
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  viewDir = tempDir('flightdeck-team-view-');
  viewFile = join(viewDir.path, 'team.json');
  showTeam(teamView());
  browser = await launchChromium();
  env = await startDemoEnv();
  demo = await startDemoBrowserMode(env, 'flightdeck-team-e2e-', { env: { FLIGHTDECK_TEST_TEAM_VIEW: viewFile } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await env?.stop();
  viewDir?.remove();
});

/** The demo's first phase and its first two items, as main has them. */
async function firstItems(page: Page): Promise<{ phase: { id: string; title: string }; a: { id: string; text: string }; b: { id: string; text: string } }> {
  const answer = await callFromPage(page, 'getCockpit', {});
  expect(answer.ok).toBe(true);
  const runbook = (answer.value as Cockpit).runbook!;
  const [a, b] = runbook.items;
  const phase = runbook.phases.find((p) => p.id === a!.phaseId) ?? runbook.phases[0]!;
  return { phase: { id: phase.id, title: phase.title }, a: { id: a!.id, text: a!.text }, b: { id: b!.id, text: b!.text } };
}

/** The view with Ada's tick on item a, and on item b Bob's untick followed by Grace's offline tick still in her outbox. */
function withItems(items: Awaited<ReturnType<typeof firstItems>>, over: Partial<TeamView> = {}): TeamView {
  const base = teamView(over);
  return {
    ...base,
    members: base.members.map((m) => (m.name === 'Ada' ? { ...m, phase: items.phase.id, item: items.a.id } : m)),
    items: {
      [items.a.id]: { checked: true, history: [{ kind: 'tick', text: null, author: 'Ada', by: 'Ada', at: ago(60_000), seq: 9 }] },
      [items.b.id]: {
        checked: true,
        history: [
          { kind: 'untick', text: null, author: 'Bob', by: 'Bob', at: ago(30_000), seq: 10 },
          { kind: 'tick', text: null, author: 'Grace', by: 'Grace', at: ago(40_000), seq: null },
        ],
      },
    },
    ...over,
  };
}

describe('the team panel', () => {
  it('shows the members and their presence, what is not yet shared, the lease, a refusal, and the team on the items', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const page = await openCockpit(context, demo.running);
      const panel = page.getByTestId('team-panel');
      await panel.waitFor({ timeout: 20_000 });
      await expect.poll(() => page.getByTestId('team-connection').textContent()).toBe(`Connected to ${STORE}`);
      expect(await page.getByTestId('team-unshared').textContent()).toBe('2 not yet shared');

      const members = page.getByTestId('team-member');
      expect(await members.count()).toBe(3);
      const grace = members.filter({ hasText: 'Grace' });
      expect(await grace.getAttribute('data-you')).toBe('true');
      expect(await grace.textContent()).toContain('you');
      const bob = members.filter({ hasText: 'Bob' });
      expect(await bob.getAttribute('data-online')).toBe('false');
      expect(await bob.textContent()).toMatch(/last seen 1\d s ago/);
      expect(await members.filter({ hasText: 'Ada' }).getAttribute('data-online')).toBe('true');

      expect(await page.getByTestId('team-lease').textContent()).toBe('Ada is rolling back: plan app-only');
      expect(await page.getByTestId('team-refusal').textContent()).toBe(`Refused from the team store: entry 12 ${REFUSAL}`);
      // Red, as a refusal must be: the danger colour, not the text's.
      // A string: the tests are compiled without the DOM's types.
      const colours = await page.evaluate<string[]>(
        "(() => { const el = document.querySelector('[data-testid=\"team-refusal\"]'); return [getComputedStyle(el).color, getComputedStyle(el.closest('.team-panel')).color]; })()",
      );
      expect(colours[0]).not.toBe(colours[1]);

      // The team's ticks reach the checklist: a new view, played as the sync would after Ada and Bob acted.
      const items = await firstItems(page);
      showTeam(withItems(items));
      const rowA = page.locator(`[data-testid="item"][data-item-id="${items.a.id}"]`);
      await expect.poll(() => rowA.getAttribute('aria-checked'), { timeout: 10_000 }).toBe('true');
      expect(await rowA.getByTestId('tick-meta').textContent()).toContain('Ada');
      expect(await rowA.getByTestId('item-not-yet-shared').count()).toBe(0);
      // The phase's count follows the boxes: the team's two ticks are two done.
      expect(await page.getByTestId('phase-view-progress').textContent()).toMatch(/^2 of \d+ done$/);
      // Ada's place, by the runbook's titles.
      expect(await members.filter({ hasText: 'Ada' }).textContent()).toContain(`${items.phase.title} · ${items.a.text}`);

      const rowB = page.locator(`[data-testid="item"][data-item-id="${items.b.id}"]`);
      expect(await rowB.getAttribute('aria-checked')).toBe('true');
      expect(await rowB.getByTestId('item-not-yet-shared').textContent()).toBe('not yet shared');
      const history = rowB.getByTestId('team-history-event');
      expect(await history.count()).toBe(2);
      expect(await history.nth(0).textContent()).toMatch(/^Bob unticked · \d\d:\d\d$/);
      expect(await history.nth(1).textContent()).toMatch(/^Grace ticked · \d\d:\d\d · not yet shared$/);
      expect(await history.nth(1).getAttribute('data-shared')).toBe('false');

      // The rollback button follows Ada's rollback: it says so, and its dialog offers no second plan.
      expect(await page.getByTestId('rollback-button').getAttribute('title')).toBe('Ada is rolling back: follow it');
      await page.getByTestId('rollback-button').click();
      const dialog = page.getByTestId('rollback-dialog');
      expect(await dialog.getByTestId('rollback-follow').textContent()).toBe('Ada is rolling back: follow it');
      expect(await dialog.getByTestId('rollback-plan-steps').count()).toBe(0);
      await page.screenshot({ path: join(SHOTS, 'follow-rollback.png') });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      // Ada's laptop stops answering: her lease expires, and the dialog offers the plan again.
      showTeam(withItems(items, { lease: { holderKey: 'k-ada', holder: 'Ada', purpose: 'rollback', subject: 'plan app-only', expiresAt: ago(2000), expired: true, you: false } }));
      await expect.poll(() => page.getByTestId('team-lease').getAttribute('data-expired')).toBe('true');
      expect(await page.getByTestId('team-lease').textContent()).toMatch(/^Ada's lease expired at \d\d:\d\d \(their laptop stopped answering\)$/);
      expect(await page.getByTestId('rollback-button').getAttribute('data-follow')).toBeNull();
      await page.getByTestId('rollback-button').click();
      await dialog.getByTestId('rollback-plan-steps').waitFor();
      expect(await dialog.getByTestId('rollback-follow').count()).toBe(0);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      // This laptop loses the store: the panel says so with the reason, and the ticks already shown stay.
      showTeam(withItems(items, { connection: 'offline', lastError: 'connect ECONNREFUSED 127.0.0.1:5432', lease: null, unshared: [7, 8, 9] }));
      await expect.poll(() => page.getByTestId('team-connection').textContent()).toBe('Offline: connect ECONNREFUSED 127.0.0.1:5432');
      expect(await panel.getAttribute('data-connection')).toBe('offline');
      expect(await page.getByTestId('team-unshared').textContent()).toBe('3 not yet shared');
      expect(await page.getByTestId('team-lease').count()).toBe(0);
      expect(await rowA.getAttribute('aria-checked')).toBe('true');
    } finally {
      await context.close();
    }
  }, 120_000);

  it.each(SIZES)('at $width×$height fits the live column: no sideways scroll, ROLLBACK in view', async (size) => {
    const context = await browser.newContext({ viewport: size });
    try {
      const page = await openCockpit(context, demo.running);
      const items = await firstItems(page);
      showTeam(withItems(items));
      await page.getByTestId('team-panel').waitFor({ timeout: 20_000 });
      // This test's own view, not what an earlier one left in the file: connected, with Ada's rollback.
      await expect.poll(() => page.getByTestId('team-lease').count(), { timeout: 10_000 }).toBe(1);
      expect(await page.getByTestId('team-connection').textContent()).toBe(`Connected to ${STORE}`);
      await expect.poll(() => page.locator(`[data-testid="item"][data-item-id="${items.b.id}"]`).getByTestId('team-history-event').count(), { timeout: 10_000 }).toBe(2);
      await page.getByTestId('control-panel').waitFor({ timeout: 20_000 });
      await page.screenshot({ path: join(SHOTS, `team-${size.width}x${size.height}.png`) });

      const rollback = (await page.getByTestId('rollback-button').boundingBox())!;
      expect(rollback.x + rollback.width).toBeLessThanOrEqual(size.width);
      expect(rollback.y + rollback.height).toBeLessThanOrEqual(size.height);
      expect(rollback.x).toBeGreaterThanOrEqual(0);
      const widths = await page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })');
      expect(widths.scroll, `the page is ${widths.scroll} px wide in a ${widths.inner} px window`).toBeLessThanOrEqual(widths.inner);
      // Nothing in the team panel reaches past the live column.
      const past = await page.evaluate<number>(
        "(() => { const p = document.querySelector('[data-testid=\"team-panel\"]'); const col = p.closest('.live-column').getBoundingClientRect(); return [...p.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > col.right + 0.5).length; })()",
      );
      expect(past, 'elements of the team panel past the live column').toBe(0);
    } finally {
      await context.close();
    }
  }, 90_000);
});
