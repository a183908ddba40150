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
import { call, tempDir, testApp, openTrusted } from '../support/app';
import { writeProgram } from '../support/command-programs';
import { startRedis, type RedisServer } from '../support/servers';
import { waitFor } from '../support/wait';

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
    const app = testApp(join(dir.path, 'data'));
    try {
      const runbook = join(dir.path, 'runbook.md');
      await openTrusted(app, runbook);
      const press = call<RollbackRun>(app, 'startRollback', { confirmation: { kind: 'hold', heldMs: 1600 } });
      await waitFor('the first step to start', () => existsSync(started));

      // The same runbook opened again: every live service is rebuilt for the same session.
      await openTrusted(app, runbook);
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
      await waitFor('the panel to show the run ended', async () => (await call<ControlState>(app, 'getControl')).rollback?.outcome === 'ok');
      await openTrusted(app, runbook);
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
