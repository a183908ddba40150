/**
 * The process-level fault handler with a real session journal and action
 * runner: a fault raised by an action's own work (here from a timer the
 * action set, as a stream's 'error' event would be) ends that action at
 * once with an honest outcome and is journaled, redacted; a fault outside
 * any action is journaled and nothing else stops; a storm of faults stops
 * main, saying so first. The handler's `handle` is called as the process
 * events would call it: vitest keeps the real process events to itself.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { installFaultHandler, type FaultHandler } from '../../src/main/app/fault-handler';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { entriesOf, newSession } from '../support/command-programs';

const SECRET = 'fault-Secret-pw-9191';
const cleanup: (() => void)[] = [];

afterEach(() => {
  for (const undo of cleanup.splice(0)) undo();
});

function setUp(options: { maxFaults?: number } = {}) {
  const { session, remove } = newSession();
  const redactor = new SecretRedactor();
  redactor.add('db-password', SECRET);
  const runner = new ActionRunner({ journal: session, redactor });
  const logged: string[] = [];
  const exits: number[] = [];
  const announced: string[] = [];
  const faults: FaultHandler = installFaultHandler({
    log: { info: () => undefined, warn: () => undefined, error: (message) => void logged.push(redactor.redact(message)) },
    redact: (text) => redactor.redact(text),
    exit: (code) => void exits.push(code),
    announceFatal: (message) => void announced.push(message),
    ...(options.maxFaults !== undefined ? { maxFaults: options.maxFaults } : {}),
  });
  faults.attach({ journal: () => session, operator: () => 'Dana' });
  cleanup.push(() => faults.uninstall(), remove);
  return { session, runner, faults, logged, exits, announced };
}

describe('the process-level fault handler', () => {
  it('ends the backup whose work threw, as failed, at once; journals the fault redacted; the runner goes on', async () => {
    const { session, runner, faults, logged } = setUp();
    const record = await runner.run({
      kind: 'backup',
      title: 'back up db',
      inputs: { backup: 'db' },
      by: 'Dana',
      timeoutMs: 600_000,
      // Never settles by itself: only the fault can end it before the (far) deadline.
      run: () =>
        new Promise(() => {
          setTimeout(() => faults.handle('uncaughtException', new Error(`write EPIPE while talking to postgres://u:${SECRET}@db`)), 1);
        }),
    });
    expect(record.outcome).toBe('failed');
    expect(record.message).toMatch(/^an internal fault stopped the backup before it was verified \(write EPIPE while talking to .*\); nothing was kept$/);
    expect(record.message).not.toContain(SECRET);
    const [fault] = entriesOf(session, 'app.fault');
    expect(fault).toMatchObject({ kind: 'uncaughtException', actionId: record.id, fatal: false });
    expect(String(fault!.message)).not.toContain(SECRET);
    expect(logged.join('\n')).toMatch(new RegExp(`fault \\(uncaughtException\\) in action ${record.id}, which it ended; the cockpit keeps running`));
    expect(logged.join('\n')).not.toContain(SECRET);

    // The next action runs as if nothing happened.
    const next = await runner.run({ kind: 'command', title: 'echo', inputs: {}, by: 'Dana', timeoutMs: 10_000, run: async () => ({ outcome: 'ok', message: 'done' }) });
    expect(next.outcome).toBe('ok');
  });

  it('an action other than a backup that faults ends unknown: its effect may have landed', async () => {
    const { runner, faults } = setUp();
    const record = await runner.run({
      kind: 'flag',
      title: 'set checkout to 50',
      inputs: {},
      by: 'Dana',
      timeoutMs: 600_000,
      run: () => new Promise(() => void Promise.resolve().then(() => faults.handle('unhandledRejection', new Error('socket hang up')))),
    });
    expect(record).toMatchObject({ outcome: 'unknown', message: 'an internal fault stopped it (socket hang up); the outcome is unknown' });
  });

  it('a fault outside any action is journaled and logged; nothing stops', () => {
    const { session, faults, logged, exits } = setUp();
    faults.handle('unhandledRejection', 'a bare string');
    expect(entriesOf(session, 'app.fault')).toEqual([{ kind: 'unhandledRejection', message: 'a bare string', actionId: null, fatal: false }]);
    expect(logged.join('\n')).toMatch(/fault \(unhandledRejection\) outside any action; the cockpit keeps running/);
    expect(exits).toEqual([]);
  });

  it('a storm of faults stops main, saying so in the log, the journal and to the person first', async () => {
    const { session, faults, logged, exits, announced } = setUp({ maxFaults: 3 });
    for (let i = 0; i < 4; i += 1) faults.handle('uncaughtException', new Error(`broken ${i}`));
    const fatal = entriesOf(session, 'app.fault').filter((e) => e.fatal === true);
    expect(fatal).toEqual([{ kind: 'uncaughtException', message: 'broken 3', actionId: null, fatal: true }]);
    expect(announced).toEqual([expect.stringMatching(/^Flightdeck must stop: 4 internal faults within 60 s \(the last: broken 3\)/)]);
    expect(logged.at(-1)).toMatch(/Flightdeck must stop/);
    await expect.poll(() => exits, { timeout: 10_000 }).toEqual([70]);
  });
});
