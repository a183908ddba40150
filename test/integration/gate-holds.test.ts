/**
 * Gates that hold (issue 14), through the contract as a renderer calls it,
 * so no renderer can go around them: against the real demo environment, a
 * raise past a gate without a go is refused with the reason, an override
 * with a reason goes through and is journaled (and reaches the report's
 * events), a firing red trigger holds every raise but never a way down,
 * and a profile with gates.enforce: false makes it all advisory.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import type { ActionRecord } from '../../src/shared/control-model';
import type { GatesState } from '../../src/shared/gate-model';
import type { EntryDataOf, JournalEntry } from '../../src/shared/session-model';
import { buildReport } from '../../src/main/services/report/build-report';
import { call, tempDir, testApp, trustOpenRunbook } from '../support/app';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { waitFor } from '../support/wait';

let demo: DemoEnv;
let dir: { path: string; remove: () => void };
let app: App;
const apps: App[] = [];

async function shopPercent(): Promise<number> {
  const response = await fetch(`${demo.url}/api/admin/feature-flags/checkout_v2`, { signal: AbortSignal.timeout(5000) });
  return ((await response.json()) as { percentage: number }).percentage;
}

async function setShopPercent(percentage: number): Promise<void> {
  const response = await fetch(`${demo.url}/api/admin/feature-flags/checkout_v2`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ percentage }), signal: AbortSignal.timeout(5000) });
  expect(response.status).toBe(200);
}

/** The demo runbook and profile in `sub`, with a faster rate window and the 2 % line shortened to 3 s. */
async function openDemo(sub: string, extraGates = ''): Promise<App> {
  const folder = join(dir.path, sub);
  mkdirSync(folder, { recursive: true });
  const runbook = demo.profileFor(folder);
  const profileFile = join(folder, 'runbook.flightdeck.yaml');
  const profile = readFileSync(profileFile, 'utf8').replace('windowSeconds: 30', 'windowSeconds: 8').replace(/intervalSeconds: 2/g, 'intervalSeconds: 1');
  writeFileSync(profileFile, `${profile}\ngates:\n  staleSeconds: 10\n${extraGates}  triggers:\n    - match: Error rate above 2%\n      forSeconds: 3\n`);
  const opened = testApp(join(folder, 'data'));
  apps.push(opened);
  await opened.cockpit.openPath(runbook);
  await trustOpenRunbook(opened);
  await waitFor('the panel to read the flag', async () => (await call<{ flags: Array<{ value: unknown }> }>(opened, 'getControl')).flags[0]?.value !== null, { timeoutMs: 20_000 });
  return opened;
}

const entries = (): readonly JournalEntry[] => app.cockpit.activation()!.journal.entries();

beforeAll(async () => {
  demo = await startDemoEnv({ args: ['--rate', '150'] });
  dir = tempDir();
  await setShopPercent(0);
  app = await openDemo('enforced');
}, 60_000);

afterAll(async () => {
  for (const opened of apps) await opened.close();
  await demo?.stop();
  dir?.remove();
});

describe('gates that hold, through the contract', () => {
  it('refuses a raise past a gate without a go, naming why; an override with a reason goes through and is journaled', async () => {
    // No gate stands before Phase 1: its 10 % step is free.
    expect((await call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 10 })).outcome).toBe('ok');
    const state = await waitFor('phase 1 current', async () => {
      const s = await call<GatesState>(app, 'getGates');
      return s.currentPhaseId === s.phases[1]!.id && s;
    });
    expect(state.nextStep).toMatchObject({ flag: 'checkout_v2', percent: 50 });
    expect(state.nextStepBlockedBy).toBe('Waiting for a go at "Go/No-Go Decision".');
    expect(state.flagHolds).toContainEqual({ flag: 'checkout_v2', above: 10, kind: 'gate', reason: 'Waiting for a go at "Go/No-Go Decision".' });

    const refused = await app.call('setFlag', { flag: 'checkout_v2', percent: 50 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', field: 'override', message: expect.stringContaining('Waiting for a go at "Go/No-Go Decision"') } });
    expect(await shopPercent()).toBe(10);
    // An empty or blank reason is no deliberate act.
    expect(await app.call('setFlag', { flag: 'checkout_v2', percent: 50, override: { reason: '   ' } })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    expect(await shopPercent()).toBe(10);

    const record = await call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 50, override: { reason: '  payments team agreed by phone ' } });
    expect(record.outcome).toBe('ok');
    expect(await shopPercent()).toBe(50);
    const overridden = entries().filter((e) => e.type === 'gate.overridden');
    expect(overridden).toHaveLength(1);
    expect(overridden[0]!.by).toBe(app.cockpit.operator());
    expect(overridden[0]!.data as EntryDataOf<'gate.overridden'>).toEqual({
      flag: 'checkout_v2',
      from: '10',
      to: 50,
      reason: 'payments team agreed by phone',
      heldBy: [{ kind: 'gate', reason: 'Waiting for a go at "Go/No-Go Decision".' }],
    });
    // Journaled before the write it allowed.
    const started = entries().findIndex((e) => e.type === 'action.started' && (e.data as { inputs: { to?: string } }).inputs.to === '50');
    expect(entries().indexOf(overridden[0]!)).toBeLessThan(started);

    const activation = app.cockpit.activation()!;
    const report = buildReport({ doc: activation.runbook, entries: entries(), metrics: [], environment: 'demo', reportKey: { keyid: 'ab'.repeat(32), fingerprint: 'ab' }, paper: 'a4', generatedAt: new Date().toISOString(), generatedBy: null, redactor: app.redactor });
    expect(report.events).toContainEqual(expect.objectContaining({ kind: 'gate overridden', text: expect.stringContaining('checkout_v2 10 → 50%: payments team agreed by phone') }));
  });

  it('while a red trigger fires, every raise is held and the way down stays open', async () => {
    // The faulty flag at 50 % pushes the error rate over the 2 % line.
    const firing = await waitFor('the 2 % line firing', () => app.gates.state().triggers.find((t) => t.line === 83 && t.state === 'firing'), { timeoutMs: 60_000, intervalMs: 100 });
    const refused = await app.call('setFlag', { flag: 'checkout_v2', percent: 100 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining(`Red trigger "${firing.text}" (line 83) is firing`) } });
    expect(await shopPercent()).toBe(50);

    const down = await call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 10 });
    expect(down.outcome).toBe('ok');
    expect(await shopPercent()).toBe(10);
    expect(entries().filter((e) => e.type === 'gate.overridden')).toHaveLength(1);
  }, 90_000);

  it('with gates.enforce: false the holds are advisory: shown, never refused', async () => {
    await setShopPercent(0);
    const advisory = await openDemo('advisory', '  enforce: false\n');
    await call(advisory, 'setFlag', { flag: 'checkout_v2', percent: 10 });
    const state = await waitFor('the gate hold shown', async () => {
      const s = await call<GatesState>(advisory, 'getGates');
      return s.nextStepBlockedBy?.startsWith('Waiting for a go') && s;
    });
    expect(state.enforce).toBe(false);
    const record = await call<ActionRecord>(advisory, 'setFlag', { flag: 'checkout_v2', percent: 50 });
    expect(record.outcome).toBe('ok');
    expect(await shopPercent()).toBe(50);
    expect(advisory.cockpit.activation()!.journal.entries().filter((e) => e.type === 'gate.overridden')).toHaveLength(0);
    await setShopPercent(0);
  }, 60_000);
});
