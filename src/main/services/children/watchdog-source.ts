/**
 * The watchdog every child program runs under (see guarded-spawn.ts), as
 * the source `node -e` runs. It is source text, not a built file, so one
 * and the same watchdog runs from the app, the CLI, browser mode and the
 * tests (which load src/ directly) without a path to find.
 *
 * What it does:
 * - starts the program (argv, no shell) as the leader of a new process
 *   group, with stdin from /dev/null and stdout/stderr being the watchdog's
 *   own, so output never passes through it;
 * - reports on fd 3 either {"pid":N} or {"error":CODE,"message":…};
 * - watches its stdin, a pipe whose other end only Flightdeck holds: EOF
 *   means Flightdeck is gone (even by SIGKILL), and then the whole group
 *   gets SIGTERM, and SIGKILL after the grace;
 * - passes SIGTERM, SIGINT and SIGHUP on to the program;
 * - ends as the program ended (same status, same signal), so the caller
 *   sees what it would have seen without the watchdog.
 */
export const WATCHDOG_SOURCE = String.raw`'use strict';
const { spawn } = require('node:child_process');
const { openSync, writeSync } = require('node:fs');
const { constants } = require('node:os');
const spec = JSON.parse(process.argv[process.argv.length - 1]);
const RELAYED = ['SIGTERM', 'SIGINT', 'SIGHUP'];
const report = (message) => {
  try { writeSync(3, JSON.stringify(message) + '\n'); } catch { /* Flightdeck is gone */ }
};
const killGroup = (signal) => {
  try { process.kill(-child.pid, signal); } catch { /* nothing left */ }
};
let child = null;
let pending = null;
// Installed before the program starts: a signal that arrives meanwhile is passed on, never lost with the watchdog.
const relay = (signal) => {
  if (!child) { pending = signal; return; }
  try { child.kill(signal); } catch { /* gone */ }
};
for (const signal of RELAYED) process.on(signal, relay);
delete process.env.ELECTRON_RUN_AS_NODE;
if (spec.runAsNode) process.env.ELECTRON_RUN_AS_NODE = spec.runAsNode;
try {
  // fd 3 of the program is /dev/null: the report pipe must not outlive the watchdog in a program's descendants.
  const devnull = openSync(process.platform === 'win32' ? 'NUL' : '/dev/null', 'r');
  child = spawn(spec.program, spec.args, { argv0: spec.argv0, env: process.env, stdio: ['ignore', 'inherit', 'inherit', devnull], detached: process.platform !== 'win32', windowsHide: true });
} catch (error) {
  report({ error: error.code || 'EINVAL', message: error.message });
  process.exit(127);
}
child.once('error', (error) => {
  report({ error: error.code || 'ESPAWN', message: error.message });
  process.exit(127);
});
child.once('spawn', () => report({ pid: child.pid }));
if (pending) relay(pending);
let orphaned = false;
const parentGone = () => {
  if (orphaned) return;
  orphaned = true;
  killGroup('SIGTERM');
  setTimeout(() => killGroup('SIGKILL'), spec.graceMs);
};
process.stdin.on('end', parentGone);
process.stdin.on('close', parentGone);
process.stdin.on('error', parentGone);
process.stdin.resume();
child.once('exit', (code, signal) => {
  // Whatever the program started goes with it once nobody is left to read or stop it.
  if (orphaned) killGroup('SIGKILL');
  for (const name of RELAYED) process.removeAllListeners(name);
  if (signal) {
    process.kill(process.pid, signal);
    // A signal Node ignores (SIGPIPE) cannot be re-raised: the shell's convention says it instead.
    setTimeout(() => process.exit(128 + (constants.signals[signal] || 0)), 200);
  } else {
    process.exit(code === null ? 1 : code);
  }
});
`;
