/**
 * Shared by `npm start` and `npm test`: install dependencies when they are
 * missing or older than the lock file, and build when asked. No shell:
 * every child gets an argv array.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const say = (line) => process.stderr.write(`flightdeck: ${line}\n`);

export function run(command, args, env = process.env) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit', env }).status === 0;
}

function npm(args, env) {
  // Under `npm start`, npm tells us where its own CLI is; otherwise use npm from PATH.
  const cli = process.env.npm_execpath;
  return cli ? run(process.execPath, [cli, ...args], env) : run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, env);
}

function mtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newestUnder(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : mtime(path));
  }
  return newest;
}

export function ensureDependencies() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && mtime(installed) >= mtime(join(root, 'package-lock.json'))) return;
  say('installing dependencies (npm ci)…');
  if (npm(['ci'])) return;
  say('installing with the Electron binary failed; retrying without it (browser mode will be used)…');
  if (!npm(['ci'], { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })) {
    say('npm ci failed; see the messages above.');
    process.exit(1);
  }
}

/** Builds main, preload and renderer; with `onlyIfStale`, only when a source is newer than the build. */
export function build({ onlyIfStale }) {
  if (onlyIfStale) {
    const built = mtime(join(root, 'out', 'main', 'index.js'));
    const sources = Math.max(newestUnder(join(root, 'src')), mtime(join(root, 'electron.vite.config.ts')), mtime(join(root, 'package.json')));
    if (built >= sources) return;
  }
  say('building…');
  if (!run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'])) {
    say('the build failed; see the messages above.');
    process.exit(1);
  }
}
