/**
 * A rollback in flight when the open runbook is activated again (opened a
 * second time, which rebuilds every live service for its profile): the run
 * finishes on the services it started with, no step runs twice, a press
 * meanwhile joins it instead of starting another, and the flag it kills is
 * written and verified, not cut off by the old services closing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ControlState, RollbackRun } from '../../src/shared/control-model';
import type { CallResult } from '../../src/shared/errors';
import { createApp, type App } from '../../src/main/app/create-app';
import { createLogger } from '../../src/main/app/log';
import { RESOURCES, tempDir } from '../support/app';
import { writeProgram } from '../support/command-programs';
import { startTestWorker } from '../support/parser';
import { startRedis, type RedisServer } from '../support/servers';

let redis: RedisServer;
let client: Redis;
let dir: { path: string; remove: () => void };

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  dir = tempDir();
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
  dir?.remove();
});

async function call<T>(app: App, name: string, input: unknown = {}): Promise<T> {
  const result = (await app.call(name, input)) as CallResult<T>;
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.value;
}

async function until(what: string, done: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a rollback while the runbook is activated again', () => {
  it('finishes once, verified, and a press meanwhile joins it', async () => {
    const effects = join(dir.path, 'effects.txt');
    const started = join(dir.path, 'started.txt');
    const release = join(dir.path, 'release.txt');
    // Marks that it started, waits to be released, then leaves one line: a side effect to count.
    const program = writeProgram(
      dir.path,
      'slow-notify',
      `const fs = require('node:fs');
fs.appendFileSync(${JSON.stringify(started)}, 'x');
const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(release)})) { clearInterval(t); fs.appendFileSync(${JSON.stringify(effects)}, 'notified\\n'); } }, 10);`,
    );
    writeFileSync(join(dir.path, 'runbook.md'), '# Release\n\n- [ ] Roll out\n');
    writeFileSync(
      join(dir.path, 'runbook.flightdeck.yaml'),
      `environment: production
flags:
  - name: checkout_v2
    backend: { type: redis, url: "${redis.url}", key: "flags:checkout_v2" }
    steps: [0, 10, 50, 100]
    timeoutMs: 1000
commands:
  allow: ["${program}"]
  named:
    notify: { argv: ["${program}"] }
rollback:
  confirm: hold
  default: P0
  plans:
    - name: P0
      steps:
        - command: notify
          idempotent: true
        - flag: checkout_v2
          set: 0
`,
    );
    await client.set('flags:checkout_v2', '50');
    const app = createApp({
      app: { version: 'test', mode: 'browser', platform: process.platform, nativeOpenDialog: false },
      platform: { openExternal: async () => true },
      dataDir: join(dir.path, 'data'),
      resourcesDir: RESOURCES,
      createWorker: startTestWorker,
      log: createLogger(() => undefined),
      safeStorage: null,
      scryptN: 2 ** 15,
    });
    try {
      const runbook = join(dir.path, 'runbook.md');
      await app.cockpit.openPath(runbook);
      const press = call<RollbackRun>(app, 'startRollback', { confirmation: { kind: 'hold', heldMs: 1600 } });
      await until('the first step to start', async () => existsSync(started));

      // The same runbook opened again: every live service is rebuilt for the same session.
      await app.cockpit.openPath(runbook);
      const during = await call<ControlState>(app, 'getControl');
      expect(during.rollback?.outcome).toBe('running');
      const second = call<RollbackRun>(app, 'startRollback', { confirmation: { kind: 'hold', heldMs: 1600 } });
      writeFileSync(release, 'go');

      const [run, joined] = await Promise.all([press, second]);
      expect(run.outcome).toBe('ok');
      expect(run.steps.map((s) => s.outcome)).toEqual(['ok', 'ok']);
      expect(joined.id).toBe(run.id);
      expect(await client.get('flags:checkout_v2')).toBe('0');
      // Give a wrongly resumed second run the chance to show itself before counting.
      await until('the panel to show the run ended', async () => (await call<ControlState>(app, 'getControl')).rollback?.outcome === 'ok');
      await app.cockpit.openPath(runbook);
      expect(readFileSync(effects, 'utf8')).toBe('notified\n');
      expect(readFileSync(started, 'utf8')).toBe('x');
      const journal = app.cockpit.activation()!.journal.entries();
      expect(journal.filter((e) => e.type === 'rollback.started')).toHaveLength(1);
      expect(journal.filter((e) => e.type === 'rollback.finished').map((e) => (e.data as { outcome: string }).outcome)).toEqual(['ok']);
    } finally {
      await app.close();
    }
  });
});
