/**
 * The action runner every side effect goes through, on a real session
 * journal: intent journaled (redacted) before the action runs, a deadline
 * that ends as unknown (never failed), a read-back that settles it, and
 * the recent actions rebuilt from the journal after a restart.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/shared/control-model';
import { FlightdeckError } from '../../src/shared/errors';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import { Session } from '../../src/main/services/session/session';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { entriesOf, newSession } from '../support/command-programs';

const SECRET = 'hunter2-but-longer-9d8c7b';
const roots: string[] = [];

afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function setUp() {
  const { session, dir, root } = newSession();
  roots.push(root);
  const redactor = new SecretRedactor();
  redactor.add('db-password', SECRET);
  const updates: ActionRecord[] = [];
  const runner = new ActionRunner({ journal: session, redactor, onUpdate: (r) => updates.push(r) });
  return { session, dir, runner, updates };
}

const base = { kind: 'flag' as const, title: 'checkout_v2 → 0', by: 'ops' };

describe('ActionRunner', () => {
  it('journals the intent, with secrets redacted, before the action runs', async () => {
    const { session, runner } = setUp();
    let seenAtRun: string[] = [];
    const record = await runner.run({
      ...base,
      inputs: { url: `redis://:${SECRET}@cache:6379`, to: '0' },
      timeoutMs: 1000,
      run: async () => {
        seenAtRun = session.entries().map((e) => e.type);
        return { outcome: 'ok', message: 'set to 0 and read back 0' };
      },
    });
    expect(seenAtRun.at(-1)).toBe('action.started');
    expect(record).toMatchObject({ outcome: 'ok', message: 'set to 0 and read back 0', inputs: { url: 'redis://:«secret:db-password»@cache:6379', to: '0' } });
    expect(readFileSync(join(session.dir, 'journal.jsonl'), 'utf8')).not.toContain(SECRET);
    session.close();
  });

  it('a deadline with no answer is unknown, never failed, and the action is told to stop', async () => {
    const { session, runner, updates } = setUp();
    let aborted = false;
    const record = await runner.run({
      ...base,
      inputs: {},
      timeoutMs: 150,
      run: ({ signal }) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
    });
    expect(record).toMatchObject({ outcome: 'unknown', message: 'timed out after 150 ms; the outcome is unknown' });
    expect(aborted).toBe(true);
    expect(updates.map((u) => u.outcome)).toEqual(['running', 'unknown']);
    expect(entriesOf(session, 'action.finished')[0]).toMatchObject({ outcome: 'unknown' });
    session.close();
  });

  it('a timeout error is unknown; any other error is failed, with its message redacted', async () => {
    const { session, runner } = setUp();
    const timeout = await runner.run({ ...base, inputs: {}, timeoutMs: 1000, run: () => Promise.reject(new FlightdeckError('timeout', 'no reply within 300 ms')) });
    expect(timeout).toMatchObject({ outcome: 'unknown', message: 'no reply within 300 ms' });
    const refused = await runner.run({ ...base, inputs: {}, timeoutMs: 1000, run: () => Promise.reject(new Error(`WRONGPASS invalid password ${SECRET}`)) });
    expect(refused).toMatchObject({ outcome: 'failed', message: 'WRONGPASS invalid password «secret:db-password»' });
    session.close();
  });

  it('an unknown outcome is settled by a read-back (action.settled)', async () => {
    const { session, runner, updates } = setUp();
    const record = await runner.run({
      ...base,
      inputs: {},
      timeoutMs: 100,
      run: () => new Promise(() => {}),
      settle: async () => ({ outcome: 'ok', message: 'read-back shows 0', readBack: '0' }),
    });
    expect(record).toMatchObject({ outcome: 'ok', message: 'timed out after 100 ms; the outcome is unknown; read-back shows 0' });
    expect(updates.map((u) => u.outcome)).toEqual(['running', 'unknown', 'ok']);
    expect(entriesOf(session, 'action.settled')).toEqual([{ actionId: record.id, outcome: 'ok', message: 'read-back shows 0', readBack: '0' }]);
    session.close();
  });

  it('rebuilds the recent actions from the journal; one started and never finished shows as interrupted', async () => {
    const { session, dir, runner } = setUp();
    await runner.run({ ...base, inputs: { to: '0' }, timeoutMs: 1000, run: async () => ({ outcome: 'ok', message: 'done' }) });
    session.record('action.started', 'ops', { actionId: 'act-crashed', kind: 'command', title: 'kubectl rollout undo', inputs: {} });
    session.close();
    const reopened = Session.open(dir);
    const again = new ActionRunner({ journal: reopened, redactor: new SecretRedactor() });
    expect(again.recent().map((r) => [r.title, r.outcome, r.message])).toEqual([
      ['checkout_v2 → 0', 'ok', 'done'],
      ['kubectl rollout undo', 'unknown', 'interrupted: the app stopped before the outcome was known'],
    ]);
    again.closeInterrupted('act-crashed', 'ops', 'interrupted by a crash; not repeated — check by hand');
    expect(again.recent().at(-1)).toMatchObject({ outcome: 'unknown', message: 'interrupted by a crash; not repeated — check by hand' });
    reopened.close();
  });
});
