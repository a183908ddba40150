/**
 * Where Flightdeck keeps its data: FLIGHTDECK_HOME when set (tests, portable
 * installs), else the platform's per-user data directory.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.FLIGHTDECK_HOME) return env.FLIGHTDECK_HOME;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Flightdeck');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Flightdeck');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'flightdeck');
}

export interface BundleLayout {
  /** Starts the parse worker, built next to the entry bundles. */
  createParseWorker: () => Worker;
  /** resources/ (demo runbook, icons). */
  resourcesDir: string;
}

/** Layout of a built bundle: entries in out/main, resources at the repository root. */
export function bundleLayout(entryDir: string, env: NodeJS.ProcessEnv = process.env): BundleLayout {
  const workerScript = join(entryDir, 'parse-worker.js');
  return {
    createParseWorker: () => new Worker(workerScript),
    resourcesDir: env.FLIGHTDECK_RESOURCES ?? join(entryDir, '..', '..', 'resources'),
  };
}
