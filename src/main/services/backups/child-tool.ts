/**
 * Runs a database's command-line tool (pg_dump, pg_restore, redis-cli) the
 * way a backup needs: argv only (never a shell), stdout streamed into a
 * writer with backpressure, stderr read line by line for progress and kept
 * (bounded) for the error message, and stopped on abort with SIGTERM, then
 * SIGKILL after a grace, so a cancelled backup never leaves a tool running.
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ToolOptions {
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Where stdout goes; ignored when absent. */
  stdout?: Writable;
  onStderrLine?(line: string): void;
  /** Time between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** Lines of stderr kept for the error message. */
  keepLines?: number;
}

export interface ToolExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stderr. */
  stderr: string[];
  /** Set when the stdout writer failed (a full disk): the tool was stopped because of it. */
  writeError: Error | null;
}

const DEFAULT_GRACE_MS = 3000;

/** Runs `program` to its end; never rejects on a failing tool (the caller reads the exit), only when it cannot start. */
export function runTool(program: string, args: readonly string[], options: ToolOptions): Promise<ToolExit> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) {
      reject(options.signal.reason instanceof Error ? options.signal.reason : new Error('aborted'));
      return;
    }
    const child = spawn(program, [...args], { env: options.env, stdio: ['ignore', options.stdout ? 'pipe' : 'ignore', 'pipe'], shell: false });
    const keep = options.keepLines ?? 60;
    const lines: string[] = [];
    let partialLine = '';
    let writeError: Error | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let piped = !options.stdout;
    let spawnFailed = false;

    const stop = () => {
      if (exited) return;
      child.kill('SIGTERM');
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), options.graceMs ?? DEFAULT_GRACE_MS);
    };
    const onAbort = () => stop();
    options.signal.addEventListener('abort', onAbort, { once: true });

    const addLine = (line: string) => {
      lines.push(line);
      if (lines.length > keep) lines.shift();
      options.onStderrLine?.(line);
    };
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      partialLine += text;
      let nl: number;
      while ((nl = partialLine.indexOf('\n')) >= 0) {
        addLine(partialLine.slice(0, nl));
        partialLine = partialLine.slice(nl + 1);
      }
    });

    const finish = () => {
      if (!exited || !piped) return;
      if (killTimer) clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      if (partialLine) addLine(partialLine);
      resolve({ ...exited, stderr: lines, writeError });
    };

    if (options.stdout) {
      pipeline(child.stdout!, options.stdout).then(
        () => {
          piped = true;
          finish();
        },
        (error: Error) => {
          // A reader that stops (full disk, file-size limit) must stop the writer too.
          if (!options.signal.aborted) writeError = error;
          piped = true;
          stop();
          finish();
        },
      );
    }
    child.once('error', (error) => {
      spawnFailed = true;
      if (killTimer) clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.once('close', (code, signal) => {
      if (spawnFailed) return;
      exited = { code, signal };
      finish();
    });
  });
}
