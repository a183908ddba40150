/**
 * spawnGuarded, the watchdog every program runs under: the caller sees the
 * program's own output, exit status and signal as if there were no
 * watchdog; a program that cannot start says why (ENOENT); a group signal
 * reaches what the program started; and the watchdog's report pipe is not
 * handed on to the program.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCodeOf, spawnGuarded } from '../../src/main/services/children/guarded-spawn';
import { programDir, writeProgram } from '../support/command-programs';
import { waitFor } from '../support/wait';

let dir: string;
beforeAll(() => {
  dir = programDir();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]![0] !== 'Z';
  } catch {
    return false;
  }
}

function collect(stream: NodeJS.ReadableStream | null): () => string {
  let text = '';
  stream?.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return () => text;
}

describe('spawnGuarded', () => {
  it('passes on the output, the exit status and the argv', async () => {
    const program = writeProgram(dir, 'speaker', `process.stdout.write(JSON.stringify(process.argv.slice(2))); process.stderr.write('to stderr'); process.exit(7);`);
    const child = spawnGuarded(program, ['--flag', 'two words'], { env: process.env, stdout: 'pipe', stderr: 'pipe' });
    const out = collect(child.stdout);
    const err = collect(child.stderr);
    expect(await child.exited).toEqual({ code: 7, signal: null });
    expect(JSON.parse(out())).toEqual(['--flag', 'two words']);
    expect(err()).toBe('to stderr');
  });

  it('a program that cannot start is refused with its reason', async () => {
    const child = spawnGuarded('/nonexistent/flightdeck-tool', [], { env: process.env, stdout: 'ignore', stderr: 'pipe' });
    const error = await child.exited.catch((e: unknown) => e);
    expect(spawnCodeOf(error)).toBe('ENOENT');
    expect((error as Error).message).toMatch(/^could not run \/nonexistent\/flightdeck-tool: .*ENOENT/);
    await expect(child.started).rejects.toBe(error);
  });

  it('ends as the program ended: killed by a signal is reported as that signal', async () => {
    const program = writeProgram(dir, 'sleeper', `process.stdout.write('ready\\n'); setInterval(() => undefined, 1000);`);
    const child = spawnGuarded(program, [], { env: process.env, stdout: 'pipe', stderr: 'pipe' });
    const out = collect(child.stdout);
    await waitFor('the program to run', () => out().includes('ready'));
    child.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('a group signal reaches what the program started; the report pipe is not among its files', async () => {
    // fd 3 of the program must be /dev/null, not the watchdog's report pipe.
    const program = writeProgram(
      dir,
      'parent',
      `const { spawn } = require('node:child_process');
const fs = require('node:fs');
const grandchild = spawn(process.execPath, ['-e', 'setInterval(() => undefined, 1000)'], { stdio: 'ignore' });
process.stdout.write(JSON.stringify({ grandchild: grandchild.pid, fd3: fs.readlinkSync('/proc/self/fd/3') }) + '\\n');
setInterval(() => undefined, 1000);`,
    );
    const child = spawnGuarded(program, [], { env: process.env, stdout: 'pipe', stderr: 'pipe' });
    const out = collect(child.stdout);
    const facts = await waitFor('the program to report', () => (out().includes('\n') ? (JSON.parse(out()) as { grandchild: number; fd3: string }) : null));
    expect(facts.fd3).toBe('/dev/null');
    expect(alive(facts.grandchild)).toBe(true);
    child.killGroup('SIGKILL');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await waitFor('the grandchild to be gone', () => !alive(facts.grandchild));
  });
});
