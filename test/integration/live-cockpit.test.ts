/**
 * Telemetry and control wired into the app, driven through the contract
 * exactly as a renderer drives it (app.call), against the real demo
 * environment on a free port: probes go green, a flag moves and shows as a
 * marker, the rollback button's plan puts the flag back and verifies it,
 * the baseline and markers survive a restart, and a canary secret never
 * leaves main.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlState, RollbackRun, VaultStatus } from '../../src/shared/control-model';
import type { CallResult } from '../../src/shared/errors';
import type { TelemetrySnapshot } from '../../src/shared/telemetry-model';
import type { App } from '../../src/main/app/create-app';
import { call, tempDir, testApp, openTrusted } from '../support/app';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { waitFor } from '../support/wait';

const CANARY = 'canary-Zq7#x9$Lm!2';

let demo: DemoEnv;
let dir: { path: string; remove: () => void };
let runbookPath: string;
const logLines: string[] = [];
const eventsSeen: string[] = [];

function startApp(): App {
  const app = testApp(join(dir.path, 'data'), { logLines, scryptN: 2 ** 15 });
  app.events.subscribe((name, payload) => eventsSeen.push(`${name} ${JSON.stringify(payload)}`));
  return app;
}

async function demoFlag(): Promise<number> {
  const response = await fetch(`${demo.url}/api/admin/feature-flags/checkout_v2`);
  return ((await response.json()) as { percentage: number }).percentage;
}

beforeAll(async () => {
  demo = await startDemoEnv();
  dir = tempDir();
  runbookPath = demo.profileFor(dir.path);
});

afterAll(async () => {
  await demo?.stop();
  dir?.remove();
});

describe('the cockpit with a deployment profile', () => {
  it('shows live probes, moves a flag, rolls back, and keeps the evidence across a restart', async () => {
    let app = startApp();
    try {
      await openTrusted(app, runbookPath);
      let last: TelemetrySnapshot | undefined;
      const live = await waitFor(
        'both probes up with error-rate data',
        async () => {
          const s = (last = await call<TelemetrySnapshot>(app, 'getTelemetry', { rangeSeconds: 300 }));
          return s.probes.length === 2 && s.probes.every((p) => p.health === 'up') && (s.points['shop-metrics/error_rate']?.some(([, v]) => v !== null) ?? false) && s;
        },
        { timeoutMs: 20_000, intervalMs: 100, lastSeen: () => JSON.stringify(last).slice(0, 500) },
      );
      expect(live.active).toBe(true);
      expect(live.series.map((s) => s.id)).toEqual(expect.arrayContaining(['shop-metrics/error_rate', 'shop-metrics/latency_p95', 'shop-metrics/cache_hit_rate', 'shop-metrics/db_connections']));

      const baseline = await call<{ values: Record<string, number> }>(app, 'captureBaseline');
      expect(baseline.values['shop-metrics/error_rate']).toBeGreaterThanOrEqual(0);

      const control = await call<ControlState>(app, 'getControl');
      expect(control.profile?.environment).toBe('demo');
      expect(control.plans.map((p) => p.name)).toEqual(['P0', 'P1']);
      expect(control.flags[0]?.name).toBe('checkout_v2');

      // The runbook's `curl …/health` is the profile's shop-health probe, run as a native action.
      const curl = control.commands.find((c) => c.native === 'probe' && c.runnable);
      expect(curl?.argv).toEqual(['curl', `${demo.url}/health`]);
      const probed = await call<{ outcome: string; message: string }>(app, 'runCommand', { commandId: curl!.id });
      expect(probed).toMatchObject({ outcome: 'ok', message: expect.stringContaining('shop-health is up') });
      // The runbook's pg_dump line is the profile's demo-shop-db backup, run natively.
      expect(control.commands.find((c) => c.argv[0] === 'pg_dump')).toMatchObject({ native: 'backup', runnable: true });

      const preview = await call<{ inside: string[]; outside: string[] }>(app, 'previewFlag', { flag: 'checkout_v2', percent: 50 });
      expect(preview.inside.length + preview.outside.length).toBe(8);

      // Past the Phase 1 gate, which holds it until a go (gate-holds.test.ts): the override says why.
      const set = await call<{ outcome: string }>(app, 'setFlag', { flag: 'checkout_v2', percent: 50, override: { reason: 'the test raises it straight to 50 %' } });
      expect(set.outcome).toBe('ok');
      expect(await demoFlag()).toBe(50);

      const refused = (await app.call('startRollback', { confirmation: { kind: 'hold', heldMs: 300 } })) as CallResult<unknown>;
      expect(refused.ok).toBe(false);
      expect(await demoFlag()).toBe(50);

      const run = await call<RollbackRun>(app, 'startRollback', { confirmation: { kind: 'hold', heldMs: 1600 } });
      expect(run.outcome).toBe('ok');
      expect(run.steps.map((s) => s.outcome)).toEqual(['ok', 'ok']);
      expect(run.pressToVerifiedMs).toBeGreaterThan(0);
      expect(await demoFlag()).toBe(0);

      const after = await call<TelemetrySnapshot>(app, 'getTelemetry', { rangeSeconds: 300 });
      expect(after.markers.map((m) => m.kind)).toEqual(expect.arrayContaining(['baseline', 'flag', 'rollback']));
    } finally {
      await app.close();
    }

    // A restart: the same session reopens with its baseline and markers.
    app = startApp();
    try {
      await openTrusted(app, runbookPath);
      const reopened = await call<TelemetrySnapshot>(app, 'getTelemetry', { rangeSeconds: 300 });
      expect(reopened.baseline?.values['shop-metrics/error_rate']).toBeGreaterThanOrEqual(0);
      expect(reopened.markers.map((m) => m.kind)).toEqual(expect.arrayContaining(['baseline', 'flag', 'rollback']));
      const control = await call<ControlState>(app, 'getControl');
      expect(control.actions.some((a) => a.kind === 'flag' && a.outcome === 'ok')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('keeps a canary secret out of events, answers, errors, logs and the journal', async () => {
    const app = startApp();
    try {
      await openTrusted(app, runbookPath);
      await call(app, 'unlockVault', { passphrase: 'correct horse battery' });
      const status = await call<VaultStatus>(app, 'putSecret', { name: 'api-token', value: CANARY, scope: ['https://API.example.com'] });
      expect(status.names).toContain('api-token');
      expect(status.scopes['api-token']).toEqual(['https://api.example.com']);
      // The scope is the operator's word, checked in main: a path is not a destination, and the error names it.
      const badScope = (await app.call('setSecretScope', { name: 'api-token', scope: ['https://api.example.com/v1'] })) as CallResult<unknown>;
      expect(badScope.ok).toBe(false);
      if (!badScope.ok) expect(badScope.error.message).toContain('https://api.example.com/v1');
      const rescoped = await call<VaultStatus>(app, 'setSecretScope', { name: 'api-token', scope: ['https://api.example.com', 'program:kubectl'] });
      expect(rescoped.scopes['api-token']).toEqual(['https://api.example.com', 'program:kubectl']);
      const control = await call<ControlState>(app, 'getControl');
      expect(JSON.stringify(control)).not.toContain(CANARY);
      // A failure path that carries the secret in its text: the error envelope is redacted.
      app.log.error(`something failed with ${CANARY}`);
      const bad = (await app.call('openRunbookPath', { path: `/nonexistent/${CANARY}.md` })) as CallResult<unknown>;
      expect(bad.ok).toBe(false);
      expect(JSON.stringify(bad)).not.toContain(CANARY);
      await call(app, 'lockVault');
    } finally {
      await app.close();
    }
    expect(eventsSeen.join('\n')).not.toContain(CANARY);
    expect(logLines.join('\n')).not.toContain(CANARY);
    expect(logLines.join('\n')).toContain('«secret:api-token»');
    const sessions = join(dir.path, 'data', 'sessions');
    for (const session of readdirSync(sessions, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name)) {
      const journal = readFileSync(join(sessions, session, 'journal.jsonl'), 'utf8');
      expect(journal).not.toContain(CANARY);
    }
    const vaultBytes = readFileSync(join(dir.path, 'data', 'vault.json'), 'utf8');
    expect(vaultBytes).not.toContain(CANARY);
  });

  it('opens a runbook whose profile has a broken entry, says where, and drops that entry alone (issue 15)', async () => {
    const broken = tempDir();
    const app = startApp();
    try {
      const path = join(broken.path, 'rollout.md');
      writeFileSync(path, '# Rollout\n\n- [ ] Flag to 10%\n');
      writeFileSync(join(broken.path, 'rollout.flightdeck.yaml'), 'flags:\n  - name: f\n    backend: { type: redis, url: "redis://127.0.0.1:1", key: f }\n    steps: [0, 150]\n');
      const state = await openTrusted(app, path);
      expect(state.runbook?.items).toHaveLength(1);
      const notice = state.notices.find((n) => n.level === 'error');
      expect(notice?.message).toContain('rollout.flightdeck.yaml:4');
      expect(notice?.message).toContain('flags[0].steps[1]');
      expect(notice?.message).toContain('between 0 and 100');
      const control = await call<ControlState>(app, 'getControl');
      // The rest of the profile is read; the broken flag is not in it.
      expect(control.profileError).toBeNull();
      expect(control.flags).toEqual([]);
      const refused = (await app.call('startRollback', { confirmation: { kind: 'hold', heldMs: 2000 } })) as CallResult<unknown>;
      expect(refused.ok).toBe(false);
    } finally {
      await app.close();
      broken.remove();
    }
  });
});
