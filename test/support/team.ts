/**
 * The team window's test harness (issue 16): people, each with their own
 * data directory, vault passphrase and key, who join one team session in a
 * real PostgreSQL through the real `flightdeck` command, follow it in a
 * long-running `session join --follow` process, and tick from the command
 * line as they would from a terminal.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN } from './cli';
import { waitFor } from './wait';

export const TEAM_RUNBOOK = fileURLToPath(new URL('../../../shared/runbooks/dual-dashboard-rollout.md', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Person {
  name: string;
  home: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** `flightdeck ARGS` as this person, from their data directory. */
  cli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<CliRun>;
  /** `flightdeck session join --follow` for this person's session, running until stopped. */
  follow(): Follower;
  /** The team chain rows this person's laptop holds (team/chain.jsonl). */
  replica(): Array<Record<string, unknown>>;
  /** This person's local journal entries. */
  journal(): Array<Record<string, unknown>>;
}

export interface Follower {
  process: ChildProcess;
  /** Every JSON line it printed. */
  events: Array<Record<string, unknown>>;
  stderr: () => string;
  stop(): Promise<void>;
}

export function person(name: string, root: string, storePassword: string): Person {
  const home = join(root, name.toLowerCase(), 'home');
  const dir = join(root, name.toLowerCase(), 'session');
  const env = { FLIGHTDECK_HOME: home, FLIGHTDECK_VAULT_PASSPHRASE: `passphrase of ${name}`, FLIGHTDECK_SECRET_TEAM_STORE: storePassword, USER: name };
  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> =>
    new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env: { ...process.env, ...env, ...extraEnv }, timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  const readLines = (file: string) =>
    existsSync(file)
      ? readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line.endsWith('}'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : [];
  return {
    name,
    home,
    dir,
    env,
    cli,
    follow: () => startFollower(dir, name, env),
    replica: () => readLines(join(dir, 'team', 'chain.jsonl')),
    journal: () => readLines(join(dir, 'journal.jsonl')),
  };
}

function startFollower(dir: string, name: string, env: NodeJS.ProcessEnv): Follower {
  const child = spawn(process.execPath, [BIN, 'session', 'join', '--dir', dir, '--by', name, '--follow', '--json'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Array<Record<string, unknown>> = [];
  let stderr = '';
  let buffered = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    events,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Waits until a follower says it is connected (or its last state is). */
export async function connected(follower: Follower, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    'the follower to connect',
    () => follower.events.filter((e) => e.event === 'connection').at(-1)?.connection === 'connected',
    { timeoutMs },
  );
}

/** Item ids of a runbook, as a session reads them (`flightdeck session new` then `status --json`) in a scratch folder. */
export function itemIdsOf(runbook: string, scratch: string): string[] {
  const dir = join(scratch, 'item-ids');
  const made = spawnSync(process.execPath, [BIN, 'session', 'new', runbook, '--dir', dir, '--by', 'test'], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
  const status = spawnSync(process.execPath, [BIN, 'session', 'status', dir, '--json'], { encoding: 'utf8' });
  return (JSON.parse(status.stdout) as { items: Array<{ id: string }> }).items.map((item) => item.id);
}
