/**
 * Two races a release manager can cause by acting fast: pressing rollback
 * while their own flag write is still in flight, and opening another
 * runbook (or a new session) while a rollback is still running. Driven
 * through the app's contract against a real HTTP admin API on loopback
 * whose writes can be made slow.
 */
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RollbackRun } from '../../src/shared/control-model';
import type { CallResult } from '../../src/shared/errors';
import type { App } from '../../src/main/app/create-app';
import { tempDir, testApp, trustOpenRunbook } from '../support/app';

interface AdminApi {
  url: string;
  value(): number;
  /** Milliseconds each PUT of this value waits before it is applied and answered. */
  slowWritesOf(value: number, ms: number): void;
  close(): Promise<void>;
}

async function startAdminApi(): Promise<AdminApi> {
  let percentage = 0;
  const slow = new Map<number, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const answer = () => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ name: 'checkout_v2', percentage }));
      };
      if (req.method !== 'PUT') return answer();
      const wanted = (JSON.parse(body) as { percentage: number }).percentage;
      setTimeout(() => {
        percentage = wanted;
        answer();
      }, slow.get(wanted) ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/admin/feature-flags/checkout_v2`,
    value: () => percentage,
    slowWritesOf: (value, ms) => void slow.set(value, ms),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let dir: ReturnType<typeof tempDir>;
let api: AdminApi;
let app: App;

beforeEach(async () => {
  dir = tempDir();
  api = await startAdminApi();
  writeFileSync(join(dir.path, 'rollout.md'), '# Rollout\n\n## Phase 1\n\n- [ ] Flag to 50%\n');
  writeFileSync(
    join(dir.path, 'rollout.flightdeck.yaml'),
    [
      'environment: staging',
      'flags:',
      '  - name: checkout_v2',
      `    backend: { type: http, url: "${api.url}", method: PUT, field: percentage }`,
      '    timeoutMs: 5000',
      'rollback:',
      '  plans:',
      '    - name: P0',
      '      steps:',
      '        - { flag: checkout_v2, set: 0 }',
    ].join('\n'),
  );
  app = testApp(join(dir.path, 'data'));
  await app.cockpit.openPath(join(dir.path, 'rollout.md'));
  await trustOpenRunbook(app);
});

afterEach(async () => {
  await app.close();
  await api.close();
  dir.remove();
});

const hold = { confirmation: { kind: 'hold', heldMs: 1600 } };

describe('rollback races', () => {
  it('a rollback pressed while a flag write is in flight waits for it, so 0 is what stays', async () => {
    api.slowWritesOf(50, 700);
    const userWrite = app.call('setFlag', { flag: 'checkout_v2', percent: 50 });
    await new Promise((r) => setTimeout(r, 100)); // the PUT of 50 is on the wire
    const rollback = (await app.call('startRollback', hold)) as CallResult<RollbackRun>;
    expect(((await userWrite) as CallResult<{ outcome: string }>).ok).toBe(true);
    expect(rollback.ok && rollback.value.outcome).toBe('ok');
    expect(api.value()).toBe(0);
  });

  it('refuses a new session or another runbook while a rollback is running, and allows it after', async () => {
    api.slowWritesOf(0, 800);
    const rollback = app.call('startRollback', hold);
    await new Promise((r) => setTimeout(r, 100));
    const other = join(dir.path, 'other.md');
    writeFileSync(other, '# Other\n\n- [ ] something\n');
    const newSession = (await app.call('startNewSession', {})) as CallResult<unknown>;
    expect(newSession.ok).toBe(false);
    expect(!newSession.ok && newSession.error.message).toContain('Rollback plan "P0" is running');
    const opened = (await app.call('openRunbookPath', { path: other })) as CallResult<unknown>;
    expect(opened.ok).toBe(false);
    const run = (await rollback) as CallResult<RollbackRun>;
    expect(run.ok && run.value.outcome).toBe('ok');
    expect(((await app.call('startNewSession', {})) as CallResult<unknown>).ok).toBe(true);
  });
});
