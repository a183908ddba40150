import type { Io } from '../../src/main/cli/io';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/flightdeck.cjs', import.meta.url));
const BUILT = fileURLToPath(new URL('../../out/main/cli.js', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `flightdeck` command, as a user would. */
export function flightdeck(args: string[], env: NodeJS.ProcessEnv = {}): CliResult {
  if (!existsSync(BUILT)) throw new Error('out/main/cli.js is missing: run `npm run build` before the integration tests (npm test does).');
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** An Io that keeps what a command printed, for commands run in-process. */
export function captureIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (text: string) => void (io.stdout += `${text}\n`),
    err: (text: string) => void (io.stderr += `${text}\n`),
  };
  return io;
}

/**
 * `flightdeck trust --yes FILE` in-process, with FLIGHTDECK_HOME = home: the
 * approval a person gives before a CLI command may act through a profile.
 * CLI tests about something else start with it; the trust tests do not.
 */
export async function trustFile(file: string, home: string): Promise<void> {
  const { trustCommand } = await import('../../src/main/cli/trust-command');
  const io = captureIo();
  const noRunbooks = { loadFile: () => Promise.reject(new Error('trustFile takes profile files only')) } as never;
  const code = await trustCommand(['--yes', file], io, noRunbooks, { env: { FLIGHTDECK_HOME: home, USER: 'test' } });
  if (code !== 0) throw new Error(`flightdeck trust ${file} exited ${code}: ${io.stderr}`);
}

/** The --profile FILE of an argument list, if any. */
export function profileArg(args: readonly string[]): string | null {
  const at = args.indexOf('--profile');
  return at >= 0 ? (args[at + 1] ?? null) : null;
}
