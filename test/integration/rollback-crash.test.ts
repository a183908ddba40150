/**
 * Rollback crash-resume: a child runs a five-step plan (flag kill, a
 * command that appends a line, a P1 drop, wait for health, another
 * command) against a real redis-server and is killed with SIGKILL at each
 * step in turn: after the intent is journaled, after the side effect, and
 * after the outcome is journaled. A second child resumes the same session.
 * Every side effect happens at most once (lines in the file; SETs seen by
 * Redis MONITOR), and the plan ends completed, or failed with a message
 * that says which step to check by hand: never silently half done.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RollbackRun } from '../../src/shared/control-model';
import { Session } from '../../src/main/services/session/session';
import { programDir, writeProgram } from '../support/command-programs';
import { runMarkedChild, type MarkedChildRun } from '../support/marked-child';
import { startRedis, type RedisServer } from '../support/servers';

let work: string;
let child: string;
let programs: string;
let redis: RedisServer;
let client: Redis;
let monitor: Redis;
const sets: string[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'flightdeck-rollback-crash-'));
  child = join(work, 'rollback-child.cjs');
  await build({ entryPoints: [join(__dirname, '../support/rollback-child.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: child, logLevel: 'warning' });
  programs = programDir();
  writeProgram(programs, 'append-line', `require('node:fs').appendFileSync(process.argv[2], process.argv[3] + '\\n'); console.log('appended ' + process.argv[3]);`);
  redis = await startRedis();
  client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  monitor = await new Redis(redis.url).monitor();
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args[0]?.toLowerCase() === 'set') sets.push(`${args[1]}=${args[2]}`);
  });
});

afterAll(async () => {
  monitor?.disconnect();
  client?.disconnect();
  await redis?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
  if (programs) rmSync(programs, { recursive: true, force: true });
});

interface ChildRun extends MarkedChildRun {
  result: RollbackRun | null;
}

async function runChild(options: { sessionDir: string; file: string; killAt: string | null; resume: boolean }): Promise<ChildRun> {
  let result: RollbackRun | null = null;
  const run = await runMarkedChild(
    child,
    { ...options, redisUrl: redis.url, programDir: programs },
    {
      killAt: (label) => label === options.killAt,
      onLine: (line) => {
        if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as RollbackRun;
      },
      timeoutMs: 60_000,
    },
  );
  return { ...run, result };
}

async function settledSets(): Promise<string[]> {
  // MONITOR lines arrive asynchronously: a PING through the monitored server flushes what came before.
  const token = `sync-${Math.random()}`;
  await client.set('flags:sync', token);
  await expect.poll(() => sets.includes(`flags:sync=${token}`), { timeout: 5000 }).toBe(true);
  return sets.splice(0).filter((s) => !s.startsWith('flags:sync='));
}

const KILL_POINTS = ['0:started', '0:effect', '0:done', '1:started', '1:effect', '1:done', '2:started', '2:effect', '2:done', '3:started', '3:done', '4:started', '4:effect', '4:done'];

/** Commands (steps 1 and 4) are not idempotent: interrupted mid-step they are never repeated, and the run fails asking for a check. */
function expectation(killAt: string): { outcome: 'ok' | 'failed'; lines: string[] } {
  const [step, phase] = killAt.split(':');
  if (step === '1' && phase !== 'done') return { outcome: 'failed', lines: phase === 'effect' ? ['purge-cache'] : [] };
  if (step === '4' && phase !== 'done') return { outcome: 'failed', lines: phase === 'effect' ? ['purge-cache', 'notify'] : ['purge-cache'] };
  return { outcome: 'ok', lines: ['purge-cache', 'notify'] };
}

describe('rollback resumes after SIGKILL at every step', () => {
  it.each(KILL_POINTS)('killed at %s', async (killAt) => {
    const sessionDir = join(work, `session-${killAt.replace(':', '-')}`);
    const file = join(work, `effects-${killAt.replace(':', '-')}.txt`);
    await client.set('flags:checkout_v2', '50');
    await client.set('flags:search_v3', '50');
    await settledSets();

    const first = await runChild({ sessionDir, file, killAt, resume: false });
    expect(first.signal, first.output).toBe('SIGKILL');
    expect(first.marks.at(-1)).toBe(killAt);
    expect(first.result).toBeNull();

    const second = await runChild({ sessionDir, file, killAt: null, resume: true });
    expect(second.code, second.output).toBe(0);
    const run = second.result!;
    const expected = expectation(killAt);

    // Side effects: each at most once, and exactly what the outcome says.
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    expect(lines).toEqual(expected.lines);
    const flagSets = await settledSets();
    expect(flagSets.filter((s) => s === 'flags:checkout_v2=0')).toHaveLength(1);
    expect(flagSets.filter((s) => s.startsWith('flags:search_v3='))).toHaveLength(expected.outcome === 'ok' || killAt.startsWith('4:') ? 1 : 0);
    expect(flagSets.every((s) => s === 'flags:checkout_v2=0' || s === 'flags:search_v3=10')).toBe(true);

    expect(run.outcome).toBe(expected.outcome);
    expect(run.resumed).toBe(true);
    if (expected.outcome === 'ok') {
      expect(await client.get('flags:checkout_v2')).toBe('0');
      expect(await client.get('flags:search_v3')).toBe('10');
      expect(run.steps.map((s) => s.outcome)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(run.pressToVerifiedMs).toBeGreaterThan(0);
    } else {
      const interrupted = Number(killAt.split(':')[0]);
      expect(run.steps[interrupted]).toMatchObject({ outcome: 'unknown', message: 'interrupted by a crash; not repeated — check by hand' });
      expect(run.steps.slice(interrupted + 1).every((s) => s.outcome === 'pending')).toBe(true);
    }

    // The journal tells the same story, with an intact chain, and nothing is left running.
    const state = Session.readState(sessionDir);
    expect(state.entries).toBeGreaterThan(0);
    const session = Session.open(sessionDir);
    const entries = session.entries();
    session.close();
    const starts = entries.filter((e) => e.type === 'rollback.started');
    const ends = entries.filter((e) => e.type === 'rollback.finished');
    expect(starts).toHaveLength(1);
    expect(ends).toHaveLength(1);
    expect(ends[0]!.data.outcome).toBe(expected.outcome);
    if (expected.outcome === 'failed') expect(String(ends[0]!.data.message)).toMatch(/^Step \d \(Run .+\) was interrupted by a crash; not repeated — check by hand\.$/);
    const startedActions = entries.filter((e) => e.type === 'action.started').map((e) => e.data.actionId);
    const finishedActions = new Set(entries.filter((e) => e.type === 'action.finished').map((e) => e.data.actionId));
    expect(startedActions.filter((id) => !finishedActions.has(id))).toEqual([]);

    // A second resume finds nothing to do.
    const third = await runChild({ sessionDir, file, killAt: null, resume: true });
    expect(third.result?.id).toBe(run.id);
    expect(await settledSets()).toEqual([]);
  });
});
