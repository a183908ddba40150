/**
 * Crash safety of the session journal: a writer process is killed with
 * SIGKILL at random moments, and every entry it acknowledged must still be
 * there, in order, with an intact chain, and the journal must open again.
 *
 * The writer is bundled once with esbuild (a dependency of tsx and vite), so
 * each of the hundreds of children starts in plain Node instead of paying for
 * tsx's loader.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emptySessionState, replayEntries } from '../../src/shared/session-model';
import { Journal, readJournalFile } from '../../src/main/services/journal/journal';

const ITERATIONS = 240;
/** Iterations that share one directory before the next series starts afresh. */
const SERIES = 60;

let work: string;
let writer: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'flightdeck-crash-'));
  writer = path.join(work, 'journal-writer.cjs');
  await build({
    entryPoints: [path.join(__dirname, '../fixtures/journal-writer.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: writer,
    logLevel: 'warning',
  });
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

type KillPlan = { after: 'delay'; ms: number } | { after: 'acks'; count: number } | { after: 'spawn'; ms: number };

interface Ack {
  seq: number;
  itemId: string;
}

interface Run {
  acks: Ack[];
  pid: number;
}

function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

function randomPlan(): KillPlan {
  const roll = Math.random();
  // Some kills land while the child starts, opens and recovers the journal.
  if (roll < 0.15) return { after: 'spawn', ms: randomInt(20, 120) };
  if (roll < 0.6) return { after: 'delay', ms: randomInt(5, 60) };
  return { after: 'acks', count: randomInt(1, 120) };
}

function lockOwner(dir: string): number | null {
  try {
    return (JSON.parse(fs.readFileSync(path.join(dir, 'journal.lock'), 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}

function runWriter(dir: string, plan: KillPlan): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Ack[] = [];
    let pending = '';
    let stderr = '';
    const kill = () => child.kill('SIGKILL');
    if (plan.after === 'spawn') setTimeout(kill, plan.ms);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.stdout.on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^ACK (\d+) (\S+)$/.exec(line);
        if (!match) continue;
        acks.push({ seq: Number(match[1]), itemId: match[2]! });
        if (acks.length === 1 && plan.after === 'delay') setTimeout(kill, plan.ms);
        if (acks.length === (plan.after === 'acks' ? plan.count : -1)) kill();
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code ?? signal}: ${stderr}`));
      else resolve({ acks, pid: child.pid! });
    });
  });
}

/** What a power cut can leave where the next line was being written. */
function injectTornTail(file: string): void {
  const size = fs.existsSync(file) ? fs.statSync(file).size : 0;
  const lastLine = size > 0 ? fs.readFileSync(file, 'utf8').trimEnd().split('\n').at(-1)! : '{"seq":0,"ts":"2025-01-01T00:00:00.000Z"}';
  // Never a newline: each entry goes out with its newline in one write, so a cut-short write cannot end in one.
  const torn = Math.random() < 0.5 ? lastLine.slice(0, randomInt(1, lastLine.length)) : '\0'.repeat(randomInt(1, 200));
  fs.appendFileSync(file, torn);
}

it(`keeps every acknowledged entry across ${ITERATIONS} SIGKILLs`, { timeout: 170_000 }, async () => {
  const started = performance.now();
  let dir = '';
  /** Everything acknowledged in `dir` so far, over all its children. */
  let acked: Ack[] = [];
  let known = 0;
  const writerPids = new Set<number>();
  const stats = { acks: 0, tornInjected: 0, tornRecovered: 0, snapshotTempsLeft: 0, snapshotsUsed: 0, lockTakeovers: 0, spawnMs: 0 };

  for (let i = 0; i < ITERATIONS; i++) {
    const fresh = i % 10 === 9;
    if (i % SERIES === 0 || fresh) {
      dir = path.join(work, `session-${i}`, 'nested');
      acked = [];
      known = 0;
    }
    const plan = randomPlan();
    const t0 = performance.now();
    const { acks, pid } = await runWriter(dir, plan);
    writerPids.add(pid);
    stats.spawnMs += performance.now() - t0;
    stats.acks += acks.length;
    acked.push(...acks);
    if (fs.existsSync(dir) && fs.readdirSync(dir).some((name) => name.endsWith('.tmp'))) stats.snapshotTempsLeft++;

    const file = path.join(dir, 'journal.jsonl');
    // Only on a clean end: a torn tail is truncated before anything else is written.
    const injected = fs.existsSync(file) && !readJournalFile(file).tornTail && Math.random() < 0.25;
    if (injected) {
      injectTornTail(file);
      stats.tornInjected++;
    }

    if (!fs.existsSync(file)) {
      expect(acks, 'a child that acknowledged something left no journal').toEqual([]);
      continue;
    }
    // Half the time the parent recovers (taking over the dead child's lock);
    // otherwise it only reads, and the next child recovers, maybe to be killed doing so.
    const readOnly = i % 2 === 1;
    const staleOwner = lockOwner(dir);
    // Only a killed writer can have left a lock: the parent releases its own.
    if (staleOwner !== null) expect(writerPids.has(staleOwner), `lock of pid ${staleOwner}`).toBe(true);
    const journal = Journal.open(dir, { readOnly });
    if (!readOnly && staleOwner !== null) {
      expect(lockOwner(dir), 'the lock of the killed writer was not taken over').toBe(process.pid);
      stats.lockTakeovers++;
    }
    try {
      const entries = journal.all();
      if (injected) expect(journal.recovered, `iteration ${i}: the torn tail was not noticed`).not.toBeNull();
      if (journal.recovered) stats.tornRecovered++;
      expect(Journal.verifyChain(entries)).toEqual({ ok: true });
      for (const ack of acked) {
        const entry = entries[ack.seq];
        expect(entry, `iteration ${i}: acknowledged seq ${ack.seq} is missing`).toBeDefined();
        expect(entry!.type).toBe('item.ticked');
        expect(entry!.data).toEqual({ itemId: ack.itemId, checked: true, itemText: 'x' });
      }
      // Nothing else appears but the one append the kill caught between its fsync and its ACK.
      expect(entries.length - known - acks.length, `iteration ${i}`).toBeGreaterThanOrEqual(0);
      expect(entries.length - known - acks.length, `iteration ${i}`).toBeLessThanOrEqual(1);
      entries.forEach((entry, seq) => expect(entry.data.itemId).toBe(`item-${seq}`));
      known = entries.length;

      const snapshot = journal.readSnapshot();
      if (snapshot) {
        stats.snapshotsUsed++;
        const replayed = replayEntries(emptySessionState('crash-test'), entries.slice(0, snapshot.seq + 1));
        expect(snapshot.state).toEqual(replayed);
      }
      if (!readOnly) {
        const text = fs.readFileSync(file, 'utf8');
        expect(text === '' || text.endsWith('\n'), 'recovery left a partial line').toBe(true);
        expect(readJournalFile(file).tornTail).toBe(false);
      }
    } finally {
      journal.close();
    }
  }

  const seconds = (performance.now() - started) / 1000;
  console.log(
    `journal crash test: ${ITERATIONS} kills in ${seconds.toFixed(1)} s (children ${(stats.spawnMs / 1000).toFixed(1)} s); ` +
      `${stats.acks} acknowledged entries; torn tails injected ${stats.tornInjected}, recovered ${stats.tornRecovered}; ` +
      `kills that left a snapshot temp file ${stats.snapshotTempsLeft}; snapshots used ${stats.snapshotsUsed}; locks taken over ${stats.lockTakeovers}`,
  );
  expect(stats.acks).toBeGreaterThan(ITERATIONS);
  expect(stats.snapshotsUsed).toBeGreaterThan(0);
  expect(stats.lockTakeovers).toBeGreaterThan(0);
});
