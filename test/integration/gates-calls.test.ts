/**
 * The gate calls through the contract, as a renderer makes them, on the
 * demo runbook with its targets unreachable (so nothing can be measured):
 * the state lists the runbook's gate and triggers, a go past criteria that
 * are unknown is refused without a reason and recorded with one, a hold
 * keeps its reason, and every decision lands in the journal with the
 * criteria as they stood.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatesState } from '../../src/shared/gate-model';
import type { App } from '../../src/main/app/create-app';
import { call, RESOURCES, tempDir, testApp } from '../support/app';
import { freePort } from '../support/servers';

let dir: { path: string; remove: () => void };
let app: App;

beforeAll(async () => {
  dir = tempDir('flightdeck-gates-calls-');
  // Nothing listens on this port: every probe fails and every measured criterion is unknown.
  const port = await freePort();
  for (const name of ['runbook.md', 'runbook.flightdeck.yaml']) {
    writeFileSync(join(dir.path, name), readFileSync(join(RESOURCES, 'demo', name), 'utf8').split('127.0.0.1:4810').join(`127.0.0.1:${port}`));
  }
  app = testApp(join(dir.path, 'data'));
  await app.cockpit.openPath(join(dir.path, 'runbook.md'));
  await call(app, 'setOperator', { name: 'Dana Release' });
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

const gateOf = (state: GatesState) => state.gates.find((g) => g.title === 'Go/No-Go Decision')!;

describe('gate calls through the contract', () => {
  it('lists the demo gate with its criteria and the error-rate trigger, never passing what it cannot measure', async () => {
    const state = await call<GatesState>(app, 'getGates');
    const gate = gateOf(state);
    expect(gate.criteria.map((c) => c.text)).toEqual(expect.arrayContaining(['Error rates unchanged or lower', 'No P0/P1 incidents']));
    expect(gate.criteria.find((c) => c.text === 'Error rates unchanged or lower')?.status).toBe('unknown');
    expect(gate.status).not.toBe('pass');
    expect(state.triggers.map((t) => t.text)).toContain('Error rate above 2% for more than 5 minutes: roll back immediately');
  });

  it('a go past unknown criteria is refused without a reason, naming them, and recorded with one', async () => {
    const gate = gateOf(await call<GatesState>(app, 'getGates'));
    const refused = await app.call('decideGate', { gateId: gate.id, decision: 'go' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'bad-input', field: 'reason', message: expect.stringContaining('"Error rates unchanged or lower" is unknown') } });
    expect(app.cockpit.activation()!.journal.entries().filter((e) => e.type === 'gate.decided')).toHaveLength(0);

    const state = await call<GatesState>(app, 'decideGate', { gateId: gate.id, decision: 'go', reason: 'dashboards checked by hand: error rate 0.2 %' });
    expect(gateOf(state).decision).toMatchObject({ decision: 'go', reason: 'dashboards checked by hand: error rate 0.2 %', by: 'Dana Release' });
    const decided = app.cockpit.activation()!.journal.entries().filter((e) => e.type === 'gate.decided');
    expect(decided).toHaveLength(1);
    expect(decided[0]!.by).toBe('Dana Release');
    const criteria = (decided[0]!.data as { criteria: Array<{ text: string; status: string; evidence: string }> }).criteria;
    expect(criteria.find((c) => c.text === 'Error rates unchanged or lower')).toMatchObject({ status: 'unknown', evidence: expect.any(String) });
  });

  it('a hold keeps its reason; acknowledging or cancelling needs a reason and a trigger that exists', async () => {
    const before = await call<GatesState>(app, 'getGates');
    const gate = gateOf(before);
    const held = await call<GatesState>(app, 'decideGate', { gateId: gate.id, decision: 'hold', reason: 'payments team asked to wait' });
    expect(gateOf(held).decision).toMatchObject({ decision: 'hold', reason: 'payments team asked to wait' });
    expect(held.revision).toBeGreaterThan(before.revision);
    expect(await app.call('acknowledgeTrigger', { triggerId: before.triggers[0]!.id, reason: ' ' })).toMatchObject({ ok: false, error: { field: 'reason' } });
    expect(await app.call('acknowledgeTrigger', { triggerId: 'no-such-trigger', reason: 'x' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await app.call('cancelAutoRollback', { triggerId: before.triggers[0]!.id, reason: 'nothing is counting down' })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});
