/**
 * The bundled demo environment (resources/demo-env/server.mjs) as a child
 * process for tests, on a free port, plus a copy of the demo runbook and its
 * profile pointing at that port. Telemetry and control tests both probe it
 * through the same code a real target goes through, so they share this.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './servers';

const SERVER = fileURLToPath(new URL('../../resources/demo-env/server.mjs', import.meta.url));
const DEMO_DIR = fileURLToPath(new URL('../../resources/demo/', import.meta.url));
/** Where the shipped demo runbook and profile point. */
const DEMO_ORIGIN = '127.0.0.1:4810';

export interface DemoEnv {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s); resolves once it has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port after stop(). */
  start(): Promise<void>;
  /**
   * Writes runbook.md and runbook.flightdeck.yaml into dir with every
   * 127.0.0.1:4810 rewritten to this server; returns the runbook's path.
   */
  profileFor(dir: string): string;
}

export interface DemoEnvOptions {
  port?: number;
  /** Extra argv for server.mjs after --port. */
  args?: string[];
  /** How long to wait for /health to answer. */
  readyTimeoutMs?: number;
}

export async function startDemoEnv(options: DemoEnvOptions = {}): Promise<DemoEnv> {
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let output = '';

  const start = async () => {
    if (child && child.exitCode === null) throw new Error('the demo environment is already running');
    output = '';
    const started = spawn(process.execPath, [SERVER, '--port', String(port), ...(options.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    started.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    await waitForHealth(url, started, options.readyTimeoutMs ?? 15_000, () => output);
  };

  const stop = () =>
    new Promise<void>((resolve) => {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
      const killer = setTimeout(() => running.kill('SIGKILL'), 5_000);
      running.once('exit', () => {
        clearTimeout(killer);
        resolve();
      });
      running.kill('SIGTERM');
    });

  await start();
  return {
    port,
    url,
    output: () => output,
    stop,
    start,
    profileFor(dir) {
      for (const name of ['runbook.md', 'runbook.flightdeck.yaml']) {
        const text = readFileSync(join(DEMO_DIR, name), 'utf8');
        writeFileSync(join(dir, name), text.split(DEMO_ORIGIN).join(`127.0.0.1:${port}`));
      }
      return join(dir, 'runbook.md');
    },
  };
}

/** Polls /health until it answers at all (a degraded demo still counts as started). */
async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error(`the demo environment exited before it answered:\n${output()}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      return;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the demo environment did not answer ${url}/health within ${timeoutMs} ms:\n${output()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
