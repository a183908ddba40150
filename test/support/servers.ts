/**
 * Real servers for integration tests: redis-server and PostgreSQL from the
 * Debian packages, each on a free loopback port in its own temp directory,
 * stopped (and the directory removed) by `stop()`.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: the cluster then
 * belongs to the `postgres` user that the Debian package creates, and its
 * programs are started through `runuser`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, openSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not ready yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

export interface RedisServer {
  port: number;
  url: string;
  process: ChildProcess;
  /** SIGSTOP / SIGCONT, for tests of a frozen server. */
  freeze(): void;
  thaw(): void;
  /** Kills the server (SIGKILL) without removing its directory; `start()` brings it back on the same port. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function redisServerBinary(): string | null {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) if (existsSync(candidate)) return candidate;
  return null;
}

/** Starts redis-server on a free loopback port; `password` sets requirepass. */
export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  if (!binary) throw new Error('redis-server is not installed (apt-get install redis-server).');
  const dir = mkdtempSync(join(tmpdir(), 'flightdeck-redis-'));
  const port = await freePort();
  let child: ChildProcess;
  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'];
    if (options.password) args.push('--requirepass', options.password);
    child = spawn(binary, args, { stdio: 'ignore' });
    await waitFor('redis-server', () => portOpen(port));
  };
  await launch();
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    get process() {
      return child;
    },
    freeze: () => void child.kill('SIGSTOP'),
    thaw: () => void child.kill('SIGCONT'),
    kill: async () => {
      child.kill('SIGCONT');
      await killAndWait(child, 'SIGKILL');
    },
    start: launch,
    stop: async () => {
      child.kill('SIGCONT');
      await killAndWait(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

export interface PostgresServer {
  port: number;
  host: string;
  /** Superuser name and password (password authentication over TCP). */
  user: string;
  password: string;
  url(database?: string): string;
  /** Runs SQL through psql as the superuser; returns stdout. */
  psql(sql: string, database?: string): string;
  /** Directory of pg_dump, pg_restore, psql of the same major version. */
  binDir: string;
  /**
   * SIGKILL to the postmaster and every backend at once, as a crash or the OOM killer would;
   * resolves once they are all gone. `start()` brings the server back on the same port (crash recovery).
   */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The pids whose parent is `pid` (from /proc). */
function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Whether a pid still runs (a zombie, waiting to be reaped, does not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

/** The user the cluster runs as: ourselves, or `postgres` when we are root. */
function clusterUser(): { name: string; uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0) throw new Error('Running as root needs the "postgres" user from the postgresql package to own the test cluster.');
  return { name: 'postgres', uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function asClusterUser(user: ReturnType<typeof clusterUser>, program: string, args: string[]): [string, string[]] {
  return user ? ['runuser', ['-u', user.name, '--', program, ...args]] : [program, args];
}

/** Starts a fresh PostgreSQL cluster on a free loopback port with password authentication. */
export async function startPostgres(options: { password?: string } = {}): Promise<PostgresServer> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error('PostgreSQL is not installed (apt-get install postgresql).');
  const user = clusterUser();
  const root = mkdtempSync(join(tmpdir(), 'flightdeck-pg-'));
  chmodSync(root, 0o755);
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  const pwFile = join(root, 'pw');
  const password = options.password ?? 'test-superuser-password';
  const superuser = 'flightdeck';
  mkdirSync(socketDir);
  writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
  if (user) {
    for (const path of [root, socketDir, pwFile]) chownSync(path, user.uid, user.gid);
  }
  const run = (program: string, args: string[]) => {
    const [cmd, argv] = asClusterUser(user, join(binDir, program), args);
    const result = spawnSync(cmd, argv, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${program} failed: ${result.stderr || result.stdout}`);
    return result.stdout;
  };
  run('initdb', ['-D', dataDir, '-U', superuser, '--pwfile', pwFile, '-A', 'scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale', 'C']);
  const port = await freePort();
  const [cmd, argv] = asClusterUser(user, join(binDir, 'postgres'), [
    '-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', socketDir, '-c', 'fsync=off', '-c', 'max_connections=50', '-c', 'shared_buffers=16MB',
  ]);
  let child = spawn(cmd, argv, { stdio: 'ignore' });
  const psql = (sql: string, database = 'postgres') => {
    const result = spawnSync(join(binDir, 'psql'), ['-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', superuser, '-d', database, '-c', sql], {
      encoding: 'utf8',
      env: { ...process.env, PGPASSWORD: password },
    });
    if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
    return result.stdout;
  };
  await waitFor('postgres', () => portOpen(port).then((open) => open && psql('select 1').trim() === '1'), 30_000);
  return {
    port,
    host: '127.0.0.1',
    user: superuser,
    password,
    binDir,
    url: (database = 'postgres') => `postgres://${superuser}@127.0.0.1:${port}/${database}`,
    psql,
    kill: async () => {
      const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
      // Stopped first, so no backend is forked between the listing and the kill (it would keep the old shared memory).
      process.kill(postmaster, 'SIGSTOP');
      const doomed = [postmaster, ...childPids(postmaster)];
      for (const pid of doomed) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await killAndWait(child, 'SIGKILL');
      // A backend still attached to the old shared memory would stop the next start.
      await waitFor('the killed PostgreSQL processes to be gone', () => doomed.every((pid) => !running(pid)));
      // Its pid may already belong to another process on a busy machine: the next start would take its lock files for a live postmaster's.
      rmSync(join(dataDir, 'postmaster.pid'), { force: true });
      for (const file of readdirSync(socketDir)) rmSync(join(socketDir, file), { force: true });
    },
    start: async () => {
      const logFile = join(root, 'restart.log');
      const log = openSync(logFile, 'a');
      try {
        child = spawn(cmd, argv, { stdio: ['ignore', log, log] });
      } finally {
        closeSync(log);
      }
      try {
        await waitFor('postgres after a restart', () => portOpen(port).then((open) => open && psql('select 1').trim() === '1'), 60_000);
      } catch (error) {
        throw new Error(`${(error as Error).message}; its log ends:\n${readFileSync(logFile, 'utf8').slice(-2000)}`, { cause: error });
      }
    },
    stop: async () => {
      await killAndWait(child, 'SIGINT');
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}


function killAndWait(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
