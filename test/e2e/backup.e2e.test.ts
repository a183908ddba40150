/**
 * The backup item of the demo runbook in Debian Chromium, through browser
 * mode, against a real PostgreSQL: the password goes into the vault
 * through the credentials panel, "Take backup" on "Database backup
 * created" shows progress, then the verified evidence with the manifest's
 * checksum (checked against the file on disk), and the item is ticked by
 * the operator; "Run restore test" on "Backup verified (restore test in
 * staging)" restores into a scratch database and ticks that item too.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { startPostgres, type PostgresServer } from '../support/servers';

const PG_PASSWORD = 'e2e-Backup-pg-password-3141';
let browser: Browser;
let env: DemoEnv;
let pg: PostgresServer;
let demo: DemoBrowserMode;
let page: Page;

const item = (text: string) => page.locator(`[data-testid="item"][aria-label="${text}"]`);

beforeAll(async () => {
  [browser, env, pg] = await Promise.all([launchChromium(), startDemoEnv(), startPostgres({ password: PG_PASSWORD })]);
  pg.psql('create database demo_shop');
  pg.psql(
    [
      'create table products (id serial primary key, name text not null)',
      "insert into products (name) select 'product ' || g from generate_series(1, 500) g",
      'create table orders (id serial primary key, product_id int not null references products(id), note text not null)',
      // Enough rows that the dump runs for a moment and its progress shows.
      'insert into orders (product_id, note) select g % 500 + 1, md5(g::text) || md5((g * 3)::text) from generate_series(1, 250000) g',
    ].join(';'),
    'demo_shop',
  );
  // The demo profile's backup target, pointed at the test server, its password from the vault.
  demo = await startDemoBrowserMode(env, 'flightdeck-backup-e2e-', (profileFile) => {
    const profile = readFileSync(profileFile, 'utf8');
    const at = profile.indexOf('\nbackups:');
    expect(at).toBeGreaterThan(0);
    writeFileSync(
      profileFile,
      `${profile.slice(0, at)}\nbackups:\n  - name: demo-shop-db\n    engine: postgres\n    url: "${pg.url('demo_shop')}"\n    password: { secret: demo-pg }\n    dir: backups\n`,
    );
  });
  page = await openCockpit(browser, demo.running, { operator: 'Dana Release' });
}, 120_000);

afterAll(async () => {
  await page?.close();
  await browser?.close();
  await demo?.stop();
  await env?.stop();
  await pg?.stop();
});

describe('backups from the checklist', () => {
  it('"Database backup created": Take backup shows progress, then the verified checksum, and the item is ticked', async () => {
    // The password, once, into the vault through the credentials panel.
    const vault = page.getByTestId('vault-panel');
    await vault.scrollIntoViewIfNeeded();
    await vault.getByTestId('vault-passphrase').fill('backup e2e passphrase');
    await vault.getByTestId('vault-passphrase-again').fill('backup e2e passphrase');
    await vault.getByTestId('vault-unlock').click();
    await expect.poll(() => vault.getAttribute('data-state'), { timeout: 30_000 }).toBe('unlocked');
    await vault.getByTestId('secret-name').fill('demo-pg');
    await vault.getByTestId('secret-value').fill(PG_PASSWORD);
    // Where it may go, as an operator types it: the database's host:port.
    await vault.getByTestId('secret-scope').fill(pg.url('demo_shop').replace(/^.*@/, '').replace(/\/.*$/, ''));
    await vault.getByTestId('secret-save').click();
    await expect.poll(() => vault.locator('[data-testid="secret"][data-name="demo-pg"]').count()).toBe(1);

    const backupItem = item('Database backup created');
    await backupItem.scrollIntoViewIfNeeded();
    expect(await backupItem.getAttribute('aria-checked')).toBe('false');
    const row = backupItem.locator('[data-testid="backup-row"][data-backup="demo-shop-db"]');
    await row.waitFor();
    // Whatever the progress bar said, however briefly, is kept for the assertions below.
    await page.evaluate(`(() => {
      const seen = (window.seenProgress = []);
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-testid="backup-progress"]')) seen.push(el.textContent ?? '');
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await row.getByTestId('backup-start').click();

    await expect.poll(() => row.getAttribute('data-state'), { timeout: 120_000 }).toBe('verified');
    const seen = await page.evaluate<string[]>('window.seenProgress');
    expect(seen.some((text) => /Dumping: .*(KiB|MiB).*rows/.test(text))).toBe(true);

    const checksum = row.getByTestId('backup-checksum');
    const sha256 = (await checksum.getAttribute('data-sha256'))!;
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await checksum.textContent())!.trim()).toBe(`${sha256.slice(0, 12)}…`);
    expect(await checksum.getAttribute('title')).toBe(sha256);
    // The checksum shown is the manifest's on disk, at the location shown.
    const location = (await row.getByTestId('backup-location').textContent())!.trim();
    expect(location.startsWith(join(demo.dir, 'runbook', 'backups', 'demo-shop-db'))).toBe(true);
    expect(createHash('sha256').update(readFileSync(join(location, 'SHA256SUMS'))).digest('hex')).toBe(sha256);
    expect(await row.getByTestId('backup-evidence').textContent()).toMatch(/pg_restore/);

    // Ticked by main once verified, as the operator.
    await expect.poll(() => backupItem.getAttribute('aria-checked')).toBe('true');
    expect(await backupItem.textContent()).toContain('Dana Release');
  }, 180_000);

  it('"Backup verified (restore test in staging)": Run restore test restores into a scratch database and ticks the item', async () => {
    const restoreItem = item('Backup verified (restore test in staging)');
    await restoreItem.scrollIntoViewIfNeeded();
    expect(await restoreItem.getAttribute('aria-checked')).toBe('false');
    const row = restoreItem.locator('[data-testid="backup-row"][data-backup="demo-shop-db"]');
    await row.getByTestId('backup-start').click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 120_000 }).toBe('verified');
    expect(await row.getByTestId('backup-evidence').textContent()).toMatch(/Restore test passed.*scratch database/s);
    await expect.poll(() => restoreItem.getAttribute('aria-checked')).toBe('true');
  }, 180_000);
});
