#!/usr/bin/env node
/**
 * `npm start`: sets up and runs the cockpit.
 *
 * 1. Installs dependencies when node_modules is missing or older than the
 *    lock file (retrying without the Electron binary if it cannot be
 *    downloaded).
 * 2. Builds when a source file is newer than the build.
 * 3. Starts the desktop app, or browser mode when Electron cannot start
 *    here (no binary, no display, or it exits at once), saying why in one
 *    line. FLIGHTDECK_MODE=electron|browser (or --electron / --browser)
 *    chooses explicitly; --port N (or FLIGHTDECK_PORT) fixes browser mode's
 *    port. Any other argument is passed on: a runbook path, --data-dir DIR.
 * 4. Without a runbook argument it also runs the bundled demo environment
 *    (resources/demo-env) on 127.0.0.1:4810, which the demo runbook's
 *    profile probes, and stops it when the cockpit exits. A demo already
 *    answering there (from another `npm start`) is reused.
 *    FLIGHTDECK_DEMO=0 turns this off.
 *
 * No shell anywhere: every child gets an argv array.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build, ensureDependencies, root, say } from './setup.mjs';

/** Why Electron cannot start here, or null when it might. */
function electronUnavailable() {
  let binary;
  try {
    binary = createRequire(join(root, 'package.json'))('electron');
  } catch {
    return 'the Electron binary is not installed here (installed with ELECTRON_SKIP_BINARY_DOWNLOAD)';
  }
  if (typeof binary !== 'string' || !existsSync(binary)) return 'the Electron binary is not installed here';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return null;
}

const DEMO_PORT = 4810;

/** Whether the arguments name a runbook: anything that is neither an option nor an option's value. */
function namesRunbook(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--data-dir') i++;
    else if (!args[i].startsWith('-')) return true;
  }
  return false;
}

async function demoAnswers() {
  try {
    const reply = await fetch(`http://127.0.0.1:${DEMO_PORT}/health`, { signal: AbortSignal.timeout(1000) });
    return reply.ok && (await reply.json()).status === 'ok';
  } catch {
    return false;
  }
}

/** Runs the demo environment for as long as this process lives, unless one is already there. */
async function startDemoEnvironment() {
  if (await demoAnswers()) {
    say(`reusing the demo environment already running on 127.0.0.1:${DEMO_PORT}.`);
    return;
  }
  const server = join(root, 'resources', 'demo-env', 'server.mjs');
  const demo = spawn(process.execPath, [server, '--port', String(DEMO_PORT)], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  demo.on('exit', (code) => {
    if (code) say(`the demo environment stopped (exit code ${code}); its probes will show it down.`);
  });
  // 'exit' handlers run on every way out, including process.exit() when the cockpit ends.
  process.on('exit', () => {
    if (demo.exitCode === null) demo.kill('SIGTERM');
  });
}

function forward(child) {
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
}

function startBrowser(args, port) {
  const argv = [join(root, 'out', 'main', 'browser.js'), ...args];
  if (port) argv.push('--port', port);
  const child = spawn(process.execPath, argv, { cwd: root, stdio: 'inherit' });
  forward(child);
  child.on('exit', (code) => process.exit(code ?? 0));
}

function startElectron(args, fallback) {
  const binary = createRequire(join(root, 'package.json'))('electron');
  const started = Date.now();
  const child = spawn(binary, [root, ...args], { cwd: root, stdio: ['inherit', 'inherit', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    process.stderr.write(chunk);
  });
  forward(child);
  child.on('exit', (code) => {
    // A crash in the first seconds means Electron cannot run on this machine.
    if (code !== 0 && Date.now() - started < 5000) {
      const reason = stderr.split('\n').find((line) => line.trim() !== '') ?? `exit code ${code}`;
      return fallback(`Electron did not start (${reason.trim().slice(0, 120)})`);
    }
    process.exit(code ?? 0);
  });
}

async function main() {
  const args = process.argv.slice(2);
  const take = (flag) => {
    const i = args.indexOf(flag);
    if (i === -1) return null;
    const [, value] = args.splice(i, 2);
    return value ?? null;
  };
  const takeFlag = (flag) => {
    const i = args.indexOf(flag);
    if (i !== -1) args.splice(i, 1);
    return i !== -1;
  };
  const port = take('--port') ?? process.env.FLIGHTDECK_PORT ?? null;
  let mode = process.env.FLIGHTDECK_MODE ?? null;
  if (takeFlag('--browser')) mode = 'browser';
  if (takeFlag('--electron')) mode = 'electron';
  if (mode && mode !== 'browser' && mode !== 'electron') {
    say(`FLIGHTDECK_MODE=${mode}: use "electron" or "browser".`);
    process.exit(2);
  }

  ensureDependencies();
  build({ onlyIfStale: true });
  if (process.env.FLIGHTDECK_DEMO !== '0' && !namesRunbook(args)) await startDemoEnvironment();

  if (mode === 'browser') return startBrowser(args, port);
  const why = electronUnavailable();
  if (why && mode === 'electron') {
    say(`cannot start the desktop app: ${why}.`);
    process.exit(1);
  }
  const fallback = (reason) => {
    say(`${reason}; starting browser mode instead.`);
    startBrowser(args, port);
  };
  if (why) return fallback(why);
  startElectron(args, fallback);
}

await main();
