/**
 * `flightdeck rollback` in-process with a capturing Io, against a real
 * password-protected redis-server: exit 0 only when the plan ended ok, the
 * deliberate act required, the same journal entries as the app, secrets
 * from FLIGHTDECK_SECRET_* only and never printed or journaled.
 */
import { captureIo, trustFile } from '../support/cli';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rollbackCommand, type ConfirmInput } from '../../src/main/cli/rollback-commands';
import { readJournalFile } from '../../src/main/services/journal/journal';
import { tempDir } from '../support/app';
import { programDir, writeProgram } from '../support/command-programs';
import { startRedis, type RedisServer } from '../support/servers';

const PASSWORD = 'canary-rollback-cli-redis-pw-4242';

let redis: RedisServer;
let client: Redis;
let work: ReturnType<typeof tempDir>;
let programs: string;
let profileFile: string;

const capture = captureIo;

async function rollback(args: string[], input?: ConfirmInput) {
  const io = capture();
  const env = { FLIGHTDECK_HOME: join(work.path, 'home'), USER: 'ops', FLIGHTDECK_SECRET_REDIS_PASSWORD: PASSWORD, FLIGHTDECK_SECRET_REDIS_PASSWORD_SCOPE: redis.url, PATH: `${programs}:${process.env.PATH ?? ''}` };
  await trustFile(profileFile, env.FLIGHTDECK_HOME);
  const code = await rollbackCommand(['--profile', profileFile, ...args], io, { env, input: input ?? { isTTY: false, question: () => Promise.reject(new Error('no terminal')) } });
  return { code, stdout: io.stdout, stderr: io.stderr };
}

beforeAll(async () => {
  redis = await startRedis({ password: PASSWORD });
  client = new Redis(redis.url, { password: PASSWORD, maxRetriesPerRequest: 1 });
  work = tempDir('flightdeck-rollback-cli-');
  programs = programDir();
  writeProgram(programs, 'append-line', `require('node:fs').appendFileSync(process.argv[2], process.argv[3] + '\\n'); console.log('appended');`);
  profileFile = join(work.path, 'prod.flightdeck.yaml');
  writeFileSync(
    profileFile,
    `environment: production
flags:
  - name: checkout_v2
    backend: { type: redis, url: "${redis.url}", key: "flags:checkout_v2", password: { secret: redis-password } }
probes:
  - name: cache
    kind: redis
    url: "${redis.url}"
    password: { secret: redis-password }
commands:
  allow: [append-line]
  named:
    notify: { argv: [append-line, "${join(work.path, 'effects.txt')}", notified] }
rollback:
  confirm: hold
  default: P0
  plans:
    - name: P0
      steps:
        - { flag: checkout_v2, set: 0 }
        - { command: notify }
        - { waitForHealth: [cache], timeoutSeconds: 5 }
    - name: broken
      steps:
        - { command: [rm, -rf, /tmp/nothing] }
`,
  );
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
  work?.remove();
  if (programs) rmSync(programs, { recursive: true, force: true });
});

beforeEach(async () => {
  await client.set('flags:checkout_v2', '50');
});

function logFiles(): string {
  const root = join(work.path, 'home', 'actions');
  return readdirSync(root).map((d) => readFileSync(join(root, d, 'journal.jsonl'), 'utf8')).join('');
}

describe('flightdeck rollback', () => {
  it('--yes runs the default plan: exit 0, the flag is killed, steps printed, journaled without the secret', async () => {
    const result = await rollback(['--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(await client.get('flags:checkout_v2')).toBe('0');
    expect(result.stderr).toContain('[1/3] Set checkout_v2 to 0: ok — set to 0 and read back 0');
    expect(result.stderr).toContain('[3/3] Wait until cache is up: ok');
    expect(result.stdout).toMatch(/^Rollback P0: ok — All 3 steps done and verified/);
    const where = /journaled in log (.+)\n/.exec(result.stderr)![1]!;
    const entries = readJournalFile(join(where, 'journal.jsonl')).entries;
    expect(entries.map((e) => e.type)).toEqual(['rollback.started', 'action.started', 'action.finished', 'action.started', 'action.output', 'action.finished', 'action.started', 'action.finished', 'rollback.finished']);
    expect(entries[0]!.data).toMatchObject({ plan: 'P0', confirmation: 'confirmed on the command line (--yes)' });
    expect(entries[0]!.by).toBe('ops');
    expect(`${result.stdout}${result.stderr}${logFiles()}`).not.toContain(PASSWORD);
  });

  it('--json prints the run with its outcome and where it is journaled', async () => {
    const result = await rollback(['--plan', 'P0', '--yes', '--json', '--log', join(work.path, 'log-json')]);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as { outcome: string; steps: { outcome: string }[]; journal: string; pressToVerifiedMs: number };
    expect(run).toMatchObject({ outcome: 'ok', journal: `log ${join(work.path, 'log-json')}` });
    expect(run.steps.map((s) => s.outcome)).toEqual(['ok', 'ok', 'ok']);
    expect(run.pressToVerifiedMs).toBeGreaterThan(0);
  });

  it('without --yes and without a terminal it refuses, and nothing changes', async () => {
    const result = await rollback([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Rollback not started: confirm with --yes, or run it on a terminal and type the environment name "production".');
    expect(await client.get('flags:checkout_v2')).toBe('50');
  });

  it('on a terminal, the environment name must be typed exactly', async () => {
    const wrong = await rollback([], { isTTY: true, question: async () => 'prod' });
    expect(wrong.code).toBe(2);
    expect(await client.get('flags:checkout_v2')).toBe('50');
    let asked = '';
    const right = await rollback([], { isTTY: true, question: async (prompt) => ((asked = prompt), 'production') });
    expect(asked).toBe('Roll back production with plan P0? Type the environment name (production) to confirm: ');
    expect(right.code).toBe(0);
    expect(await client.get('flags:checkout_v2')).toBe('0');
  });

  it('a plan that fails exits 1 and says which step', async () => {
    const result = await rollback(['--plan', 'broken', '--yes']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`Rollback broken: failed — Step 1 (Run rm -rf /tmp/nothing) failed: "rm" is not on the profile's allowlist`);
  });

  it('an unknown plan is bad input naming the plans', async () => {
    const result = await rollback(['--plan', 'P7', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('has no rollback plan "P7" (plans: P0, broken).');
  });
});
