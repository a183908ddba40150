/**
 * The CLI starts at once (issue 15, scope 9): `--version` and `parse` load
 * none of the heavy modules other commands need. What is loaded is read
 * from the built command itself (a preload lists require.cache at exit),
 * since wall times on a shared machine are not a test; bench:cli times it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/app';
import { flightdeck } from '../support/cli';
import { SHARED_RUNBOOKS } from '../support/runbooks';

const work = tempDir();
afterAll(() => work.remove());

const HEAVY = ['pdf-lib', 'mongodb', 'pg', 'ioredis', 'undici', 'playwright-core', 'node-forge', 'bson', '@signpdf', 'zod', 'yaml'];

/** Runs the built command and returns the packages its main thread loaded. */
function packagesLoaded(args: string[]): { code: number | null; stdout: string; packages: string[] } {
  const list = join(work.path, `loaded-${args[0]}.txt`);
  const preload = join(work.path, 'list-loaded.cjs');
  writeFileSync(
    preload,
    `const { isMainThread } = require('node:worker_threads');
if (isMainThread) process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(list)}, Object.keys(require.cache).join('\\n')));\n`,
  );
  const result = flightdeck(args, { NODE_OPTIONS: `--require ${preload}` });
  const packages = new Set<string>();
  for (const file of readFileSync(list, 'utf8').split('\n')) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    if (m) packages.add(m[1]!);
  }
  return { code: result.code, stdout: result.stdout, packages: [...packages].sort() };
}

describe('the flightdeck command at start-up', () => {
  it('--version prints the version and loads no package at all', () => {
    const result = packagesLoaded(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(result.packages).toEqual([]);
  });

  it('parse reads the rollout runbook without loading drivers, the PDF signer, the HTTP client or schemas', () => {
    const result = packagesLoaded(['parse', join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('11 phases');
    expect(result.packages.filter((name) => HEAVY.some((heavy) => name === heavy || name.startsWith(`${heavy}/`)))).toEqual([]);
  });

  it('a command that needs a driver still gets it when it runs (probe loads undici)', () => {
    const result = packagesLoaded(['probe', 'http://127.0.0.1:9/', '--timeout', '500']);
    expect(result.packages).toContain('undici');
  });

  it('a parse that fails exits at once: the parser warmed for it does not hold the process (it took 30 s)', () => {
    const started = Date.now();
    const result = flightdeck(['parse', join(work.path, 'nope.md')]);
    // Measured about 0.1 s; the parser's 30 s start-up deadline used to keep the process alive.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nope.md: does not exist');
  });
});
