/**
 * Two races a release manager can cause by acting fast: pressing rollback
 * while their own flag write is still in flight, and opening another
 * runbook (or a new session) while a rollback is still running. Driven
 * through the app's contract against a real HTTP admin API on loopback
 * whose writes can be held until the test lets them through, so the order
 * of events is set by the test, not by timers.
 */
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RollbackRun } from '../../src/shared/control-model';
import type { CallResult } from '../../src/shared/errors';
import type { App } from '../../src/main/app/create-app';
import { tempDir, testApp, openTrusted } from '../support/app';
import { waitFor } from '../support/wait';

interface AdminApi {
  url: string;
  value(): number;
  /** Values of the PUTs received so far, in order of arrival. */
  puts(): number[];
  /** PUTs of this value are held, neither applied nor answered, until the returned function is called. */
  holdWritesOf(value: number): () => void;
  /** Resolves once a PUT of this value is on the wire (received, whether held or not). */
  received(value: number): Promise<void>;
  close(): Promise<void>;
}

async function startAdminApi(): Promise<AdminApi> {
  let percentage = 0;
  const puts: number[] = [];
  const holds = new Map<number, { released: Promise<void>; release: () => void }>();
  const waiting: Array<{ value: number; resolve: () => void }> = [];
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
      puts.push(wanted);
      for (const waiter of waiting.filter((w) => w.value === wanted)) waiter.resolve();
      void (holds.get(wanted)?.released ?? Promise.resolve()).then(() => {
        percentage = wanted;
        answer();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/api/admin/feature-flags/checkout_v2`,
    value: () => percentage,
    puts: () => [...puts],
    holdWritesOf: (value) => {
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.set(value, { released, release });
      return release;
    },
    received: (value) => (puts.includes(value) ? Promise.resolve() : new Promise((resolve) => waiting.push({ value, resolve }))),
    close: () => {
      // Nothing stays held past the test.
      for (const hold of holds.values()) hold.release();
      return new Promise((resolve) => server.close(() => resolve()));
    },
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
  await openTrusted(app, join(dir.path, 'rollout.md'));
});

afterEach(async () => {
  await app.close();
  await api.close();
  dir.remove();
});

const hold = { confirmation: { kind: 'hold', heldMs: 1600 } };

describe('rollback races', () => {
  it('a rollback pressed while a flag write is in flight waits for it, so 0 is what stays', async () => {
    const release50 = api.holdWritesOf(50);
    const userWrite = app.call('setFlag', { flag: 'checkout_v2', percent: 50 });
    await api.received(50); // the PUT of 50 is on the wire, and held there
    const progress: RollbackRun[] = [];
    const unsubscribe = app.events.subscribe((name, payload) => {
      if (name === 'rollbackProgress') progress.push(payload as RollbackRun);
    });
    const rollback = app.call('startRollback', hold);
    await waitFor('the rollback to be at its flag step', () => progress.some((run) => run.steps[0]?.outcome === 'running'));
    unsubscribe();
    release50();
    expect(((await userWrite) as CallResult<{ outcome: string }>).ok).toBe(true);
    const run = (await rollback) as CallResult<RollbackRun>;
    expect(run.ok && run.value.outcome).toBe('ok');
    // The rollback's 0 went out only after the 50 had landed, so 0 is what stays.
    expect(api.puts()).toEqual([50, 0]);
    expect(api.value()).toBe(0);
  });

  it('refuses a new session or another runbook while a rollback is running, and allows it after', async () => {
    const release0 = api.holdWritesOf(0);
    const rollback = app.call('startRollback', hold);
    await api.received(0); // the rollback is running: its write is on the wire, held
    const other = join(dir.path, 'other.md');
    writeFileSync(other, '# Other\n\n- [ ] something\n');
    const newSession = (await app.call('startNewSession', {})) as CallResult<unknown>;
    expect(newSession.ok).toBe(false);
    expect(!newSession.ok && newSession.error.message).toContain('Rollback plan "P0" is running');
    const opened = (await app.call('openRunbookPath', { path: other })) as CallResult<unknown>;
    expect(opened.ok).toBe(false);
    release0();
    const run = (await rollback) as CallResult<RollbackRun>;
    expect(run.ok && run.value.outcome).toBe('ok');
    expect(((await app.call('startNewSession', {})) as CallResult<unknown>).ok).toBe(true);
  });
});
