/**
 * The rollback service against a real redis-server: P0 kills the flag,
 * runs its command and waits for health; P1 drops to the last stable step;
 * each step is journaled before it runs and verified by reading back; the
 * deliberate act is checked in main; a second press joins the running
 * plan; a frozen server makes the step unknown, never ok.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionRecord, RollbackRun } from '../../src/shared/control-model';
import { FlightdeckError } from '../../src/shared/errors';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import { CommandPolicy } from '../../src/main/services/commands/command-policy';
import { CommandRunner } from '../../src/main/services/commands/command-runner';
import { RedisFlagBackend } from '../../src/main/services/flags/redis-backend';
import { ProfileSchema, type Profile } from '../../src/main/services/profile/profile-schema';
import { createProbe } from '../../src/main/services/probes/create-probe';
import { flagSetterFromBackends, probeHealthWaiter, type HealthWaiter } from '../../src/main/services/rollback/rollback-ports';
import { RollbackService } from '../../src/main/services/rollback/rollback-service';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import type { Session } from '../../src/main/services/session/session';
import { mapSecrets, newSession, programDir, writeProgram } from '../support/command-programs';
import { startRedis, type RedisServer } from '../support/servers';

let redis: RedisServer;
let client: Redis;
let programs: string;
let session: Session;
let removeSession: () => void;
let runs: RollbackRun[];
let actions: ActionRecord[];
let backends: RedisFlagBackend[];
let closers: (() => Promise<void>)[];

beforeAll(async () => {
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  programs = programDir();
  writeProgram(programs, 'append-line', `require('node:fs').appendFileSync(process.argv[2], process.argv[3] + '\\n');`);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.stop();
  if (programs) rmSync(programs, { recursive: true, force: true });
});

beforeEach(async () => {
  ({ session, remove: removeSession } = newSession());
  runs = [];
  actions = [];
  backends = [];
  closers = [];
  await client.set('flags:checkout_v2', '50');
});

afterEach(async () => {
  for (const backend of backends) await backend.close();
  for (const close of closers) await close();
  removeSession();
});

function profileWith(overrides: Record<string, unknown> = {}, file = join(programs, 'effects.txt')): Profile {
  return ProfileSchema.parse({
    environment: 'production',
    flags: [{ name: 'checkout_v2', backend: { type: 'redis', url: redis.url, key: 'flags:checkout_v2' }, steps: [0, 10, 50, 100], timeoutMs: 400 }],
    probes: [{ name: 'cache', kind: 'redis', url: redis.url }],
    commands: { allow: ['append-line'], named: { notify: { argv: ['append-line', file, 'notified'] } } },
    rollback: {
      confirm: 'hold',
      default: 'P0',
      plans: [
        { name: 'P0', severity: 'P0', steps: [{ flag: 'checkout_v2', set: 0 }, { command: 'notify' }, { waitForHealth: ['cache'], timeoutSeconds: 5 }] },
        { name: 'P1', severity: 'P1', steps: [{ flag: 'checkout_v2', lastStableStep: true }] },
        { name: 'bad', steps: [{ command: ['rm', '-rf', '/tmp/nothing'] }, { flag: 'checkout_v2', set: 0 }] },
      ],
    },
    ...overrides,
  });
}

/** By default health comes from the profile's real probes (here a Redis probe of the same server). */
function service(profile: Profile, health?: HealthWaiter): RollbackService {
  const redactor = new SecretRedactor();
  const runner = new ActionRunner({ journal: session, redactor, onUpdate: (a) => actions.push(a) });
  const flagBackends = new Map(
    profile.flags.map((f) => {
      const backend = new RedisFlagBackend(f.backend as Extract<typeof f.backend, { type: 'redis' }>, { secrets: mapSecrets({}) });
      backends.push(backend);
      return [f.name, { backend, timeoutMs: f.timeoutMs }] as const;
    }),
  );
  const commands = new CommandRunner({ policy: new CommandPolicy(profile.commands.allow, programs), env: {}, secrets: mapSecrets({}), runner, baseEnv: { PATH: programs } });
  const probes = new Map(profile.probes.map((p) => [p.name, createProbe(p, { secrets: mapSecrets({}) })] as const));
  for (const probe of probes.values()) closers.push(() => probe.close());
  const waiter = health ?? probeHealthWaiter(probes, { intervalMs: 100 });
  return new RollbackService({ profile, journal: session, runner, commands, flags: flagSetterFromBackends(flagBackends), health: waiter, onUpdate: (r) => runs.push(r) });
}

const HOLD = { kind: 'hold', heldMs: 1600 } as const;

describe('rollback plans against redis', () => {
  it('P0: kills the flag, runs the command, waits for health; every step journaled before it runs and verified', async () => {
    const file = join(programs, `p0-${Date.now()}.txt`);
    const rollback = service(profileWith({}, file));
    const run = await rollback.run({ confirmation: HOLD }, 'alice');
    expect(run.outcome).toBe('ok');
    expect(run.steps.map((s) => [s.title, s.outcome])).toEqual([
      ['Set checkout_v2 to 0', 'ok'],
      ['Run notify', 'ok'],
      ['Wait until cache is up', 'ok'],
    ]);
    expect(run.steps[2]!.message).toBe('cache up');
    expect(run.steps[0]!.message).toBe('set to 0 and read back 0');
    expect(await client.get('flags:checkout_v2')).toBe('0');
    expect(readFileSync(file, 'utf8')).toBe('notified\n');
    expect(run.pressToVerifiedMs).toBeGreaterThan(0);

    // The journal: intent before outcome for each step, and the run's end with the time from the press.
    const story = session.entries().filter((e) => e.type.startsWith('rollback.') || e.type === 'action.started' || e.type === 'action.finished');
    expect(story.map((e) => `${e.type}${typeof e.data.step === 'number' ? `#${e.data.step}` : ''}`)).toEqual([
      'rollback.started',
      'action.started#0',
      'action.finished',
      'action.started#1',
      'action.finished',
      'action.started#2',
      'action.finished',
      'rollback.finished',
    ]);
    expect(story[0]!.data).toMatchObject({ plan: 'P0', confirmation: 'held the button for 1600 ms', steps: ['Set checkout_v2 to 0', 'Run notify', 'Wait until cache is up'] });
    expect(story[0]!.by).toBe('alice');
    expect(story.at(-1)!.data).toMatchObject({ outcome: 'ok', pressToVerifiedMs: run.pressToVerifiedMs });

    // Progress was streamed: each step seen running before it was ok.
    const stepStates = runs.map((r) => r.steps.map((s) => s.outcome).join(','));
    expect(stepStates).toContain('running,pending,pending');
    expect(stepStates).toContain('ok,running,pending');
    expect(stepStates).toContain('ok,ok,running');
    expect(actions.filter((a) => a.kind === 'rollback-step' && a.outcome === 'ok')).toHaveLength(3);
  });

  it('P1: drops to the highest step below the current value, and from 0 there is nothing to drop', async () => {
    const rollback = service(profileWith());
    const run = await rollback.run({ plan: 'P1', confirmation: HOLD }, 'bob');
    expect(run.outcome).toBe('ok');
    expect(await client.get('flags:checkout_v2')).toBe('10');
    const started = session.entries().find((e) => e.type === 'action.started' && e.data.runId === run.id)!;
    expect(started.data.inputs).toEqual({ flag: 'checkout_v2', value: '10', from: '50' });

    await client.set('flags:checkout_v2', '30');
    expect((await rollback.run({ plan: 'P1', confirmation: HOLD }, 'bob')).outcome).toBe('ok');
    expect(await client.get('flags:checkout_v2')).toBe('10');

    await client.set('flags:checkout_v2', '0');
    const none = await rollback.run({ plan: 'P1', confirmation: HOLD }, 'bob');
    expect(none.outcome).toBe('ok');
    expect(none.steps[0]!.message).toBe('checkout_v2 is at 0, already at or below its lowest step: nothing to drop');
    expect(await client.get('flags:checkout_v2')).toBe('0');
  });

  it('a failing step stops the plan: later steps stay pending and the run is failed', async () => {
    const rollback = service(profileWith());
    const run = await rollback.run({ plan: 'bad', confirmation: HOLD }, 'carol');
    expect(run.outcome).toBe('failed');
    expect(run.steps[0]).toMatchObject({ outcome: 'failed', message: `"rm" is not on the profile's allowlist (commands.allow: append-line); add it there to let it run.` });
    expect(run.steps[1]!.outcome).toBe('pending');
    expect(await client.get('flags:checkout_v2')).toBe('50');
    expect(session.entries().at(-1)!.data).toMatchObject({ outcome: 'failed', message: expect.stringMatching(/^Step 1 \(Run rm -rf \/tmp\/nothing\) failed: .*; later steps were not run\.$/) });
  });

  it('health that does not come up fails the step with what the probe said', async () => {
    const rollback = service(profileWith(), async (names, timeoutMs) => ({ ok: false, message: `not up within ${timeoutMs / 1000} s: ${names[0]} down: connect ECONNREFUSED` }));
    const run = await rollback.run({ confirmation: HOLD }, 'dave');
    expect(run.outcome).toBe('failed');
    expect(run.steps[2]).toMatchObject({ outcome: 'failed', message: 'not up within 5 s: cache down: connect ECONNREFUSED' });
  });

  it('a frozen redis makes the flag step unknown, never ok, within the deadline; the plan stops there', async () => {
    const rollback = service(profileWith());
    redis.freeze();
    try {
      const t0 = Date.now();
      const run = await rollback.run({ confirmation: HOLD }, 'erin');
      expect(Date.now() - t0).toBeLessThan(10_000);
      expect(run.outcome).toBe('unknown');
      expect(run.steps[0]!.outcome).toBe('unknown');
      expect(run.steps[1]!.outcome).toBe('pending');
      expect(run.pressToVerifiedMs).toBeNull();
    } finally {
      redis.thaw();
    }
  });
});

describe('the deliberate act and the second press', () => {
  it('hold: under 1.5 s is refused in main, naming what is missing; typed is refused when the profile asks for a hold', () => {
    const rollback = service(profileWith());
    const short = (() => {
      try {
        rollback.start({ confirmation: { kind: 'hold', heldMs: 1499 } }, 'x');
      } catch (error) {
        return error as FlightdeckError;
      }
      return null;
    })();
    expect(short).toBeInstanceOf(FlightdeckError);
    expect(short).toMatchObject({ code: 'forbidden', message: 'Rollback not started: the button was held for 1499 ms; hold it for at least 1500 ms.' });
    expect(() => rollback.start({ confirmation: { kind: 'typed', text: 'production' } }, 'x')).toThrow(/holding the button for 1.5 s \(rollback.confirm: hold\)/);
    expect(session.entries().some((e) => e.type === 'rollback.started')).toBe(false);
  });

  it('type: the environment name exactly', async () => {
    const profile = profileWith();
    profile.rollback.confirm = 'type';
    const rollback = service(profile);
    expect(() => rollback.start({ confirmation: { kind: 'typed', text: 'Production' } }, 'x')).toThrow('Rollback not started: type the environment name "production" exactly to confirm.');
    expect(() => rollback.start({ confirmation: { kind: 'hold', heldMs: 5000 } }, 'x')).toThrow(/typing the environment name "production"/);
    expect((await rollback.run({ plan: 'P1', confirmation: { kind: 'typed', text: 'production' } }, 'x')).outcome).toBe('ok');
  });

  it('a second press while the plan runs joins it: one run, each step once', async () => {
    const file = join(programs, `join-${Date.now()}.txt`);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const rollback = service(profileWith({}, file), async () => {
      await gate;
      return { ok: true, message: 'cache up' };
    });
    const first = rollback.start({ confirmation: HOLD }, 'alice');
    await expect.poll(() => runs.at(-1)?.steps[2]?.outcome).toBe('running');
    const second = rollback.start({ confirmation: HOLD }, 'bob');
    expect(second.joined).toBe(true);
    expect(second.run.id).toBe(first.run.id);
    release();
    const [a, b] = await Promise.all([first.finished, second.finished]);
    expect(a).toEqual(b);
    expect(a.outcome).toBe('ok');
    expect(existsSync(file) ? readFileSync(file, 'utf8') : '').toBe('notified\n');
    expect(session.entries().filter((e) => e.type === 'rollback.started')).toHaveLength(1);
    expect(rollback.current()).toEqual(a);
  });

  it('an unknown plan name is refused with the plans there are', () => {
    expect(() => service(profileWith()).start({ plan: 'P9', confirmation: HOLD }, 'x')).toThrow('The profile has no rollback plan "P9" (plans: P0, P1, bad).');
  });
});
