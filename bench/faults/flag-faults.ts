/**
 * The flag part of the fault benchmark: HTTP flag targets that hang,
 * answer 500 after applying, answer 200 and apply later, or apply after the
 * deadline, each racing a rollback; and a redis-server SIGSTOPped, or
 * SIGKILLed and restarted empty, around a write and a rollback. Each
 * scenario runs the services as the app wires them (FlagService, the
 * rollback with its guard, an action log) and checks every outcome against
 * the server's own history:
 *
 * - a write reported ok must have been applied;
 * - a write reported failed must never be applied afterwards;
 * - unknown is always honest (it claims nothing);
 * - a rollback reported ok must end, once its guard is done, with the
 *   flag at the rollback's value; a late write must never settle as ok.
 *
 * Figures: flagRollbackReassertionP95Ms (from the late write landing on
 * the server to the rollback's value being back there) and its count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ActionRunner } from '../../src/main/services/actions/action-runner';
import { ActionLog } from '../../src/main/services/flags/action-log';
import { FlagService } from '../../src/main/services/flags/flag-service';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { flagSetterFromBackends } from '../../src/main/services/rollback/rollback-ports';
import { RollbackService } from '../../src/main/services/rollback/rollback-service';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import { startFaultyFlagApi, type FaultyFlagApi, type FlagFault } from '../../test/support/flag-faults';
import { startRedis, type RedisServer } from '../../test/support/servers';
import type { FaultGroup, FaultScope } from './tally';

interface FlagState {
  redis: RedisServer;
  admin: Redis;
  dir: string;
}

const noSecrets = { has: () => false, get: (name: string): string => { throw new Error(`no secret ${name}`); } };
let counter = 0;

/** The services of one scenario, wired as live-control.ts wires them. */
function rig(state: FlagState, backend: Record<string, unknown>, settleSeconds = 30) {
  const log = ActionLog.open(join(state.dir, `log-${counter++}`));
  const profile = ProfileSchema.parse({
    environment: 'bench',
    flags: [{ name: 'checkout_v2', backend, timeoutMs: 300, watchSeconds: 0, settleSeconds }],
    rollback: { confirm: 'hold', default: 'P0', plans: [{ name: 'P0', steps: [{ flag: 'checkout_v2', set: 0 }] }] },
  });
  const flags = new FlagService({ flags: profile.flags, secrets: noSecrets, journal: log, settleDelaysMs: [] });
  const setter = flagSetterFromBackends(new Map([['checkout_v2', { backend: flags.backend('checkout_v2'), timeoutMs: 300 }]]));
  const rollback = new RollbackService({
    profile,
    journal: log,
    runner: new ActionRunner({ journal: log, redactor: new SecretRedactor() }),
    flags: { set: (flag, value, signal) => flags.exclusive(flag, () => setter.set(flag, value, signal)), read: setter.read },
    guard: ({ runId, flag, value, by }) => void flags.guardRollback(runId, flag, value, by).catch(() => undefined),
    health: async () => ({ ok: true, message: 'no probes' }),
  });
  const settledOf = (actionId: string) => log.entries().filter((e) => e.type === 'action.settled' && e.data.actionId === actionId).map((e) => String(e.data.outcome));
  const close = async () => {
    await flags.close();
    log.close();
  };
  return { flags, rollback, settledOf, close };
}

const press = { confirmation: { kind: 'cli' as const, how: 'bench' } };

/** One HTTP fault racing a rollback; the held write (if any) is released after the rollback verified. */
function httpScenario(fault: FlagFault) {
  return {
    name: `http ${fault}`,
    async run(state: FlagState, scope: FaultScope): Promise<void> {
      const api: FaultyFlagApi = await startFaultyFlagApi({ initial: 10 });
      const r = rig(state, { type: 'http', url: api.url, field: 'percentage' }, fault === 'hang' ? 1 : 30);
      try {
        await r.flags.read('checkout_v2');
        const held = api.fault(50, fault);
        scope.fault();
        const user = r.flags.set('checkout_v2', 50, 'bench');
        await scope.timed('the faulty write reaching the server', held.onWire);
        const run = scope.timed('the rollback', r.rollback.run(press, 'bench'));
        const record = await scope.timed('the user write', user);
        const done = await run;
        if (fault === 'ack-then-apply-later' || fault === 'apply-after-deadline') {
          // The late write lands at a random moment after the rollback, as in the field, not in step with the guard's reads.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 1500));
          held.release();
        }
        const landedAt = fault === 'hang' ? null : await scope.timed('the late write landing', held.outcome.then(() => api.history.find((h) => h.value === 50)?.at ?? null));
        await scope.timed('the guard', r.flags.guardsIdle());
        const applied = api.history.some((h) => h.value === 50);
        const appliedBeforeAnswer = fault === 'apply-then-500';
        scope.check(record.outcome !== 'ok' || appliedBeforeAnswer, `user write ok (${record.message}) but the server had not applied it`);
        scope.check(record.outcome !== 'failed' || !applied, `user write failed (${record.message}) but the server applied it`);
        scope.check(done.outcome !== 'ok' || api.value() === 0, `rollback ok but the flag ends at ${api.value()}`);
        scope.check(!r.settledOf(record.id).includes('ok') || appliedBeforeAnswer, 'a late write settled as ok');
        if (landedAt !== null && done.outcome === 'ok' && fault !== 'apply-then-500') {
          const back = api.history.find((h) => h.at > landedAt && h.value === 0);
          scope.check(back !== undefined, 'the late write landed and the rollback value never came back');
          if (back) scope.sample('reassertion', back.at - landedAt);
        }
      } finally {
        await r.close();
        await api.close();
      }
    },
  };
}

const redisStop = {
  name: 'redis SIGSTOP',
  async run(state: FlagState, scope: FaultScope): Promise<void> {
    const { redis, admin } = state;
    await admin.set('flags:checkout_v2', '10');
    const r = rig(state, { type: 'redis', url: redis.url, key: 'flags:checkout_v2' });
    try {
      await r.flags.read('checkout_v2');
      redis.freeze();
      scope.fault();
      let record;
      try {
        record = await scope.timed('a write to a frozen server', r.flags.set('checkout_v2', 50, 'bench'));
      } finally {
        redis.thaw();
      }
      const done = await scope.timed('the rollback after the thaw', r.rollback.run(press, 'bench'));
      await scope.timed('the guard', r.flags.guardsIdle());
      // A control write from another connection, after which everything queued during the freeze has run.
      await admin.set('bench:control', String(counter));
      const now = await admin.get('flags:checkout_v2');
      scope.check(record.outcome !== 'failed' || now !== '50', `write failed (${record.message}) but 50 landed`);
      scope.check(done.outcome !== 'ok' || now === '0', `rollback ok but the flag holds ${now}`);
    } finally {
      redis.thaw();
      await r.close();
    }
  },
};

const redisKill = {
  name: 'redis SIGKILL, restarted empty',
  async run(state: FlagState, scope: FaultScope): Promise<void> {
    const { redis, admin } = state;
    await admin.set('flags:checkout_v2', '10');
    const r = rig(state, { type: 'redis', url: redis.url, key: 'flags:checkout_v2' });
    try {
      await r.flags.read('checkout_v2');
      await redis.kill();
      scope.fault();
      const record = await scope.timed('a write to a dead server', r.flags.set('checkout_v2', 50, 'bench'));
      await redis.start();
      const done = await scope.timed('the rollback after the restart', r.rollback.run(press, 'bench'));
      const now = await admin.get('flags:checkout_v2');
      scope.check(record.outcome !== 'ok', `write ok (${record.message}) to a dead server`);
      scope.check(record.outcome !== 'failed' || now !== '50', `write failed but 50 landed`);
      scope.check(done.outcome !== 'ok' || now === '0', `rollback ok but the flag holds ${now}`);
    } finally {
      await r.close();
    }
  },
};

export const flagFaults: FaultGroup<FlagState> = {
  name: 'flags',
  async setup() {
    const redis = await startRedis();
    const admin = new Redis(redis.url, { maxRetriesPerRequest: 3 });
    admin.on('error', () => undefined);
    return { redis, admin, dir: mkdtempSync(join(tmpdir(), 'flightdeck-bench-faults-')) };
  },
  async teardown(state) {
    state.admin.disconnect();
    await state.redis.stop();
    rmSync(state.dir, { recursive: true, force: true });
  },
  scenarios: [httpScenario('apply-after-deadline'), httpScenario('ack-then-apply-later'), httpScenario('apply-then-500'), httpScenario('hang'), redisStop, redisKill],
  figures(tally) {
    return { flagRollbackReassertionP95Ms: tally.percentile('reassertion', 95), flagRollbackReassertions: tally.count('reassertion') };
  },
};
