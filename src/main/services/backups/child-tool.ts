/**
 * Runs a database's command-line tool (pg_dump, pg_restore, redis-cli) the
 * way a backup needs: argv only (never a shell), under the watchdog that
 * ends it with Flightdeck (guarded-spawn.ts), stdout streamed through one
 * stream.pipeline into a writer with backpressure (so an error of any
 * stream in it ends this one run, never the process), stderr read line by
 * line for progress and kept (bounded) for the error message, and stopped
 * on abort with SIGTERM, then SIGKILL after a grace, so a cancelled backup
 * never leaves a tool running.
 */
import type { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { spawnGuarded } from '../children/guarded-spawn';

export interface ToolOptions {
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
  /** Where stdout goes; ignored when absent. */
  stdout?: Writable;
  /** A stage between the tool's stdout and `stdout` (a hash and byte count), in the same pipeline. */
  through?: Transform;
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
    const child = spawnGuarded(program, args, { env: options.env, stdout: options.stdout ? 'pipe' : 'ignore', stderr: 'pipe' });
    const keep = options.keepLines ?? 60;
    const lines: string[] = [];
    let partialLine = '';
    let writeError: Error | null = null;
    let killTimer: NodeJS.Timeout | null = null;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let piped = !options.stdout;
    let ended = false;

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
    child.stderr!.on('error', () => undefined);

    const finish = () => {
      if (ended || !exited || !piped) return;
      ended = true;
      if (killTimer) clearTimeout(killTimer);
      options.signal.removeEventListener('abort', onAbort);
      if (partialLine) addLine(partialLine);
      resolve({ ...exited, stderr: lines, writeError });
    };

    if (options.stdout) {
      const stages = options.through ? [child.stdout!, options.through, options.stdout] : [child.stdout!, options.stdout];
      // One pipeline: an error in any stage destroys every stage and lands here, never as an unhandled 'error' event.
      pipeline(stages).then(
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
    child.exited.then(
      (exit) => {
        exited = exit;
        finish();
      },
      (error: Error) => {
        ended = true;
        if (killTimer) clearTimeout(killTimer);
        options.signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
