/**
 * The fault matrix for a Redis flag, racing a rollback, through the app's
 * contract against a real redis-server: SIGSTOPped while the user writes
 * and the rollback is pressed, SIGKILLed, and restarted empty after a
 * verified rollback. Each asserts the honest outcome and where the flag
 * ends. A MONITOR connection records what the server really executed, so
 * "the user's 50 never landed" is checked against the server's own log,
 * and events are ordered by the journal and by that log, never by sleeping.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRecord, ControlState, RollbackRun } from '../../src/shared/control-model';
import type { App } from '../../src/main/app/create-app';
import { call, tempDir, testApp, openTrusted } from '../support/app';
import { startRedis, type RedisServer } from '../support/servers';
import { waitFor } from '../support/wait';

const KEY = 'flags:checkout_v2';

let dir: ReturnType<typeof tempDir>;
let redis: RedisServer;
let admin: Redis;
let app: App;
/** Every command the server executed, as MONITOR printed it. */
let executed: string[];
let monitor: Awaited<ReturnType<Redis['monitor']>> | null;

async function startMonitor(): Promise<void> {
  monitor = await admin.monitor();
  monitor.on('monitor', (_time: string, args: string[]) => executed.push(args.join(' ').toLowerCase()));
}

beforeEach(async () => {
  dir = tempDir('flightdeck-guard-redis-');
  redis = await startRedis();
  admin = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  await admin.set(KEY, '10');
  executed = [];
  monitor = null;
  writeFileSync(join(dir.path, 'rollout.md'), '# Rollout\n\n## Phase 1\n\n- [ ] Flag to 50%\n');
  writeFileSync(
    join(dir.path, 'rollout.flightdeck.yaml'),
    [
      'environment: staging',
      'flags:',
      '  - name: checkout_v2',
      `    backend: { type: redis, url: "${redis.url}", key: "${KEY}" }`,
      '    timeoutMs: 300',
      '    watchSeconds: 0.2',
      '    settleSeconds: 10',
      'rollback:',
      '  plans:',
      '    - name: P0',
      '      steps:',
      '        - { flag: checkout_v2, set: 0 }',
    ].join('\n'),
  );
  app = testApp(join(dir.path, 'data'));
  await openTrusted(app, join(dir.path, 'rollout.md'));
  await waitFor('the panel to read the flag', async () => (await call<ControlState>(app, 'getControl')).flags[0]?.value === '10');
});

afterEach(async () => {
  redis.thaw();
  await app.close();
  monitor?.disconnect();
  admin.disconnect();
  await redis.stop();
  dir.remove();
});

const hold = { confirmation: { kind: 'hold', heldMs: 1600 } };

function journaled(type: string): Array<Record<string, unknown>> {
  return app.cockpit
    .activation()!
    .journal.entries()
    .filter((e) => e.type === type)
    .map((e) => e.data);
}

describe('Redis faults racing a rollback', () => {
  it('SIGSTOPped: the user write fails with evidence (never sent), the rollback is unknown until thawed, then 0 lands and 50 never does', async () => {
    await startMonitor();
    redis.freeze();
    const user = call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 50 });
    await waitFor('the user write journaled', () => journaled('action.started').length === 1);
    const rollback = call<RollbackRun>(app, 'startRollback', hold);
    const record = await user;
    expect(record.outcome).toBe('failed');
    expect(record.message).toContain('the write was never sent');
    const run = await rollback;
    // Its SET sits in the frozen server's buffer: nobody can say yet.
    expect(run.outcome).toBe('unknown');
    redis.thaw();
    await waitFor('the rollback value to land', async () => (await admin.get(KEY)) === '0');
    await waitFor('the server to have executed the rollback SET', () => executed.some((c) => c === `set ${KEY} 0`));
    expect(executed.filter((c) => c.startsWith(`set ${KEY} 50`))).toEqual([]);
    expect(executed).not.toContain('exec');
  });

  it('SIGKILLed: the user write and the first rollback fail at once; after a restart (empty) the rollback sets 0', async () => {
    await redis.kill();
    const record = await call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 50 });
    expect(record.outcome).toBe('failed');
    const first = await call<RollbackRun>(app, 'startRollback', hold);
    expect(first.outcome).toBe('failed');
    await redis.start();
    expect(await admin.get(KEY)).toBeNull();
    const again = await call<RollbackRun>(app, 'startRollback', hold);
    expect(again.outcome).toBe('ok');
    expect(await admin.get(KEY)).toBe('0');
  });

  it('restarted empty after a verified rollback: the re-read notices the lost value, shows it and journals flag.drifted', async () => {
    const run = await call<RollbackRun>(app, 'startRollback', hold);
    expect(run.outcome).toBe('ok');
    await redis.kill();
    await redis.start();
    const drifted = await waitFor('flag.drifted', () => journaled('flag.drifted')[0], 15_000);
    expect(drifted).toMatchObject({ flag: 'checkout_v2', expected: '0', seen: 'null' });
    const control = await call<ControlState>(app, 'getControl');
    expect(control.flags[0]?.drift).toMatchObject({ expected: '0', seen: 'null' });
    expect(control.flagAlerts.at(-1)).toMatchObject({ kind: 'drifted', flag: 'checkout_v2' });
    expect(control.flagAlerts.at(-1)!.message).toContain('lost');
  });
});
