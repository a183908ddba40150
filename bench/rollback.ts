/**
 * npm run bench:rollback
 *
 * 200 rollbacks whose plan is a flag kill on a real loopback redis-server,
 * each measured from the press (the call into RollbackService.start, where
 * main receives the button's press) to the verified read-back, with the
 * journal fsynced as in the app: rollback.started, action.started and
 * action.finished are durable before the step counts as verified. Beside
 * it, a bare ioredis SET plus GET round trip on its own connection, the
 * least any verified write can cost. The flag is raised to 50 (not timed)
 * before each press. The last line is one JSON object; `ratio` is the p50
 * of the rollback over the p50 of the bare round trip.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { ActionRunner } from '../src/main/services/actions/action-runner';
import { RedisFlagBackend } from '../src/main/services/flags/redis-backend';
import { ProfileSchema } from '../src/main/services/profile/profile-schema';
import { flagSetterFromBackends } from '../src/main/services/rollback/rollback-ports';
import { RollbackService } from '../src/main/services/rollback/rollback-service';
import { Session } from '../src/main/services/session/session';
import { SecretRedactor } from '../src/main/services/vault/redactor';
import { startRedis } from '../test/support/servers';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WARMUP = 10;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

async function main(): Promise<void> {
  const redis = await startRedis();
  const dir = mkdtempSync(join(tmpdir(), 'flightdeck-bench-rollback-'));
  const session = Session.create(join(dir, 'session'), { name: 'bench.md', path: null, sha256: '0'.repeat(64), title: 'Bench' }, '# Bench\n', 'bench');
  const profile = ProfileSchema.parse({
    environment: 'bench',
    flags: [{ name: 'checkout_v2', backend: { type: 'redis', url: redis.url, key: 'flags:checkout_v2' }, timeoutMs: 2000 }],
    rollback: { confirm: 'hold', default: 'P0', plans: [{ name: 'P0', severity: 'P0', steps: [{ flag: 'checkout_v2', set: 0 }] }] },
  });
  const backend = new RedisFlagBackend(profile.flags[0]!.backend as Extract<(typeof profile.flags)[0]['backend'], { type: 'redis' }>, { secrets: { get: () => '', has: () => false } });
  const runner = new ActionRunner({ journal: session, redactor: new SecretRedactor() });
  const rollback = new RollbackService({
    profile,
    journal: session,
    runner,
    flags: flagSetterFromBackends(new Map([['checkout_v2', { backend, timeoutMs: 2000 }]])),
    health: async () => ({ ok: true, message: 'no probes' }),
  });
  const setup = new Redis(redis.url);
  const bare = new Redis(redis.url);

  const pressToVerified: number[] = [];
  const pressToFinished: number[] = [];
  try {
    for (let i = 0; i < WARMUP + RUNS; i += 1) {
      await setup.set('flags:checkout_v2', '50');
      const t0 = performance.now();
      const run = await rollback.run({ confirmation: { kind: 'hold', heldMs: 1600 } }, 'bench');
      const total = performance.now() - t0;
      if (run.outcome !== 'ok' || run.pressToVerifiedMs === null) throw new Error(`rollback ${i} ended ${run.outcome}`);
      if (i >= WARMUP) {
        pressToVerified.push(run.pressToVerifiedMs);
        pressToFinished.push(total);
      }
    }
    const baseline: number[] = [];
    for (let i = 0; i < WARMUP + RUNS; i += 1) {
      const t0 = performance.now();
      await bare.set('flags:bare', String(i));
      await bare.get('flags:bare');
      if (i >= WARMUP) baseline.push(performance.now() - t0);
    }
    const p50 = percentile(pressToVerified, 50);
    const p99 = percentile(pressToVerified, 99);
    const base = percentile(baseline, 50);
    process.stdout.write(
      `press to verified: p50 ${round(p50)} ms, p99 ${round(p99)} ms; with rollback.finished journaled: p50 ${round(percentile(pressToFinished, 50))} ms; bare SET+GET p50 ${round(base)} ms, p99 ${round(percentile(baseline, 99))} ms\n`,
    );
    process.stdout.write(
      `${JSON.stringify({
        runs: RUNS,
        p50Ms: round(p50),
        p99Ms: round(p99),
        baselineRoundTripMs: round(base),
        ratio: round(p50 / base),
        targetP99Ms: 50,
        pressToFinishedP50Ms: round(percentile(pressToFinished, 50)),
        pressToFinishedP99Ms: round(percentile(pressToFinished, 99)),
        baselineP99Ms: round(percentile(baseline, 99)),
        node: process.version,
      })}\n`,
    );
  } finally {
    setup.disconnect();
    bare.disconnect();
    await backend.close();
    session.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
