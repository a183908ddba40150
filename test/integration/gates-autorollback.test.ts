/**
 * The automatic rollback port the gates' countdown calls, against the real
 * demo environment: it runs the profile's plan with nobody pressing
 * anything, puts the faulty flag back to 0 at the shop's own admin API,
 * and the journal says it was automatic and why, never that the operator
 * pressed. A renderer cannot ask for the same thing through the contract.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/shared/control-model';
import type { App } from '../../src/main/app/create-app';
import { AUTOMATIC_BY } from '../../src/main/app/live-control';
import { call, tempDir, testApp, openTrusted } from '../support/app';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';

let demo: DemoEnv;
let dir: { path: string; remove: () => void };
let app: App;

async function shopPercent(): Promise<number> {
  const response = await fetch(`${demo.url}/api/admin/feature-flags/checkout_v2`, { signal: AbortSignal.timeout(2_000) });
  return ((await response.json()) as { percentage: number }).percentage;
}

beforeAll(async () => {
  demo = await startDemoEnv();
  dir = tempDir('flightdeck-autorollback-');
  app = testApp(join(dir.path, 'data'));
  await openTrusted(app, demo.profileFor(dir.path));
  await call(app, 'setOperator', { name: 'Dana Release' });
});

afterAll(async () => {
  await app?.close();
  await demo?.stop();
  dir?.remove();
});

describe('the automatic rollback', () => {
  it('runs the plan without a hold, restores the flag, and journals "automatic" with the reason, not the operator', async () => {
    // Straight past the Phase 1 gate, which holds it (gate-holds.test.ts): the override is the deliberate act.
    const set = await call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 50, override: { reason: 'the test needs the faulty flag at 50 %' } });
    expect(set.outcome).toBe('ok');
    expect(await shopPercent()).toBe(50);

    const why = 'trigger "Error rate above 2% for more than 5 minutes" (line 78) held 6 s; the 3 s countdown ran out uncancelled';
    const run = await app.control.startAutomaticRollback('P0', why);
    expect(run.outcome).toBe('ok');
    expect(run.steps.map((s) => s.outcome)).toEqual(['ok', 'ok']);
    expect(await shopPercent()).toBe(0);

    const entries = app.cockpit.activation()!.journal.entries();
    const started = entries.filter((e) => e.type === 'rollback.started');
    expect(started).toHaveLength(1);
    expect(started[0]!.by).toBe(AUTOMATIC_BY);
    expect(started[0]!.data).toMatchObject({ plan: 'P0', confirmation: `started automatically: ${why}` });
    // The operator's own flag write stays theirs; the rollback is not put in their name.
    expect(entries.find((e) => e.type === 'action.started' && (e.data as { kind: string }).kind === 'flag')?.by).toBe('Dana Release');
    expect(entries.filter((e) => e.type === 'action.started' && (e.data as { kind: string }).kind === 'rollback-step').every((e) => e.by === AUTOMATIC_BY)).toBe(true);
  });

  it('a renderer asking for an "automatic" rollback is refused and nothing runs', async () => {
    await call(app, 'setFlag', { flag: 'checkout_v2', percent: 10 });
    const result = await app.call('startRollback', { plan: 'P0', confirmation: { kind: 'automatic', why: 'trust me' } });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'confirmation.kind' } });
    expect(await shopPercent()).toBe(10);
    expect(app.cockpit.activation()!.journal.entries().filter((e) => e.type === 'rollback.started')).toHaveLength(1);
  });
});
