/**
 * The team window for real, on screen (issue 16): Ada flies a runbook in
 * the app (browser mode, Debian Chromium) and joins a team session through
 * "Fly with your team…" (vault unlocked in place, the store's password
 * into the vault); Bob is a `flightdeck` process on his own data directory
 * and key. Both go through a real PostgreSQL. Bob's tick shows on Ada's
 * checklist with his name, Ada's tick reaches Bob's laptop signed by her
 * key, and Bob's copy of the chain verifies offline. Screenshots of the
 * joined panel at 1024×700, 1280×800 and 1920×1080 are left in
 * test-results/team-live/.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { Cockpit } from '../../src/shared/contract';
import { openPostgresTeamStore } from '../../src/main/services/team/team-store';
import { tempDir } from '../support/app';
import { callFromPage, launchChromium, openCockpit, startBrowserMode } from '../support/browser-mode';
import { startPostgres, type PostgresServer } from '../support/servers';
import { person, TEAM_RUNBOOK } from '../support/team';

const PASSWORD = 'canary-team-live-pw-8080';
const SHOTS = fileURLToPath(new URL('../../test-results/team-live/', import.meta.url));
const SIZES = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
] as const;

let pg: PostgresServer;
let browser: Browser;
let work: ReturnType<typeof tempDir>;
let app: Awaited<ReturnType<typeof startBrowserMode>>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  pg = await startPostgres({ password: PASSWORD });
  const store = openPostgresTeamStore({ url: pg.url('postgres'), password: PASSWORD, ssl: { mode: 'disable' } });
  await store.migrate();
  await store.close();
  work = tempDir('flightdeck-team-live-');
  const runbook = join(work.path, 'rollout.md');
  copyFileSync(TEAM_RUNBOOK, runbook);
  browser = await launchChromium();
  // No FLIGHTDECK_SECRET_TEAM_STORE here: the app takes the password through its own form, into its vault.
  app = await startBrowserMode(['--data-dir', join(work.path, 'ada-data'), runbook], { FLIGHTDECK_SECRET_TEAM_STORE: '' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await pg?.stop();
  work?.remove();
});

describe('two laptops, one window', () => {
  it('Ada joins from the app, sees Bob and his tick; her tick reaches Bob signed by her key', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await openCockpit(context, app, { operator: 'Ada' });
    const cockpit = (await callFromPage(page, 'getCockpit', {})).value as Cockpit;
    const [first, second] = cockpit.runbook!.items;

    await page.getByTestId('team-join-open').click();
    const form = page.getByTestId('team-join');
    const vault = form.getByTestId('vault-panel');
    await vault.getByTestId('vault-passphrase').fill('team live e2e passphrase');
    await vault.getByTestId('vault-passphrase-again').fill('team live e2e passphrase');
    await vault.getByTestId('vault-unlock').click();
    await expect.poll(() => form.getByTestId('vault-panel').count(), { timeout: 30_000 }).toBe(0);
    await form.getByTestId('team-join-store').fill(pg.url('postgres'));
    await form.getByTestId('team-join-session').fill('live-window');
    await form.getByTestId('team-join-password').fill(PASSWORD);
    await form.getByTestId('team-join-submit').click();
    const panel = page.getByTestId('team-panel');
    await expect.poll(() => panel.getAttribute('data-connection'), { timeout: 30_000 }).toBe('connected');

    // Bob, on his own laptop, joins the same team session and ticks the first item.
    const bob = person('Bob', join(work.path, 'bob'), PASSWORD);
    const joinBob = () => bob.cli(['session', 'join', '--store', pg.url('postgres'), '--session', 'live-window', '--dir', bob.dir, '--runbook', TEAM_RUNBOOK, '--by', 'Bob']);
    expect((await joinBob()).code).toBe(0);
    expect((await bob.cli(['session', 'tick', bob.dir, first!.id, '--by', 'Bob'])).code).toBe(0);
    expect((await joinBob()).code).toBe(0);

    const firstRow = page.locator(`[data-testid="item"][data-item-id="${first!.id}"]`);
    await expect.poll(() => firstRow.getAttribute('aria-checked'), { timeout: 30_000 }).toBe('true');
    await expect.poll(() => firstRow.textContent(), { timeout: 10_000 }).toContain('Bob');
    await expect.poll(() => panel.textContent(), { timeout: 10_000 }).toContain('Bob');

    // Ada ticks the second item in the app; Bob's laptop receives it, signed by her key, and his copy verifies offline.
    await page.locator(`[data-testid="item"][data-item-id="${second!.id}"]`).getByTestId('item-checkbox').click();
    await expect.poll(async () => {
      await joinBob();
      return bob.replica().some((row) => row.name === 'Ada' && row.type === 'item.ticked' && (row.data as { itemId: string }).itemId === second!.id);
    }, { timeout: 60_000, interval: 1000 }).toBe(true);
    const verify = await bob.cli(['verify', bob.dir]);
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/2 members \(Ada \(key [0-9a-f ]+…\), Bob/);

    for (const size of SIZES) {
      await page.setViewportSize(size);
      await panel.scrollIntoViewIfNeeded();
      const widths = await page.evaluate<{ scroll: number; inner: number }>('({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth })');
      expect(widths.scroll, `no sideways scroll at ${size.width}×${size.height}`).toBeLessThanOrEqual(widths.inner);
      await page.screenshot({ path: join(SHOTS, `joined-${size.width}x${size.height}.png`) });
    }
    // The store's password never reached the window.
    expect(await page.content()).not.toContain(PASSWORD);
    await context.close();
  }, 180_000);
});
