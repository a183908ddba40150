/**
 * Fault matrix, files: a profile that is a FIFO, and a session journal whose
 * last line was edited (or torn by a crash). Each fault ends in an honest,
 * visible outcome, through the cockpit (as browser mode and the desktop app
 * assemble it) and through the `flightdeck` command, and the process keeps
 * serving.
 */
import { appendFileSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import { run } from '../../src/main/cli/commands';
import { RunbookLoader } from '../../src/main/services/runbook/runbook-loader';
import type { CallResult } from '../../src/shared/errors';
import { captureIo } from '../support/cli';
import { tempDir, testApp } from '../support/app';
import { testParser } from '../support/parser';
import { DEMO_RUNBOOK } from '../support/runbooks';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const parser = testParser();
const loader = new RunbookLoader(parser);
afterAll(() => parser.close());

function fresh(): { work: string; start: () => App } {
  const data = tempDir();
  const work = tempDir();
  cleanups.push(data.remove, work.remove);
  const start = () => {
    const app = testApp(data.path);
    cleanups.push(() => app.close());
    return app;
  };
  return { work: work.path, start };
}

async function cli(...argv: string[]) {
  const io = captureIo();
  const code = await run(argv, io, loader);
  return { code, ...io };
}

/** A runbook of the demo's text, in `work`, with three items ticked in one app run; returns its session journal. */
async function ticked(work: string, start: () => App): Promise<{ runbook: string; journal: string; ids: string[] }> {
  const runbook = join(work, 'rollout.md');
  copyFileSync(DEMO_RUNBOOK, runbook);
  const app = start();
  await app.cockpit.startup(runbook);
  const ids = app.cockpit.state().runbook!.items.slice(0, 3).map((item) => item.id);
  for (const id of ids) app.cockpit.tick(id, true);
  const journal = join(app.cockpit.state().session!.dir, 'journal.jsonl');
  await app.close();
  return { runbook, journal, ids };
}

describe('a profile that is a FIFO', () => {
  it('is refused at once, naming it, while the cockpit keeps serving', async () => {
    const { work, start } = fresh();
    const runbook = join(work, 'rollout.md');
    copyFileSync(DEMO_RUNBOOK, runbook);
    const fifo = join(work, 'rollout.flightdeck.yaml');
    await promisify(execFile)('mkfifo', [fifo]);
    const app = start();
    const started = performance.now();
    await app.cockpit.startup(runbook);
    // Far below the reader's 15 s deadline: the FIFO was never waited on.
    expect(performance.now() - started).toBeLessThan(10_000);
    const state = app.cockpit.state();
    expect(state.runbook?.source.path).toBe(runbook);
    expect(state.notices).toContainEqual({ level: 'error', message: expect.stringContaining(`${fifo}: is a FIFO (named pipe), not a regular file`) });
    // Still serving: calls answer, ticks are journaled.
    const item = state.runbook!.items[0]!;
    const result = (await app.call('tickItem', { itemId: item.id, checked: true })) as CallResult<unknown>;
    expect(result.ok).toBe(true);
    expect(((await app.call('getCockpit', {})) as CallResult<{ session: { ticks: Record<string, unknown> } }>).ok).toBe(true);

    const flag = await cli('flag', 'get', '--profile', fifo, '--flag', 'checkout_v2');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain(`${fifo}: is a FIFO (named pipe), not a regular file`);
  });
});

describe('an edited last journal line', () => {
  it('is refused naming the line; the session opens read-only with the damage shown, and the file is left as it was', async () => {
    const { work, start } = fresh();
    const { runbook, journal, ids } = await ticked(work, start);
    const lines = readFileSync(journal, 'utf8').split('\n');
    const last = lines.length - 1; // the line before the final newline's empty piece
    expect(lines[last - 1]).toContain('"checked":true');
    lines[last - 1] = lines[last - 1]!.replace('"checked":true', '"checked":false');
    writeFileSync(journal, lines.join('\n'));
    const edited = readFileSync(journal);

    const status = await cli('session', 'status', join(journal, '..'));
    expect(status.code).toBe(2);
    expect(status.stderr).toContain(`warning: the journal is damaged: journal.jsonl line ${last}: hash mismatch`);
    // What can be believed is still shown.
    expect(status.stdout).toMatch(/progress: 2\/\d+ items done/);

    const app = start();
    await app.cockpit.startup(runbook);
    const state = app.cockpit.state();
    expect(state.runbook?.source.path).toBe(runbook);
    // The same session, not a fresh one started over it: the ticks before the damage are there.
    expect(state.session?.dir).toBe(join(journal, '..'));
    expect(state.session?.ticks[ids[0]!]).toMatchObject({ checked: true });
    expect(state.notices[0]).toMatchObject({ level: 'error', message: expect.stringContaining(`journal.jsonl line ${last}: hash mismatch`) });
    expect(state.notices[0]!.message).toMatch(/read-only/);

    const tick = (await app.call('tickItem', { itemId: ids[2]!, checked: true })) as CallResult<unknown>;
    expect(tick).toMatchObject({ ok: false, error: { code: 'conflict', line: last, message: expect.stringMatching(/read-only because its journal is damaged \(journal\.jsonl line \d+: hash mismatch\)/) } });
    await expect(cli('session', 'tick', join(journal, '..'), ids[2]!, '--by', 'ana')).rejects.toMatchObject({ code: 'conflict', line: last, message: `journal.jsonl line ${last}: hash mismatch` });
    // Nothing repaired, truncated or appended, by the app or by closing it.
    await app.close();
    expect(readFileSync(journal).equals(edited)).toBe(true);

    // The way on: a new session, while the damaged one stays as it is.
    const again = start();
    await again.cockpit.startup(runbook);
    const renewed = await again.cockpit.startNewSession();
    expect(renewed.session?.dir).not.toBe(join(journal, '..'));
    expect(renewed.notices.some((notice) => /damaged/.test(notice.message))).toBe(false);
    expect(again.cockpit.tick(ids[2]!, true).seq).toBeGreaterThan(0);
    expect(readFileSync(journal).equals(edited)).toBe(true);
  });

  it('a torn last line (no newline) is dropped with a notice, in the app and in session status', async () => {
    const { work, start } = fresh();
    const { runbook, journal, ids } = await ticked(work, start);
    appendFileSync(journal, '{"seq":4,"ts":"2026-');

    const status = await cli('session', 'status', join(journal, '..'));
    expect(status.code).toBe(0);
    expect(status.stderr).toMatch(/warning: the journal ends in an unfinished line \(line \d+, 20 bytes/);
    expect(status.stdout).toMatch(/progress: 3\/\d+ items done/);

    const app = start();
    await app.cockpit.startup(runbook);
    const state = app.cockpit.state();
    expect(state.notices).toContainEqual({ level: 'warning', message: expect.stringMatching(/unfinished line .*20 bytes.* dropped; nothing acknowledged was lost/) });
    expect(ids.every((id) => state.session?.ticks[id]?.checked)).toBe(true);
    // The torn bytes are gone and the next entry starts on a clean line.
    const entry = app.cockpit.tick(ids[0]!, false);
    const after = readFileSync(journal, 'utf8');
    expect(after).not.toContain('"ts":"2026-{');
    expect(after.endsWith(`${JSON.stringify(entry)}\n`)).toBe(true);
  });
});
