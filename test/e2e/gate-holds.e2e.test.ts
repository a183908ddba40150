/**
 * Gates that hold (issue 14) in Debian Chromium through browser mode,
 * against the real demo environment. The profile adds a red trigger that
 * fires as soon as the shop has traffic (mean latency > 0, over a short
 * rate window), so it fires a few seconds after start whatever the flag
 * does: while it fires, the gate panel's next step and the flag panel's
 * raise buttons are disabled with the trigger named; the way down stays
 * open; "Override…" asks for a reason in a labelled, focused box, refuses
 * to go on without one, and with one the write goes through and the
 * override is in the journal file with what held it. The flag is checked
 * at the shop's own admin API. A new session then starts with clean panels.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openCockpit, startDemoBrowserMode, type DemoBrowserMode } from '../support/browser-mode';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';

const FLAG = 'checkout_v2';
const TRIGGER = 'Any latency at all';

let browser: Browser;
let env: DemoEnv;
let demo: DemoBrowserMode;
let page: Page;

async function shopPercent(): Promise<number> {
  const res = await fetch(`${env.url}/api/admin/feature-flags/${FLAG}`, { signal: AbortSignal.timeout(2_000) });
  return ((await res.json()) as { percentage: number }).percentage;
}

function journal(): Array<{ type: string; by: string | null; data: Record<string, unknown> }> {
  const sessions = join(demo.dir, 'data', 'sessions');
  const dirs = readdirSync(sessions, { withFileTypes: true }).filter((d) => d.isDirectory());
  return readFileSync(join(sessions, dirs[0]!.name, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as { type: string; by: string | null; data: Record<string, unknown> });
}

const flagControl = () => page.locator(`[data-testid="flag-control"][data-flag="${FLAG}"]`);
const step = (percent: number) => flagControl().locator(`[data-testid="flag-step"][data-percent="${percent}"]`);

/** The gate panel, unfolded (it opens folded to its one-line summary). */
async function unfoldGates() {
  const panel = page.getByTestId('gate-panel');
  await panel.waitFor();
  if ((await panel.getByTestId('gate-toggle').getAttribute('aria-expanded')) === 'false') await panel.getByTestId('gate-toggle').click();
  return panel;
}

beforeAll(async () => {
  browser = await launchChromium();
  env = await startDemoEnv({ args: ['--rate', '60'] });
  demo = await startDemoBrowserMode(env, 'flightdeck-gate-holds-e2e-', (profileFile) =>
    writeFileSync(
      profileFile,
      `${readFileSync(profileFile, 'utf8').replace('windowSeconds: 30', 'windowSeconds: 4')}
gates:
  triggers:
    - text: ${TRIGGER}
      metric: latency_avg
      op: '>'
      value: 0
      forSeconds: 1
      severity: red
`,
    ),
  );
  page = await openCockpit(browser, demo.running, { operator: 'Dana Release' });
});

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await env?.stop();
});

describe('gates that hold, in the renderer', () => {
  it('while a red trigger fires, the next step and the raise buttons are disabled with the trigger named; the way down is open', async () => {
    const panel = await unfoldGates();
    const trigger = panel.locator('[data-testid="trigger"]').filter({ hasText: TRIGGER });
    await expect.poll(() => trigger.getAttribute('data-state'), { timeout: 60_000, interval: 200 }).toBe('firing');

    const next = panel.getByTestId('next-step-button');
    await expect.poll(() => next.textContent()).toBe(`Next: set ${FLAG} to 10%…`);
    await expect.poll(() => next.isDisabled()).toBe(true);
    expect(await panel.getByTestId('next-step-held').textContent()).toContain(`Red trigger "${TRIGGER}" is firing`);

    await expect.poll(() => flagControl().getByTestId('flag-value').getAttribute('data-value')).toBe('0');
    for (const percent of [10, 50, 100]) expect(await step(percent).isDisabled(), `${percent}%`).toBe(true);
    expect(await step(10).getAttribute('title')).toContain(`Red trigger "${TRIGGER}" is firing`);
    expect(await flagControl().getByTestId('flag-held').textContent()).toContain(`Red trigger "${TRIGGER}" is firing`);
    expect(await shopPercent()).toBe(0);
  });

  it('"Override…" asks for a reason in a focused, labelled box; with one the raise goes through and is journaled with what held it', async () => {
    const panel = page.getByTestId('gate-panel');
    await panel.getByTestId('next-step-override').click();
    const confirm = page.getByTestId('flag-confirm');
    await expect.poll(() => confirm.getByTestId('flag-change').textContent()).toMatch(/^0%.*→.*10%$/);
    expect(await confirm.getByTestId('flag-override-held').textContent()).toContain(`Red trigger "${TRIGGER}" is firing`);
    const reason = confirm.getByTestId('flag-override-reason');
    await expect.poll(() => reason.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    // Its label is the one a screen reader reads out.
    expect(await confirm.getByLabel('Override the gate, because…').count()).toBe(1);

    const apply = confirm.getByTestId('flag-confirm-apply');
    await expect.poll(() => apply.isEnabled()).toBe(true);
    expect(await apply.textContent()).toBe(`Override and set ${FLAG} to 10%`);
    await apply.click();
    await expect.poll(() => confirm.textContent()).toContain('Say why the gate is overridden');
    expect(await shopPercent()).toBe(0);
    expect(journal().filter((e) => e.type === 'gate.overridden')).toHaveLength(0);

    await reason.fill('traffic trigger is a test line, release manager accepts');
    await apply.click();
    await expect.poll(() => shopPercent()).toBe(10);
    const overridden = journal().filter((e) => e.type === 'gate.overridden');
    expect(overridden).toHaveLength(1);
    expect(overridden[0]).toMatchObject({ by: 'Dana Release', data: { flag: FLAG, from: '0', to: 10, reason: 'traffic trigger is a test line, release manager accepts' } });
    expect((overridden[0]!.data.heldBy as Array<{ kind: string; reason: string }>).map((h) => h.kind)).toContain('trigger');
  });

  it('lowering the flag needs no override, even while the trigger fires', async () => {
    await expect.poll(() => flagControl().getByTestId('flag-value').getAttribute('data-value')).toBe('10');
    expect(await step(50).isDisabled()).toBe(true);
    await expect.poll(() => step(0).isEnabled()).toBe(true);
    await step(0).click();
    const confirm = page.getByTestId('flag-confirm');
    await expect.poll(() => confirm.getByTestId('flag-change').textContent()).toMatch(/^10%.*→.*0%$/);
    expect(await confirm.getByTestId('flag-override').count()).toBe(0);
    await confirm.getByTestId('flag-confirm-apply').click();
    await expect.poll(() => shopPercent()).toBe(0);
    expect(journal().filter((e) => e.type === 'gate.overridden')).toHaveLength(1);
  });

  it('a new session starts with clean panels: no flag outcome, no half-written gate form', async () => {
    // A write leaves its outcome beside the flag (0 again: the way down is never held); a reason is half typed at the gate.
    await flagControl().waitFor();
    await step(0).click();
    await page.getByTestId('flag-confirm').getByTestId('flag-confirm-apply').click();
    await expect.poll(() => flagControl().getByTestId('action-outcome').count()).toBe(1);
    await unfoldGates();
    const card = page.getByTestId('gate-card');
    await card.getByTestId('decide-hold').click();
    await card.getByTestId('decision-reason').fill('half a thought about the old session');

    await page.getByTestId('new-session').click();
    await page.getByTestId('confirm-new-session').click();
    await expect.poll(() => readdirSync(join(demo.dir, 'data', 'sessions'), { withFileTypes: true }).filter((d) => d.isDirectory()).length).toBe(2);

    await expect.poll(() => flagControl().getByTestId('action-outcome').count()).toBe(0);
    const panel = await unfoldGates();
    await panel.getByTestId('gate-card').waitFor();
    expect(await panel.getByTestId('decision-reason').count()).toBe(0);
  });
});
