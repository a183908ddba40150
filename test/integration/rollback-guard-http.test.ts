/**
 * The fault matrix for HTTP flag targets, each fault racing a rollback,
 * through the app's contract against a real admin API on loopback
 * (support/flag-faults.ts): a server that hangs, one that applies and then
 * answers 500, one that answers 200 and applies later, and one that
 * applies after the deadline. Each asserts the honest outcome of the
 * user's write, that the flag ends at the rollback's value, and where an
 * older write landed late, that the rollback put its value back, journaled
 * rollback.reasserted with both values, settled the late write as
 * "landed late, overridden by rollback" (never ok) and raised the alarm.
 * Events are ordered by the server's hooks (on the wire, landed), never by
 * sleeping.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRecord, ControlState, RollbackRun } from '../../src/shared/control-model';
import type { JournalEntry } from '../../src/shared/session-model';
import type { App } from '../../src/main/app/create-app';
import { call, tempDir, testApp, openTrusted } from '../support/app';
import { startFaultyFlagApi, type FaultyFlagApi } from '../support/flag-faults';
import { waitFor } from '../support/wait';

let dir: ReturnType<typeof tempDir>;
let api: FaultyFlagApi | null = null;
let app: App | null = null;

beforeEach(() => {
  dir = tempDir('flightdeck-guard-http-');
});

afterEach(async () => {
  await app?.close();
  app = null;
  await api?.close();
  api = null;
  dir.remove();
});

const hold = { confirmation: { kind: 'hold', heldMs: 1600 } };

/** Opens a runbook whose one flag lives on a faulty admin API; resolves once the panel has read it (10). */
async function open(options: { settleSeconds?: number; watchSeconds?: number; etags?: boolean } = {}): Promise<{ api: FaultyFlagApi; app: App }> {
  api = await startFaultyFlagApi({ initial: 10, ...(options.etags ? { etags: true } : {}) });
  writeFileSync(join(dir.path, 'rollout.md'), '# Rollout\n\n## Phase 1\n\n- [ ] Flag to 50%\n');
  writeFileSync(
    join(dir.path, 'rollout.flightdeck.yaml'),
    [
      'environment: staging',
      'flags:',
      '  - name: checkout_v2',
      `    backend: { type: http, url: "${api.url}", method: PUT, field: percentage }`,
      '    timeoutMs: 300',
      `    watchSeconds: ${options.watchSeconds ?? 0}`,
      `    settleSeconds: ${options.settleSeconds ?? 60}`,
      'rollback:',
      '  plans:',
      '    - name: P0',
      '      steps:',
      '        - { flag: checkout_v2, set: 0 }',
    ].join('\n'),
  );
  app = testApp(join(dir.path, 'data'));
  await openTrusted(app, join(dir.path, 'rollout.md'));
  const opened = app;
  await waitFor('the panel to read the flag', async () => (await call<ControlState>(opened, 'getControl')).flags[0]?.value === 10);
  return { api, app: opened };
}

function journal(app: App): readonly JournalEntry[] {
  return app.cockpit.activation()!.journal.entries();
}

function entriesOf(app: App, type: string, actionId?: string): Array<Record<string, unknown>> {
  return journal(app)
    .filter((e) => e.type === type && (actionId === undefined || e.data.actionId === actionId))
    .map((e) => e.data);
}

/** The user's write of 50, then the rollback pressed while it is on the wire. */
async function raceRollback(app: App, onWire: Promise<void>): Promise<{ user: ActionRecord; run: RollbackRun }> {
  const user = call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 50 });
  await onWire;
  const run = call<RollbackRun>(app, 'startRollback', hold);
  return { user: await user, run: await run };
}

describe('HTTP flag faults racing a rollback', () => {
  it('applies after the deadline: unknown, then the late 50 is overridden, journaled and alarmed', async () => {
    const { api, app } = await open();
    const held = api.fault(50, 'apply-after-deadline');
    const { user, run } = await raceRollback(app, held.onWire);
    expect(user.outcome).toBe('unknown');
    expect(user.message).toContain('the server may still apply the write');
    expect(run.outcome).toBe('ok');
    expect(api.value()).toBe(0);

    held.release();
    await held.landed;
    // The late 50 is on the server now; the guard must put 0 back.
    await api.whenValue(0);
    const reasserted = await waitFor('rollback.reasserted', () => entriesOf(app, 'rollback.reasserted')[0]);
    expect(reasserted).toMatchObject({ runId: run.id, flag: 'checkout_v2', value: '0', landed: '50', actionIds: [user.id], outcome: 'ok' });
    const settled = await waitFor('the late write settled', () => entriesOf(app, 'action.settled', user.id).at(-1));
    expect(settled).toMatchObject({ outcome: 'failed', readBack: '50' });
    expect(String(settled.message)).toContain(`landed late, overridden by rollback ${run.id}`);
    expect(entriesOf(app, 'action.settled', user.id).some((d) => d.outcome === 'ok')).toBe(false);
    const control = await call<ControlState>(app, 'getControl');
    expect(control.flagAlerts.map((a) => a.kind)).toContain('reasserted');
    expect(control.actions.find((a) => a.id === user.id)).toMatchObject({ outcome: 'failed' });
    expect(api.value()).toBe(0);
  });

  it('answers 200 and applies later: unknown (never "failed"), then overridden when it lands', async () => {
    const { api, app } = await open();
    const held = api.fault(50, 'ack-then-apply-later');
    const { user, run } = await raceRollback(app, held.onWire);
    expect(user.outcome).toBe('unknown');
    expect(user.message).toContain('acknowledged 50, but the read-back shows 10');
    expect(run.outcome).toBe('ok');

    held.release();
    await held.landed;
    await api.whenValue(0);
    const reasserted = await waitFor('rollback.reasserted', () => entriesOf(app, 'rollback.reasserted')[0]);
    expect(reasserted).toMatchObject({ value: '0', landed: '50', actionIds: [user.id], outcome: 'ok' });
    expect(entriesOf(app, 'action.settled', user.id).map((d) => d.outcome)).toEqual(['failed']);
  });

  it('applies and then answers 500: the read-back says ok, and the rollback that waited for it sets 0', async () => {
    const { api, app } = await open();
    const faulty = api.fault(50, 'apply-then-500');
    const { user, run } = await raceRollback(app, faulty.onWire);
    expect(user.outcome).toBe('ok');
    expect(user.message).toContain('answered 500');
    expect(user.message).toContain('read-back shows the new value 50');
    expect(run.outcome).toBe('ok');
    expect(api.value()).toBe(0);
    expect(api.history.map((h) => h.value)).toEqual([10, 50, 0]);
    expect(entriesOf(app, 'rollback.reasserted')).toEqual([]);
  });

  it('hangs: unknown; the guard watches it for its settle window and says it never landed', async () => {
    const { api, app } = await open({ settleSeconds: 2 });
    const hung = api.fault(50, 'hang');
    const { user, run } = await raceRollback(app, hung.onWire);
    expect(user.outcome).toBe('unknown');
    expect(run.outcome).toBe('ok');
    const settled = await waitFor('the window to pass', () => entriesOf(app, 'action.settled', user.id).at(-1), 20_000);
    expect(settled).toMatchObject({ outcome: 'unknown' });
    expect(String(settled.message)).toContain('never seen landing');
    expect(api.value()).toBe(0);
    expect(entriesOf(app, 'rollback.reasserted')).toEqual([]);
  });

  it('a value set outside Flightdeck while the guard watches is journaled as a drift and alarmed, not overwritten', async () => {
    const { api, app } = await open();
    const hung = api.fault(50, 'hang');
    const { user, run } = await raceRollback(app, hung.onWire);
    expect(user.outcome).toBe('unknown');
    expect(run.outcome).toBe('ok');
    api.set(70);
    const drifted = await waitFor('flag.drifted', () => entriesOf(app, 'flag.drifted')[0]);
    expect(drifted).toMatchObject({ flag: 'checkout_v2', expected: '0', seen: '70' });
    expect((await call<ControlState>(app, 'getControl')).flagAlerts.map((a) => a.kind)).toContain('drifted');
    expect(api.value()).toBe(70);
    expect(entriesOf(app, 'rollback.reasserted')).toEqual([]);
  });

  it('a new write through Flightdeck while the guard watches ends the guard: it is neither a drift nor undone', async () => {
    const { api, app } = await open();
    const hung = api.fault(50, 'hang');
    const { user, run } = await raceRollback(app, hung.onWire);
    expect(user.outcome).toBe('unknown');
    expect(run.outcome).toBe('ok');
    const guarded = await waitFor('the panel to show the guard', async () => (await call<ControlState>(app, 'getControl')).flags[0]?.guard);
    expect(guarded).toMatchObject({ runId: run.id, value: '0', watching: [user.id] });
    const again = await call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 10 });
    expect(again.outcome).toBe('ok');
    expect(api.value()).toBe(10);
    // The guard ended before the write was sent, so no read of it can have seen 10.
    expect((await call<ControlState>(app, 'getControl')).flags[0]?.guard).toBeNull();
    expect(entriesOf(app, 'flag.drifted')).toEqual([]);
    expect(entriesOf(app, 'rollback.reasserted')).toEqual([]);
    expect(api.value()).toBe(10);
  });

  it('with ETags, the held write carries If-Match, so it cannot overwrite the rollback at all', async () => {
    const { api, app } = await open({ etags: true });
    const held = api.fault(50, 'apply-after-deadline');
    const { user, run } = await raceRollback(app, held.onWire);
    expect(user.outcome).toBe('unknown');
    expect(run.outcome).toBe('ok');
    held.release();
    expect(await held.outcome).toBe('refused');
    expect(api.history.map((h) => h.value)).toEqual([10, 0]);
    expect(entriesOf(app, 'rollback.reasserted')).toEqual([]);
  });

  it('a value changed outside Flightdeck after a rollback is re-read on its own, shown and journaled as a drift', async () => {
    const { api, app } = await open({ watchSeconds: 0.2 });
    const run = await call<RollbackRun>(app, 'startRollback', hold);
    expect(run.outcome).toBe('ok');
    api.set(70);
    const drifted = await waitFor('flag.drifted', () => entriesOf(app, 'flag.drifted')[0]);
    expect(drifted).toMatchObject({ flag: 'checkout_v2', expected: '0', seen: '70' });
    const control = await waitFor('the panel to show the drift', async () => {
      const c = await call<ControlState>(app, 'getControl');
      return c.flags[0]?.drift ? c : null;
    });
    expect(control.flags[0]).toMatchObject({ value: 70, drift: { expected: '0', seen: '70' } });
    expect(control.flagAlerts.at(-1)).toMatchObject({ kind: 'drifted', flag: 'checkout_v2' });
    // Journaled once, not on every re-read.
    api.set(0);
    await waitFor('the drift to clear', async () => (await call<ControlState>(app, 'getControl')).flags[0]?.drift === null);
    expect(entriesOf(app, 'flag.drifted')).toHaveLength(1);
  });
});
