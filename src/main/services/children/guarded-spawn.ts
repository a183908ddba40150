/**
 * The one way Flightdeck starts a program (pg_dump, pg_restore, redis-cli,
 * an allowlisted command): under a watchdog (watchdog-source.ts) that ends
 * the program's whole process group when Flightdeck is gone, however it
 * went, SIGKILL included. Argv only, never a shell. Each running child is
 * also recorded (child-registry.ts) so that the next start kills it should
 * the watchdog have died too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { FlightdeckError } from '../../../shared/errors';
import { ChildRegistry, killLeftovers, type Leftover } from './child-registry';
import { WATCHDOG_SOURCE } from './watchdog-source';

export interface GuardedSpawnOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** argv[0] the program sees (the name the profile used). */
  argv0?: string;
  stdout: 'pipe' | 'ignore';
  stderr: 'pipe' | 'ignore';
  /** When Flightdeck is gone: time between the watchdog's SIGTERM and its SIGKILL to the group. */
  orphanGraceMs?: number;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GuardedChild {
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** The program's pid once it runs; rejects with the reason it could not start (error.code ENOENT, EACCES…). */
  readonly started: Promise<number>;
  /** The program's end, once its output is read to the end too; rejects as `started` does. */
  readonly exited: Promise<ChildExit>;
  /** SIGKILL goes to the program's whole process group; other signals to the program alone. */
  kill(signal: NodeJS.Signals): void;
  /** A signal to the program and everything it started (its process group). */
  killGroup(signal: NodeJS.Signals): void;
}

const DEFAULT_ORPHAN_GRACE_MS = 2000;

let registry: ChildRegistry | null = null;

/**
 * Records this process's children under `dir` from now on, after killing
 * what a crashed earlier run left there. Called once by each entry point
 * (app, browser mode, CLI) with its data directory.
 */
export function guardChildrenIn(dir: string): Leftover[] {
  const killed = killLeftovers(dir);
  registry = new ChildRegistry(dir);
  return killed;
}

function startError(program: string, code: string, message: string): Error {
  // Callers tell "not installed" (ENOENT) from other failures by the code, as they would from spawn's own error.
  return Object.assign(new FlightdeckError('not-found', `could not run ${program}: ${message}`), { spawnCode: code });
}

/** The errno-style code (ENOENT, EACCES) of an error `started` rejected with. */
export function spawnCodeOf(error: unknown): string | null {
  const code = (error as { spawnCode?: unknown } | null)?.spawnCode;
  return typeof code === 'string' ? code : null;
}

export function spawnGuarded(program: string, args: readonly string[], options: GuardedSpawnOptions): GuardedChild {
  // The desktop build turns Electron's RunAsNode fuse off (packaging/fuses.cjs), so its binary cannot run the
  // watchdog as Node: there the program leads its own group, recorded, and the next start kills what outlived us.
  if (process.versions.electron !== undefined) return spawnRecorded(program, args, options);
  const env: NodeJS.ProcessEnv = { ...options.env };
  const runAsNode = env.ELECTRON_RUN_AS_NODE;
  // Inside Electron, execPath is Electron: it runs the watchdog as plain Node only when told so.
  env.ELECTRON_RUN_AS_NODE = '1';
  const spec = { program, args, argv0: options.argv0 ?? program, graceMs: options.orphanGraceMs ?? DEFAULT_ORPHAN_GRACE_MS, ...(runAsNode !== undefined ? { runAsNode } : {}) };
  const watchdog: ChildProcess = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, '--', JSON.stringify(spec)], {
    env,
    cwd: options.cwd,
    // stdin: the pipe it watches (never written); fd 3: where it reports.
    stdio: ['pipe', options.stdout, options.stderr, 'pipe'],
    shell: false,
    windowsHide: true,
  });
  watchdog.stdin?.on('error', () => undefined);
  const reports = watchdog.stdio[3] as Readable | null;
  let programPid: number | null = null;
  let startFailure: Error | null = null;

  const started = new Promise<number>((resolve, reject) => {
    let text = '';
    reports?.setEncoding('utf8');
    reports?.on('error', () => undefined);
    reports?.on('data', (chunk: string) => {
      text += chunk;
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      let message: { pid?: number; error?: string; message?: string };
      try {
        message = JSON.parse(text.slice(0, nl)) as typeof message;
      } catch {
        message = { error: 'EPROTO', message: 'the watchdog answered something unreadable' };
      }
      if (typeof message.pid === 'number') {
        programPid = message.pid;
        registry?.add(message.pid, program);
        resolve(message.pid);
      } else {
        startFailure = startError(program, message.error ?? 'ESPAWN', message.message ?? 'it did not start');
        reject(startFailure);
      }
    });
    watchdog.once('error', (error: NodeJS.ErrnoException) => {
      startFailure = startError(program, error.code ?? 'ESPAWN', `its watchdog did not start (${error.message})`);
      reject(startFailure);
    });
    watchdog.once('close', () => {
      startFailure ??= startError(program, 'ESPAWN', 'its watchdog ended before the program started');
      reject(startFailure);
    });
  });
  started.catch(() => undefined);

  const exited = new Promise<ChildExit>((resolve, reject) => {
    watchdog.once('close', (code, signal) => {
      if (programPid !== null) registry?.remove(programPid);
      if (programPid === null) reject(startFailure ?? startError(program, 'ESPAWN', 'it did not start'));
      else resolve({ code, signal });
    });
    watchdog.once('error', () => {
      // 'close' may never follow a watchdog that did not start.
      if (watchdog.pid === undefined) reject(startFailure ?? startError(program, 'ESPAWN', 'its watchdog did not start'));
    });
  });
  exited.catch(() => undefined);

  // A signal asked for before the program's pid is known is sent once it is (the watchdog may not even listen yet).
  const pending: { signal: NodeJS.Signals; group: boolean }[] = [];
  void started.then(
    () => {
      for (const { signal, group } of pending.splice(0)) send(signal, group);
    },
    () => undefined,
  );
  const send = (signal: NodeJS.Signals, group: boolean) => {
    if (programPid === null) return void pending.push({ signal, group });
    try {
      process.kill(group && process.platform !== 'win32' ? -programPid : programPid, signal);
    } catch {
      // Gone already.
    }
  };
  return {
    stdout: watchdog.stdout,
    stderr: watchdog.stderr,
    started,
    exited,
    kill: (signal) => send(signal, signal === 'SIGKILL'),
    killGroup: (signal) => send(signal, true),
  };
}

/**
 * Without a watchdog (inside Electron): the program leads its own process
 * group, so a kill reaches everything it started, and it is recorded, so
 * that a Flightdeck killed without warning has it killed at the next start.
 */
function spawnRecorded(program: string, args: readonly string[], options: GuardedSpawnOptions): GuardedChild {
  const child = spawn(program, [...args], {
    env: options.env,
    cwd: options.cwd,
    argv0: options.argv0 ?? program,
    stdio: ['ignore', options.stdout, options.stderr],
    detached: process.platform !== 'win32',
    shell: false,
    windowsHide: true,
  });
  const started = new Promise<number>((resolve, reject) => {
    child.once('spawn', () => {
      registry?.add(child.pid!, program);
      resolve(child.pid!);
    });
    child.once('error', (error: NodeJS.ErrnoException) => reject(startError(program, error.code ?? 'ESPAWN', error.message)));
  });
  started.catch(() => undefined);
  const exited = new Promise<ChildExit>((resolve, reject) => {
    child.once('close', (code, signal) => {
      if (child.pid !== undefined) registry?.remove(child.pid);
      resolve({ code, signal });
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) reject(startError(program, error.code ?? 'ESPAWN', error.message));
    });
  });
  exited.catch(() => undefined);
  const send = (signal: NodeJS.Signals, group: boolean) => {
    if (child.pid === undefined) return;
    try {
      process.kill(group && process.platform !== 'win32' ? -child.pid : child.pid, signal);
    } catch {
      // Gone already.
    }
  };
  return { stdout: child.stdout, stderr: child.stderr, started, exited, kill: (signal) => send(signal, signal === 'SIGKILL'), killGroup: (signal) => send(signal, true) };
}
