/**
 * A process that runs (or resumes) a rollback plan against a real
 * redis-server, for the crash test. It prints "MARK <step>:<phase>" at
 * each point a crash is interesting:
 *   started  the step's intent is journaled, nothing done yet
 *   effect   the side effect happened (flag written and read back, line
 *            appended), its outcome not yet journaled
 *   done     the step's outcome is journaled, the next step not started
 * When the mark equals KILL_AT it stops there (blocks), so the parent's
 * SIGKILL lands exactly at that point. At the end it prints "RESULT <json>".
 *
 * argv[2]: JSON { sessionDir, redisUrl, programDir, file, killAt, resume }.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { RollbackRun } from '../../src/shared/control-model';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import { CommandPolicy } from '../../src/main/services/commands/command-policy';
import { CommandRunner } from '../../src/main/services/commands/command-runner';
import { RedisFlagBackend } from '../../src/main/services/flags/redis-backend';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { flagSetterFromBackends, type FlagSetter, type HealthWaiter } from '../../src/main/services/rollback/rollback-ports';
import { RollbackService } from '../../src/main/services/rollback/rollback-service';
import { Session } from '../../src/main/services/session/session';

interface Options {
  sessionDir: string;
  redisUrl: string;
  programDir: string;
  file: string;
  killAt: string | null;
  resume: boolean;
}

const options = JSON.parse(process.argv[2]!) as Options;

function rollbackChildProfile(o: Pick<Options, 'redisUrl' | 'file'>) {
  return ProfileSchema.parse({
    environment: 'production',
    flags: [
      { name: 'checkout_v2', backend: { type: 'redis', url: o.redisUrl, key: 'flags:checkout_v2' }, timeoutMs: 2000 },
      { name: 'search_v3', backend: { type: 'redis', url: o.redisUrl, key: 'flags:search_v3' }, steps: [0, 10, 50, 100], timeoutMs: 2000 },
    ],
    commands: { allow: ['append-line'], named: { 'purge-cache': { argv: ['append-line', o.file, 'purge-cache'] } } },
    rollback: {
      confirm: 'hold',
      default: 'P0',
      plans: [
        {
          name: 'P0',
          severity: 'P0',
          steps: [
            { flag: 'checkout_v2', set: 0 },
            { command: 'purge-cache' },
            { flag: 'search_v3', lastStableStep: true },
            { waitForHealth: ['cache'], timeoutSeconds: 10 },
            { command: ['append-line', o.file, 'notify'] },
          ],
        },
      ],
    },
  });
}

function mark(label: string): void {
  process.stdout.write(`MARK ${label}\n`);
  if (label === options.killAt) {
    // Stay right here until the parent's SIGKILL arrives.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);
    process.stdout.write(`MISSED KILL ${label}\n`);
    process.exit(3);
  }
}

async function main(): Promise<void> {
  const profile = rollbackChildProfile(options);
  mkdirSync(options.sessionDir, { recursive: true });
  const session = existsSync(`${options.sessionDir}/journal.jsonl`)
    ? Session.open(options.sessionDir)
    : Session.create(options.sessionDir, { name: 'crash.md', path: null, sha256: '0'.repeat(64), title: 'Crash' }, '# Crash\n', 'ops');
  let currentStep = -1;
  const redactor = { redact: (text: string) => text };
  const runner = new ActionRunner({
    journal: session,
    redactor,
    onOutput: (chunk) => {
      if (chunk.text.includes('appended')) mark(`${currentStep}:effect`);
    },
  });
  const backends = new Map(profile.flags.map((f) => [f.name, { backend: new RedisFlagBackend(f.backend as Extract<typeof f.backend, { type: 'redis' }>, { secrets: { get: () => '', has: () => false } }), timeoutMs: f.timeoutMs }]));
  const inner = flagSetterFromBackends(backends);
  const flags: FlagSetter = {
    read: (flag, signal) => inner.read(flag, signal),
    set: async (flag, value, signal) => {
      const result = await inner.set(flag, value, signal);
      mark(`${currentStep}:effect`);
      return result;
    },
  };
  const ping = new Redis(options.redisUrl, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 1000, retryStrategy: () => null });
  const health: HealthWaiter = async () => {
    await ping.connect().catch(() => undefined);
    const answer = await ping.ping().catch((error: unknown) => String(error));
    return answer === 'PONG' ? { ok: true, message: 'cache up (PONG)' } : { ok: false, message: `cache down: ${answer}` };
  };
  const commands = new CommandRunner({ policy: new CommandPolicy(['append-line'], options.programDir), env: {}, secrets: { get: () => '', has: () => false }, runner, baseEnv: { PATH: options.programDir } });
  const seen = new Map<number, string>();
  const rollback = new RollbackService({
    profile,
    journal: session,
    runner,
    flags,
    health,
    commands,
    onUpdate: (run: RollbackRun) => {
      for (const step of run.steps) {
        const before = seen.get(step.index);
        if (before === step.outcome) continue;
        seen.set(step.index, step.outcome);
        if (step.outcome === 'running') {
          currentStep = step.index;
          mark(`${step.index}:started`);
        } else if (step.outcome === 'ok' && before === 'running') {
          mark(`${step.index}:done`);
        }
      }
    },
  });
  const started = options.resume ? rollback.resume() : rollback.start({ confirmation: { kind: 'hold', heldMs: 1600 } }, 'ops');
  const result = started ? await started.finished : rollback.current();
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
  for (const { backend } of backends.values()) await backend.close();
  ping.disconnect();
  session.close();
}

main().catch((error: unknown) => {
  process.stdout.write(`ERROR ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(2);
});
