/**
 * Commands run as real processes: literal argv (nothing a profile or a
 * runbook writes can become a shell command or an option), the allowlist,
 * the deadline, and streamed, redacted output.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRecord } from '../../src/shared/control-model';
import { FlightdeckError } from '../../src/shared/errors';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import type { OutputChunk } from '../../src/main/services/actions/action-output';
import { CommandPolicy } from '../../src/main/services/commands/command-policy';
import { CommandRunner } from '../../src/main/services/commands/command-runner';
import { CommandService } from '../../src/main/services/commands/command-service';
import { recogniseContext, recogniseRunbook } from '../../src/main/services/commands/recognise';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import type { Session } from '../../src/main/services/session/session';
import { argvPrinter, entriesOf, mapSecrets, newSession, programDir, writeProgram } from '../support/command-programs';
import { parseText } from '../support/runbooks';

const LITERALS = [';rm -rf /', '$(id)', 'two\nlines', '--file=/tmp/x', '-h evil', '`id`', '> /tmp/out', '*'];

let dir: string;
let session: Session;
let removeSession: () => void;
let outputs: OutputChunk[];
let updates: ActionRecord[];
let redactor: SecretRedactor;

function setUp(allow: string[], env: Record<string, string | { secret: string }> = {}, secrets: Record<string, string> = {}, killGraceMs = 300) {
  redactor = new SecretRedactor();
  for (const [name, value] of Object.entries(secrets)) redactor.add(name, value);
  const runner = new ActionRunner({ journal: session, redactor, onOutput: (c) => outputs.push(c), onUpdate: (r) => updates.push(r) });
  const policy = new CommandPolicy(allow, `${dir}:${process.env.PATH ?? ''}`);
  const commands = new CommandRunner({ policy, env, secrets: mapSecrets(secrets), runner, killGraceMs, baseEnv: { PATH: `${dir}:${process.env.PATH ?? ''}`, HOME: '/nonexistent', LANG: 'C.UTF-8' } });
  return { runner, policy, commands };
}

function stdoutOf(actionId: string): string {
  return outputs.filter((c) => c.actionId === actionId && c.stream === 'stdout').map((c) => c.text).join('');
}

beforeEach(() => {
  dir = programDir();
  ({ session, remove: removeSession } = newSession());
  outputs = [];
  updates = [];
});

afterEach(() => {
  removeSession();
  rmSync(dir, { recursive: true, force: true });
});

describe('arguments stay literal', () => {
  it('from the profile: each argv element arrives as exactly one argument, nothing is run by a shell', async () => {
    argvPrinter(dir);
    const marker = join(dir, 'marker');
    const { commands } = setUp(['argv-printer']);
    const argv = ['argv-printer', ...LITERALS, `;touch ${marker}`, `$(touch ${marker})`];
    const record = await commands.run({ argv, timeoutMs: 10_000, by: 'ops' });
    expect(record.outcome).toBe('ok');
    const printed = JSON.parse(stdoutOf(record.id)) as { argv: string[] };
    expect(printed.argv).toEqual(argv.slice(1));
    expect(existsSync(marker)).toBe(false);
    // The journal has the intent with the exact argv, before the outcome.
    const started = entriesOf(session, 'action.started').find((d) => d.actionId === record.id)!;
    expect(JSON.parse((started.inputs as Record<string, string>).argv!)).toEqual(argv);
  });

  it('from the runbook: a quoted word is one argument, and a resource goes after "--" where Flightdeck rebuilds the command', async () => {
    argvPrinter(dir);
    argvPrinter(dir, 'kubectl');
    const { commands, policy } = setUp(['argv-printer', 'kubectl']);
    const doc = parseText(
      [
        '# Deploy',
        '',
        '## Rollback',
        '',
        '```bash',
        `argv-printer ';rm -rf /' '$(id)' --file=/tmp/x '-h evil' "a;b"`,
        `kubectl rollout undo 'deployment/web;rm -rf /' '$(id)' -n prod`,
        `kubectl rollout undo deployment/web -n '-h'`,
        `argv-printer 'two`,
        `lines'`,
        'argv-printer $(id)',
        '```',
        '',
      ].join('\n'),
    );
    const views = recogniseRunbook(doc, recogniseContext(ProfileSchema.parse({}), (p) => policy.isAllowed(p)));
    const [plain, kubectl, badValue, newline1, newline2, substitution] = views;

    const first = await commands.run({ argv: plain!.argv, timeoutMs: 10_000, by: 'ops' });
    expect(JSON.parse(stdoutOf(first.id)).argv).toEqual([';rm -rf /', '$(id)', '--file=/tmp/x', '-h evil', 'a;b']);

    const second = await commands.run({ argv: kubectl!.argv, timeoutMs: 10_000, by: 'ops' });
    expect(JSON.parse(stdoutOf(second.id)).argv).toEqual(['rollout', 'undo', '--namespace=prod', '--', 'deployment/web;rm -rf /', '$(id)']);

    // An option value that would read as an option, a newline inside quotes, a substitution: never run.
    expect(badValue).toMatchObject({ runnable: false, reason: 'option -n has the value "-h", which kubectl would read as an option' });
    expect(newline1).toMatchObject({ runnable: false, reason: 'has an unterminated single quote' });
    expect(newline2).toMatchObject({ runnable: false });
    expect(substitution).toMatchObject({ runnable: false, reason: 'uses shell syntax (a "$" expansion)' });
  });

  it('the platform lines runbooks use (railway, heroku, kubectl rollout restart) run allowlisted with hostile words as literal arguments', async () => {
    for (const program of ['railway', 'heroku', 'kubectl']) argvPrinter(dir, program);
    const marker = join(dir, 'marker');
    const { commands, policy } = setUp(['railway', 'heroku', 'kubectl']);
    const doc = parseText(
      [
        '# Deploy',
        '',
        '## Rollback',
        '',
        '```bash',
        `railway env set 'FEATURE=$(touch ${marker})'`,
        `heroku config:unset 'X;touch ${marker}' --app shop`,
        `heroku restart --app '\`touch ${marker}\`'`,
        `kubectl rollout restart "deployment/web && touch ${marker}" -n prod`,
        `railway restart; touch ${marker}`,
        '```',
        '',
      ].join('\n'),
    );
    const service = new CommandService({ profile: ProfileSchema.parse({ commands: { allow: ['railway', 'heroku', 'kubectl'] } }), doc, policy, runner: commands });
    const views = service.views();
    expect(views.map((v) => [v.line, v.runnable, v.native])).toEqual([
      [6, true, 'flag'],
      [7, true, null],
      [8, true, 'command'],
      [9, true, 'command'],
      [10, false, null],
    ]);
    const printed: string[][] = [];
    for (const view of views.filter((v) => v.runnable)) printed.push(JSON.parse(stdoutOf((await service.run(view.id, 'ops')).id)).argv);
    expect(printed).toEqual([
      ['env', 'set', `FEATURE=$(touch ${marker})`],
      ['config:unset', `X;touch ${marker}`, '--app', 'shop'],
      ['restart', '--app', `\`touch ${marker}\``],
      ['rollout', 'restart', '--namespace=prod', '--', `deployment/web && touch ${marker}`],
    ]);
    expect(views[4]!.reason).toBe('uses shell syntax (";")');
    expect(existsSync(marker)).toBe(false);
  });
});

describe('the allowlist', () => {
  it('refuses a program outside it, naming the program and the allowlist, and journals nothing', async () => {
    argvPrinter(dir);
    const { commands } = setUp(['argv-printer', 'kubectl']);
    const before = session.entries().length;
    const refusal = await commands.run({ argv: ['rm', '-rf', '/tmp/nothing'], timeoutMs: 1000, by: 'ops' }).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(FlightdeckError);
    expect((refusal as FlightdeckError).code).toBe('forbidden');
    expect((refusal as FlightdeckError).message).toBe(`"rm" is not on the profile's allowlist (commands.allow: argv-printer, kubectl); add it there to let it run.`);
    expect(session.entries().length).toBe(before);
  });

  it('refuses relative paths and absolute paths to other programs; resolves names on PATH at check time', () => {
    const printer = argvPrinter(dir);
    const { policy } = setUp(['argv-printer']);
    expect(() => policy.resolve('./argv-printer')).toThrow(/"\.\/argv-printer" is not on the profile's allowlist/);
    expect(() => policy.resolve('/bin/sh')).toThrow(/"\/bin\/sh" is not on the profile's allowlist/);
    expect(policy.resolve('argv-printer')).toBe(printer);
    expect(policy.resolve(printer)).toBe(printer);
    const missing = new CommandPolicy(['not-installed-anywhere'], dir);
    expect(() => missing.resolve('not-installed-anywhere')).toThrow(/allowlisted but was not found on PATH/);
  });
});

describe('deadline', () => {
  it('a program that ignores SIGTERM is killed at the deadline and the outcome is unknown, never failed', async () => {
    writeProgram(dir, 'stubborn', `process.on('SIGTERM', () => {}); console.log(process.pid); setInterval(() => {}, 1000);`);
    const { commands } = setUp(['stubborn'], {}, {}, 300);
    const t0 = Date.now();
    const record = await commands.run({ argv: ['stubborn'], timeoutMs: 700, by: 'ops' });
    expect(record.outcome).toBe('unknown');
    expect(record.message).toMatch(/^timed out after 700 ms; the outcome is unknown: killed with SIGKILL: it ignored SIGTERM for 300 ms/);
    expect(Date.now() - t0).toBeLessThan(5000);
    const pid = Number(stdoutOf(record.id).trim());
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
    const finished = entriesOf(session, 'action.finished').find((d) => d.actionId === record.id)!;
    expect(finished.outcome).toBe('unknown');
  });

  it('a program that stops on SIGTERM says so', async () => {
    writeProgram(dir, 'sleeper', `setTimeout(() => {}, 60_000);`);
    const { commands } = setUp(['sleeper']);
    const record = await commands.run({ argv: ['sleeper'], timeoutMs: 500, by: 'ops' });
    expect(record).toMatchObject({ outcome: 'unknown', message: 'timed out after 500 ms; the outcome is unknown: stopped with SIGTERM at the deadline' });
  });
});

describe('outcome and output', () => {
  it('streams output while the program runs, redacted even when a secret is split across writes', async () => {
    const secret = 'tok_9f8e7d6c5b4a39281706';
    writeProgram(
      dir,
      'chatty',
      `const fs = require('node:fs');
fs.writeSync(1, 'first line\\n');
// Wait until the parent has shown the first line before going on.
const until = Date.now() + 10_000;
while (!fs.existsSync(process.argv[2]) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
const t = process.env.API_TOKEN;
fs.writeSync(1, 'token=' + t.slice(0, 9));
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60);
fs.writeSync(1, t.slice(9) + ' done\\n');
fs.writeSync(2, 'warning: ' + t + '\\n');`,
    );
    const go = join(dir, 'go');
    const { commands } = setUp(['chatty'], { API_TOKEN: { secret: 'api-token' } }, { 'api-token': secret });
    const running = commands.run({ argv: ['chatty', go], timeoutMs: 10_000, by: 'ops' });
    await expect.poll(() => outputs.map((c) => c.text).join(''), { timeout: 10_000 }).toContain('first line');
    expect(updates.at(-1)?.outcome).toBe('running');
    writeFileSync(go, '');
    const record = await running;
    expect(record.outcome).toBe('ok');
    const shown = outputs.map((c) => c.text).join('');
    expect(shown).toContain('token=«secret:api-token» done');
    expect(shown).toContain('warning: «secret:api-token»');
    expect(shown).not.toContain(secret.slice(0, 9) + secret.slice(9, 12));
    const journaled = entriesOf(session, 'action.output').filter((d) => d.actionId === record.id).map((d) => d.text).join('');
    expect(journaled).toContain('token=«secret:api-token» done');
    expect(readFileSync(join(session.dir, 'journal.jsonl'), 'utf8')).not.toContain(secret);
  });

  it('a non-zero exit is failed, with the last line of stderr', async () => {
    writeProgram(dir, 'failing', `console.error('connecting'); console.error('error: deployment "web" not found'); process.exit(3);`);
    const { commands } = setUp(['failing']);
    const record = await commands.run({ argv: ['failing'], timeoutMs: 10_000, by: 'ops' });
    expect(record).toMatchObject({ outcome: 'failed', message: 'exited with status 3: error: deployment "web" not found' });
  });

  it('the child gets only PATH, HOME, LANG and the profile env', async () => {
    argvPrinter(dir);
    const { commands } = setUp(['argv-printer'], { KUBECONFIG: '/etc/kube/config' });
    process.env.FLIGHTDECK_TEST_LEAK = 'leak';
    try {
      const record = await commands.run({ argv: ['argv-printer'], timeoutMs: 10_000, by: 'ops' });
      const env = (JSON.parse(stdoutOf(record.id)) as { env: Record<string, string> }).env;
      expect(Object.keys(env).sort()).toEqual(['HOME', 'KUBECONFIG', 'LANG', 'PATH']);
    } finally {
      delete process.env.FLIGHTDECK_TEST_LEAK;
    }
  });

  it('keeps a bounded amount of output in the journal and says so in the last chunk', async () => {
    writeProgram(dir, 'flood', `const line = 'x'.repeat(99) + '\\n'; for (let i = 0; i < 3000; i++) process.stdout.write(line);`);
    const { commands } = setUp(['flood']);
    const record = await commands.run({ argv: ['flood'], timeoutMs: 20_000, by: 'ops' });
    expect(record.outcome).toBe('ok');
    expect(stdoutOf(record.id).length).toBe(300_000);
    const chunks = entriesOf(session, 'action.output').filter((d) => d.actionId === record.id).map((d) => String(d.text));
    const kept = chunks.join('');
    expect(Buffer.byteLength(kept)).toBeLessThan(64 * 1024 + 200);
    expect(chunks.at(-1)).toMatch(/\[output truncated: the journal keeps the first 64 KiB of 293 KiB; the rest was shown but not kept\]\n$/);
  });
});

describe('CommandService: what runCommand runs', () => {
  it('lists profile and runbook commands without runner details, runs a runnable one, refuses a copy-only one with its reason', async () => {
    argvPrinter(dir);
    const { commands, policy } = setUp(['argv-printer']);
    const profile = ProfileSchema.parse({
      commands: { allow: ['argv-printer'], named: { hello: { argv: ['argv-printer', 'hello world'] } } },
      flags: [{ name: 'beta', backend: { type: 'railway', projectId: 'p', environmentId: 'e', var: 'BETA', token: { secret: 't' } } }],
    });
    const doc = parseText('# T\n\n## P\n\n```bash\nrailway env set BETA=0\ndocker ps\n```\n');
    const flagWrites: unknown[] = [];
    const service = new CommandService({
      profile,
      doc,
      policy,
      runner: commands,
      natives: {
        flag: async (flag, value, by) => {
          flagWrites.push({ flag, value, by });
          return { id: 'a', kind: 'flag', title: flag, by, startedAt: '', endedAt: '', outcome: 'ok', message: 'set', inputs: {}, durationMs: 1 };
        },
      },
    });
    const views = service.views();
    expect(views.map((v) => [v.id, v.runnable, v.native, v.reason])).toEqual([
      ['profile:hello', true, null, null],
      ['runbook:6', true, 'flag', null],
      ['runbook:7', false, null, "not on the profile's allowlist"],
    ]);
    expect(views.every((v) => !('action' in v))).toBe(true);
    const hello = await service.run('profile:hello', 'ops');
    expect(JSON.parse(stdoutOf(hello.id)).argv).toEqual(['hello world']);
    await service.run('runbook:6', 'ops');
    expect(flagWrites).toEqual([{ flag: 'beta', value: 0, by: 'ops' }]);
    await expect(service.run('runbook:7', 'ops')).rejects.toThrow(`"docker ps" is copy-only: not on the profile's allowlist.`);
    await expect(service.run('runbook:99', 'ops')).rejects.toThrow('There is no command "runbook:99" in this runbook or profile.');
  });
});
