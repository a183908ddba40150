/**
 * Canary secrets planted in a real vault (passphrase kind, the real
 * redactor) never appear where they could leak: the journal's bytes, the
 * command output shown, the events emitted (action and rollback updates),
 * error messages on failure paths, and the argv of spawned processes
 * (/proc/PID/cmdline, read while the process runs). The program itself does
 * get them, through its environment: that is the point.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRecord, RollbackRun } from '../../src/shared/control-model';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import type { OutputChunk } from '../../src/main/services/actions/action-output';
import { CommandPolicy } from '../../src/main/services/commands/command-policy';
import { CommandRunner } from '../../src/main/services/commands/command-runner';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { RollbackService } from '../../src/main/services/rollback/rollback-service';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { Vault } from '../../src/main/services/vault/vault';
import type { Session } from '../../src/main/services/session/session';
import { canary, newSession, programDir, writeProgram } from '../support/command-programs';

let dir: string;
let session: Session;
let removeSession: () => void;
let vault: Vault;
let canaries: string[];
let events: unknown[];
let outputs: OutputChunk[];
let runner: ActionRunner;
let commands: CommandRunner;

const ENV = { DB_PASSWORD: { secret: 'db-password' }, AUTHORIZATION: { secret: 'api-token', prefix: 'Bearer ' } };

/** Prints its secrets in several shapes, on stdout and stderr, then does what argv[2] says. */
const LEAKY = `const fs = require('node:fs');
const [mode, go] = process.argv.slice(2);
const pw = process.env.DB_PASSWORD, auth = process.env.AUTHORIZATION;
fs.writeSync(1, JSON.stringify({ pid: process.pid }) + '\\n');
fs.writeSync(1, 'connecting with ' + pw + ' / ' + auth + '\\n');
fs.writeSync(1, 'basic ' + Buffer.from('admin:' + pw).toString('base64') + ' json ' + JSON.stringify({ pw }) + '\\n');
if (go) { const until = Date.now() + 10000; while (!fs.existsSync(go) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); }
if (mode === 'fail') { fs.writeSync(2, 'FATAL: password authentication failed for ' + pw + '\\n'); process.exit(1); }
if (mode === 'hang') { process.on('SIGTERM', () => {}); setInterval(() => {}, 1000); }
`;

function allTheBytes(): string {
  return readdirSync(session.dir).map((name) => readFileSync(join(session.dir, name), 'latin1')).join('\n');
}

function expectNoCanary(where: string, text: string): void {
  for (const value of canaries) {
    expect(text.includes(value), `${where} holds a canary`).toBe(false);
    expect(text.includes(Buffer.from(value).toString('base64')), `${where} holds a canary in base64`).toBe(false);
  }
}

beforeEach(async () => {
  dir = programDir();
  ({ session, remove: removeSession } = newSession());
  const redactor = new SecretRedactor();
  vault = new Vault({ file: join(dir, 'vault.json'), safeStorage: null, platform: 'linux', redactor, scryptN: 2 ** 15 });
  await vault.unlock('correct horse battery staple');
  canaries = [canary('db'), canary('api')];
  vault.put('db-password', canaries[0]!, ['program:leaky']);
  vault.put('api-token', canaries[1]!, ['program:leaky']);
  events = [];
  outputs = [];
  runner = new ActionRunner({
    journal: session,
    redactor,
    onUpdate: (record: ActionRecord) => events.push(record),
    onOutput: (chunk) => {
      outputs.push(chunk);
      events.push(chunk);
    },
  });
  writeProgram(dir, 'leaky', LEAKY);
  commands = new CommandRunner({ policy: new CommandPolicy(['leaky'], dir), env: ENV, secrets: vault, runner, killGraceMs: 200, baseEnv: { PATH: dir } });
});

afterEach(() => {
  removeSession();
  rmSync(dir, { recursive: true, force: true });
});

describe('canary secrets', () => {
  it('success: the program gets them through its environment, and they appear nowhere else (argv read from /proc while it runs)', async () => {
    const go = join(dir, 'go');
    const running = commands.run({ argv: ['leaky', 'ok', go], timeoutMs: 10_000, by: 'ops' });
    await expect.poll(() => outputs.map((c) => c.text).join(''), { timeout: 10_000 }).toContain('"pid"');
    const pid = (JSON.parse(outputs.map((c) => c.text).join('').split('\n')[0]!) as { pid: number }).pid;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    // The kernel runs the shebang's Node with the script path, then the argv Flightdeck gave.
    expect(cmdline.split('\0').slice(1)).toEqual([join(dir, 'leaky'), 'ok', go, '']);
    expectNoCanary('/proc/PID/cmdline', cmdline);
    // The environment is where they are meant to be.
    expect(readFileSync(`/proc/${pid}/environ`, 'latin1')).toContain(`DB_PASSWORD=${canaries[0]}`);
    writeFileSync(go, '');
    const record = await running;
    expect(record.outcome).toBe('ok');
    const shown = outputs.map((c) => c.text).join('');
    expect(shown).toContain('connecting with «secret:db-password» / Bearer «secret:api-token»');
    expect(shown).toContain('json {"pw":"«secret:db-password»"}');
    expectNoCanary('output shown', shown);
    expectNoCanary('events', JSON.stringify(events));
    expectNoCanary('journal', allTheBytes());
  });

  it('failure: a program that exits 1 printing the secret to stderr leaves it out of the error message', async () => {
    const record = await commands.run({ argv: ['leaky', 'fail'], timeoutMs: 10_000, by: 'ops' });
    expect(record.outcome).toBe('failed');
    expect(record.message).toBe('exited with status 1: FATAL: password authentication failed for «secret:db-password»');
    expectNoCanary('error message', record.message);
    expectNoCanary('events', JSON.stringify(events));
    expectNoCanary('journal', allTheBytes());
  });

  it('timeout: a program that hangs after printing them is killed, and nothing leaks', async () => {
    const record = await commands.run({ argv: ['leaky', 'hang'], timeoutMs: 800, by: 'ops' });
    expect(record.outcome).toBe('unknown');
    expectNoCanary('events', JSON.stringify(events));
    expectNoCanary('journal', allTheBytes());
  });

  it('a rollback whose command step fails with the secret in its output: run events, step messages and journal stay clean', async () => {
    const profile = ProfileSchema.parse({
      environment: 'production',
      commands: { allow: ['leaky'], env: ENV, named: { migrate: { argv: ['leaky', 'fail'] } } },
      rollback: { confirm: 'type', plans: [{ name: 'P2', steps: [{ command: 'migrate' }] }] },
    });
    const runs: RollbackRun[] = [];
    const rollback = new RollbackService({
      profile,
      journal: session,
      runner,
      commands,
      flags: { set: () => Promise.reject(new Error('no flags')), read: () => Promise.reject(new Error('no flags')) },
      health: async () => ({ ok: true, message: 'up' }),
      onUpdate: (run) => runs.push(run),
    });
    const run = await rollback.run({ plan: 'P2', confirmation: { kind: 'typed', text: 'production' } }, 'ops');
    expect(run.outcome).toBe('failed');
    expect(run.steps[0]!.message).toBe('exited with status 1: FATAL: password authentication failed for «secret:db-password»');
    expectNoCanary('rollback events', JSON.stringify(runs));
    expectNoCanary('action events', JSON.stringify(events));
    expectNoCanary('journal', allTheBytes());
  });

  it('a locked vault stops the command before it starts, and says which secret', async () => {
    vault.lock();
    const record = await commands.run({ argv: ['leaky', 'ok'], timeoutMs: 10_000, by: 'ops' });
    expect(record.outcome).toBe('failed');
    expect(record.message).toMatch(/db-password/);
    expect(outputs).toEqual([]);
    expectNoCanary('journal', allTheBytes());
  });
});
