/**
 * The file part of the fault benchmark, against the cockpit built
 * in-process (app-rig.ts) and the `flightdeck` command run in-process, as
 * test/integration/fault-files.test.ts does it:
 *
 * - a profile that is a FIFO: the runbook beside it opens, the profile is
 *   refused naming the FIFO, the cockpit keeps serving (a tick answers);
 *   `flightdeck flag get --profile FIFO` refuses it too;
 * - a runbook that is a FIFO: refused naming it, the open runbook stays,
 *   the cockpit answers; `flightdeck parse FIFO` refuses it too;
 * - an edited, complete last journal line: `session status` warns naming
 *   the line; the session opens read-only with the damage shown and what
 *   came before it; a tick is refused; the file is left as it was;
 * - a torn (unterminated) last line: dropped with a notice, in the app and
 *   in `session status`, every acknowledged tick kept, the next entry on a
 *   clean line.
 *
 * Every step is under the 5 s rule. A FIFO is never written to; a release
 * guard opens and closes it every RELEASE_AFTER_MS, so if a regression
 * waited on it, even blocking the event loop, the wait ends and is counted
 * as a hang instead of freezing the benchmark.
 *
 * Figure: fileFifoRefusalP95Ms (opening a runbook with a FIFO profile, or
 * a FIFO runbook, to the cockpit's answer).
 */
import { spawn, execFile } from 'node:child_process';
import { appendFileSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { run } from '../../src/main/cli/commands';
import { describeError, exitCodeFor } from '../../src/main/cli/io';
import { RunbookLoader } from '../../src/main/services/runbook/runbook-loader';
import type { RunbookParser } from '../../src/main/services/runbook/runbook-parser';
import type { Cockpit as CockpitState, Notice } from '../../src/shared/contract';
import type { JournalEntry } from '../../src/shared/session-model';
import { tempDir } from '../../test/support/app';
import { captureIo } from '../../test/support/cli';
import { testParser } from '../../test/support/parser';
import { DEMO_RUNBOOK } from '../../test/support/runbooks';
import { startApp, timedCall, checkAnswering, type AppRig } from './app-rig';
import { HANG_MS, type FaultGroup, type FaultScope } from './tally';

/** Well past the hang rule: the guard only ever matters to a regression. */
const RELEASE_AFTER_MS = 2 * HANG_MS;

interface FileState {
  rig: AppRig;
  parser: RunbookParser;
  loader: RunbookLoader;
  work: ReturnType<typeof tempDir>;
  home: string | undefined;
  dirs: number;
}

function newDir(state: FileState): string {
  const dir = join(state.work.path, `case-${state.dirs++}`);
  mkdirSync(dir);
  return dir;
}

async function mkfifo(path: string): Promise<void> {
  await promisify(execFile)('mkfifo', [path]);
}

/**
 * A child that opens the FIFO read-write and closes it again every RELEASE_AFTER_MS, until stopped:
 * each reader stuck waiting for a writer then gets end-of-file. A child, not a timer here, because a
 * synchronous read of the FIFO would block this process's timers.
 */
function releaseGuard(fifo: string): { stop(): void } {
  const script = `setInterval(() => { const fs = require('node:fs'); try { fs.closeSync(fs.openSync(process.argv[1], fs.constants.O_RDWR | fs.constants.O_NONBLOCK)); } catch {} }, Number(process.argv[2]));`;
  const child = spawn(process.execPath, ['-e', script, fifo, String(RELEASE_AFTER_MS)], { stdio: 'ignore' });
  child.on('error', () => undefined);
  return { stop: () => void child.kill() };
}

/** A `flightdeck` command in-process, ending as src/main/cli.ts ends it: its exit code and what it printed. */
async function cli(state: FileState, ...argv: string[]) {
  const io = captureIo();
  let code: number;
  try {
    code = await run(argv, io, state.loader);
  } catch (error) {
    io.err(`flightdeck: ${describeError(error)}`);
    code = exitCodeFor(error);
  }
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function describe(result: { ok: boolean; error?: { message: string } }): string {
  return result.ok ? 'ok' : (result.error?.message ?? 'failed');
}

function noticesText(notices: readonly Notice[] | undefined): string {
  return JSON.stringify(notices ?? []);
}

/** Some other runbook to switch to, which closes (and unlocks) the session of the one before. */
async function switchAway(state: FileState): Promise<void> {
  await state.rig.app.cockpit.openDemo();
}

/** A copy of the demo runbook in a fresh directory, opened, with three items ticked; then closed by switching away. */
async function ticked(state: FileState, scope: FaultScope): Promise<{ runbook: string; sessionDir: string; journal: string; ids: string[] }> {
  const { app } = state.rig;
  const runbook = join(newDir(state), 'rollout.md');
  copyFileSync(DEMO_RUNBOOK, runbook);
  const opened = await timedCall<CockpitState>(scope, app, 'openRunbookPath', { path: runbook });
  if (!opened.ok || !opened.value.session || !opened.value.runbook) throw new Error(`opening ${runbook}: ${describe(opened)}`);
  const ids = opened.value.runbook.items.slice(0, 3).map((item) => item.id);
  for (const id of ids) {
    const tick = await timedCall(scope, app, 'tickItem', { itemId: id, checked: true });
    if (!tick.ok) throw new Error(`ticking ${id}: ${describe(tick)}`);
  }
  const sessionDir = opened.value.session.dir;
  await switchAway(state);
  return { runbook, sessionDir, journal: join(sessionDir, 'journal.jsonl'), ids };
}

const fifoProfile = {
  name: 'FIFO profile',
  async run(state: FileState, scope: FaultScope): Promise<void> {
    const { app } = state.rig;
    const dir = newDir(state);
    const runbook = join(dir, 'rollout.md');
    copyFileSync(DEMO_RUNBOOK, runbook);
    const fifo = join(dir, 'rollout.flightdeck.yaml');
    await mkfifo(fifo);
    const guard = releaseGuard(fifo);
    try {
      scope.fault();
      const started = performance.now();
      const opened = await timedCall<CockpitState>(scope, app, 'openRunbookPath', { path: runbook });
      scope.sample('fifo-refusal', performance.now() - started);
      const view = opened.ok ? opened.value : null;
      scope.check(view?.runbook?.source.path === runbook, `the runbook beside a FIFO profile did not open: ${describe(opened)}`);
      scope.check(
        view?.notices.some((n) => n.level === 'error' && n.message.includes(`${fifo}: is a FIFO (named pipe), not a regular file`)) === true,
        `the FIFO profile was not refused naming it: ${noticesText(view?.notices)}`,
      );
      const item = view?.runbook?.items[0];
      if (item) {
        const tick = await timedCall(scope, app, 'tickItem', { itemId: item.id, checked: true });
        scope.check(tick.ok, `a tick after the FIFO profile failed: ${describe(tick)}`);
      }
      scope.fault();
      const flag = await scope.timed('flightdeck flag get --profile FIFO', () => cli(state, 'flag', 'get', '--profile', fifo, '--flag', 'checkout_v2'));
      scope.check(flag.code === 2 && flag.stderr.includes(`${fifo}: is a FIFO (named pipe), not a regular file`), `flightdeck flag get with a FIFO profile: exit ${flag.code}: ${flag.stderr.trim()}`);
    } finally {
      guard.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const fifoRunbook = {
  name: 'FIFO runbook',
  async run(state: FileState, scope: FaultScope): Promise<void> {
    const { app } = state.rig;
    const dir = newDir(state);
    const fifo = join(dir, 'rollout.md');
    await mkfifo(fifo);
    const guard = releaseGuard(fifo);
    try {
      const before = app.cockpit.state().runbook?.source.path;
      scope.fault();
      const started = performance.now();
      const opened = await timedCall(scope, app, 'openRunbookPath', { path: fifo });
      scope.sample('fifo-refusal', performance.now() - started);
      const error = opened.ok ? null : opened.error;
      scope.check(error !== null && (error.file === fifo || error.message.includes(fifo)) && error.message.includes('FIFO'), `a FIFO runbook was not refused naming it: ${opened.ok ? 'it opened' : JSON.stringify(error)}`);
      const now = await checkAnswering(scope, app, 'after a FIFO runbook');
      scope.check(now?.runbook?.source.path === before, `the open runbook changed from ${before} to ${now?.runbook?.source.path} on a refused FIFO`);
      scope.fault();
      const parsed = await scope.timed('flightdeck parse FIFO', () => cli(state, 'parse', fifo));
      scope.check(parsed.code !== 0 && parsed.stderr.includes(fifo) && parsed.stderr.includes('FIFO'), `flightdeck parse of a FIFO: exit ${parsed.code}: ${parsed.stderr.trim()}`);
    } finally {
      guard.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

const editedLastLine = {
  name: 'edited last journal line',
  async run(state: FileState, scope: FaultScope): Promise<void> {
    const { app } = state.rig;
    const { runbook, sessionDir, journal, ids } = await ticked(state, scope);
    const lines = readFileSync(journal, 'utf8').split('\n');
    const line = lines.length - 1; // 1-based number of the last complete line (the final newline leaves an empty piece)
    if (!lines[line - 1]!.includes('"checked":true')) throw new Error(`the last journal line is not the last tick: ${lines[line - 1]}`);
    lines[line - 1] = lines[line - 1]!.replace('"checked":true', '"checked":false');
    writeFileSync(journal, lines.join('\n'));
    const edited = readFileSync(journal);
    scope.fault();

    const status = await scope.timed('flightdeck session status', () => cli(state, 'session', 'status', sessionDir));
    scope.check(status.code === 2 && status.stderr.includes(`journal.jsonl line ${line}: hash mismatch`), `session status of an edited last line: exit ${status.code}: ${status.stderr.trim()}`);

    const opened = await timedCall<CockpitState>(scope, app, 'openRunbookPath', { path: runbook });
    const view = opened.ok ? opened.value : null;
    scope.check(view?.session?.dir === sessionDir && view.session.ticks[ids[0]!]?.checked === true, `the damaged session was not opened as it stands: ${describe(opened)}, session ${view?.session?.dir}`);
    const damage = view?.notices.find((n) => n.level === 'error' && n.message.includes(`journal.jsonl line ${line}: hash mismatch`));
    scope.check(damage !== undefined && /read-only/.test(damage.message), `the edited line was not shown naming it, read-only: ${noticesText(view?.notices)}`);
    const tick = await timedCall(scope, app, 'tickItem', { itemId: ids[2]!, checked: true });
    scope.check(!tick.ok && tick.error.code === 'conflict', `a tick on the damaged session answered ${tick.ok ? 'ok' : JSON.stringify(tick.error)}`);
    await switchAway(state);
    scope.check(readFileSync(journal).equals(edited), 'the damaged journal was changed (repaired, truncated or appended to)');
  },
};

const tornTail = {
  name: 'torn journal tail',
  async run(state: FileState, scope: FaultScope): Promise<void> {
    const { app } = state.rig;
    const { runbook, sessionDir, journal, ids } = await ticked(state, scope);
    const torn = '{"seq":4,"ts":"2026-';
    appendFileSync(journal, torn);
    scope.fault();

    const status = await scope.timed('flightdeck session status', () => cli(state, 'session', 'status', sessionDir));
    scope.check(status.code === 0 && /warning: the journal ends in an unfinished line \(line \d+, 20 bytes/.test(status.stderr), `session status of a torn tail: exit ${status.code}: ${status.stderr.trim()}`);

    const opened = await timedCall<CockpitState>(scope, app, 'openRunbookPath', { path: runbook });
    const view = opened.ok ? opened.value : null;
    scope.check(
      view?.notices.some((n) => n.level === 'warning' && /unfinished line .*20 bytes.* dropped; nothing acknowledged was lost/.test(n.message)) === true,
      `the torn tail was not dropped with a notice: ${describe(opened)} ${noticesText(view?.notices)}`,
    );
    scope.check(view?.session?.dir === sessionDir && ids.every((id) => view.session?.ticks[id]?.checked === true), 'an acknowledged tick was lost with the torn tail');
    const tick = await timedCall<JournalEntry>(scope, app, 'tickItem', { itemId: ids[0]!, checked: false });
    const after = readFileSync(journal, 'utf8');
    scope.check(tick.ok && !after.includes(`${torn}{`) && after.endsWith(`${JSON.stringify(tick.value)}\n`), `the next entry after a torn tail is not on a clean line: ${describe(tick)}`);
    await switchAway(state);
  },
};

export const fileFaults: FaultGroup<FileState> = {
  name: 'files',
  async setup() {
    const work = tempDir('flightdeck-bench-files-');
    // The commands run in-process read FLIGHTDECK_HOME: never the real one.
    const home = process.env.FLIGHTDECK_HOME;
    process.env.FLIGHTDECK_HOME = join(work.path, 'home');
    const parser = testParser();
    const rig = startApp('flightdeck-bench-files-data-');
    await rig.app.cockpit.openDemo();
    return { rig, parser, loader: new RunbookLoader(parser), work, home, dirs: 0 };
  },
  async teardown(state) {
    await state.rig.close();
    await state.parser.close();
    if (state.home === undefined) delete process.env.FLIGHTDECK_HOME;
    else process.env.FLIGHTDECK_HOME = state.home;
    state.work.remove();
  },
  scenarios: [fifoProfile, editedLastLine, fifoRunbook, tornTail],
  figures(tally) {
    return { fileFifoRefusalP95Ms: tally.percentile('fifo-refusal', 95) };
  },
};
