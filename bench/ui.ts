/**
 * npm run bench:ui
 *
 * The moment of crisis on the demo's faulty flag, in Debian Chromium at
 * 1280×800 through browser mode, timed from main's journal to the paint
 * in the open tab (both on this machine's clock):
 *
 * - firingToBannerMs: the red trigger's `trigger.fired` entry → its alarm
 *   row painted in the banner (target under 250);
 * - verifiedToBannerMs: the rollback's `rollback.finished` (ok) entry →
 *   the banner painted as rolled back / recovering (target under 250);
 * - notConnectedMs: browser mode killed (SIGKILL) → "Not connected"
 *   painted (target under 3,000; the same watch as bench:connection);
 * - keystrokes: keys pressed from the banner to a confirmed rollback
 *   (target 2: Shift+R opens the dialog on the hold button, then holding Space).
 *
 * As in test/e2e/window-state.e2e.test.ts, the demo shop runs at 60
 * requests/s with an 8 s rate window and the trigger's hold shortened to
 * 2 s, so one run takes about half a minute. The last line is one JSON object.
 */
import type { Page } from 'playwright-core';
import { callFromPage, launchChromium, openCockpit, quickAlarmProfile, sessionJournal, startDemoBrowserMode } from '../test/support/browser-mode';
import { notConnectedPainted, watchForNotConnected } from '../test/support/connection';
import { startDemoEnv } from '../test/support/demo-env';

const TRIGGER = 'Error rate above 2% for more than 5 minutes: roll back immediately';
const TARGETS = { firingToBannerMs: 250, verifiedToBannerMs: 250, notConnectedMs: 3000, keystrokes: 2 };

/**
 * Arms a watch in the page: the epoch ms of the frame that first paints
 * something `test` (a JS expression over `document`) finds. A string, as
 * test/support/connection.ts does: this file is compiled without the DOM's types.
 */
function arm(page: Page, key: string, test: string): Promise<unknown> {
  return page.evaluate(`(() => {
    delete window.__fdPaint_${key};
    const check = () => ${test};
    const done = () => requestAnimationFrame(() => setTimeout(() => (window.__fdPaint_${key} = Date.now()), 0));
    if (check()) return done();
    const observer = new MutationObserver(() => {
      if (!check()) return;
      observer.disconnect();
      done();
    });
    observer.observe(document.body, { childList: true, subtree: true, attributes: true });
  })()`);
}

async function painted(page: Page, key: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const at = (await page.evaluate(`window.__fdPaint_${key} ?? null`)) as number | null;
    if (at !== null) return at;
    if (Date.now() > deadline) throw new Error(`${key} was not painted within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main(): Promise<void> {
  const env = await startDemoEnv({ args: ['--rate', '60'] });
  const app = await startDemoBrowserMode(env, 'flightdeck-bench-ui-', (profileFile) => quickAlarmProfile(profileFile, 'Error rate above 2% for more than 5 minutes'));
  const browser = await launchChromium();
  const journal = () => sessionJournal(app);
  try {
    const page = await openCockpit(browser, app.running, { viewport: { width: 1280, height: 800 } });
    const call = (name: string, input: unknown) => callFromPage(page, name, input);
    await call('setOperator', { name: 'Bench Operator' });
    // Wait until the rate window is judged (the window is healthy), so the firing is a real one.
    for (const deadline = Date.now() + 90_000; ; ) {
      const r = (await call('getWindow', {})) as { ok: boolean; value?: { state: string } };
      if (r.value?.state === 'healthy' && (await page.locator('[data-testid="probe-light"][data-health="up"]').count()) > 0) break;
      if (Date.now() > deadline) throw new Error('the demo never became healthy');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // 1. Red trigger fired in main → its alarm row painted.
    await arm(page, 'alarm', `[...document.querySelectorAll('[data-testid="alarm-condition"]')].some((e) => e.textContent === ${JSON.stringify(TRIGGER)})`);
    const set = await call('setFlag', { flag: 'checkout_v2', percent: 100, override: { reason: 'bench:ui, the faulty rollout' } });
    if (!set.ok) throw new Error(`setFlag failed: ${JSON.stringify(set)}`);
    const alarmPaintedAt = await painted(page, 'alarm', 90_000);
    const fired = journal().find((e) => e.type === 'trigger.fired' && e.data.text === TRIGGER);
    if (!fired) throw new Error('no trigger.fired entry for the red trigger');
    const firingToBannerMs = alarmPaintedAt - Date.parse(fired.ts);

    // 2. Keys from the banner to a confirmed rollback, then verified in main → the banner says so.
    await arm(page, 'rolledBack', `['recovering', 'recovered'].includes(document.querySelector('[data-testid="window-banner"]')?.getAttribute('data-state'))`);
    let keystrokes = 0;
    await page.keyboard.press('Shift+R');
    keystrokes += 1;
    await page.getByTestId('rollback-dialog').waitFor({ timeout: 10_000 });
    const focused = await page.evaluate("document.activeElement?.getAttribute('data-testid') ?? null");
    if (focused !== 'rollback-hold') throw new Error(`the rollback dialog opened on ${focused}, not the hold button`);
    await page.keyboard.down(' ');
    keystrokes += 1;
    await page.getByTestId('rollback-run').waitFor({ timeout: 15_000 });
    await page.keyboard.up(' ');
    const rolledBackPaintedAt = await painted(page, 'rolledBack', 60_000);
    const finished = journal().find((e) => e.type === 'rollback.finished');
    if (finished?.data.outcome !== 'ok') throw new Error(`the rollback did not verify: ${JSON.stringify(finished?.data)}`);
    const verifiedToBannerMs = rolledBackPaintedAt - Date.parse(finished.ts);

    // 3. Main killed → "Not connected" painted.
    await watchForNotConnected(page);
    const killedAt = Date.now();
    await app.running.kill();
    const { paintedAt } = await notConnectedPainted(page);
    const notConnectedMs = paintedAt - killedAt;

    process.stderr.write(`firing → banner ${firingToBannerMs} ms; verified → banner ${verifiedToBannerMs} ms; kill → Not connected ${notConnectedMs} ms; ${keystrokes} keys\n`);
    process.stdout.write(`${JSON.stringify({ firingToBannerMs, verifiedToBannerMs, notConnectedMs, keystrokes, viewport: '1280x800', targets: TARGETS })}\n`);
  } finally {
    await browser.close();
    await app.stop();
    await env.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
