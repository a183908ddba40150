/**
 * Runs a bundled test child: a Node script that takes its options as one
 * JSON argument and prints `MARK <label>` at each point where a crash is
 * interesting. The test decides at each mark whether to SIGKILL the child
 * right there, which is how the crash tests cut real work short at an exact
 * point. One place for the line splitting and output capture, so the crash
 * tests cannot drift apart in how they read their children.
 */
import { spawn } from 'node:child_process';

export interface MarkedChildOptions {
  /** Whether to SIGKILL the child at this mark. */
  killAt: (label: string) => boolean;
  /** Every stdout line that is not a mark, in order. */
  onLine?: (line: string) => void;
  /** SIGKILLs the child if it has not exited by then, so a hung child fails the test instead of stalling it. */
  timeoutMs?: number;
}

export interface MarkedChildRun {
  pid: number;
  /** The labels of the marks the child printed, in order. */
  marks: string[];
  /** Everything it printed, stdout and stderr. */
  output: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function runMarkedChild(script: string, input: unknown, options: MarkedChildOptions): Promise<MarkedChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [script, JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const marks: string[] = [];
    let output = '';
    let pending = '';
    proc.stdout.setEncoding('utf8');
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    proc.stdout.on('data', (text: string) => {
      output += text;
      pending += text;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith('MARK ')) {
          const label = line.slice(5);
          marks.push(label);
          if (options.killAt(label)) proc.kill('SIGKILL');
        } else {
          options.onLine?.(line);
        }
      }
    });
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs);
    proc.once('error', reject);
    proc.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ pid: proc.pid!, marks, output, code, signal });
    });
  });
}
