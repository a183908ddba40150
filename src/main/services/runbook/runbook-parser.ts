/**
 * Runs the parser in a worker thread with a deadline. One worker is kept
 * warm between files; a parse that runs past its deadline terminates the
 * worker (the only way to stop synchronous code) and is refused with a
 * message, and the next parse starts a fresh worker.
 */
import type { Worker } from 'node:worker_threads';
import { FlightdeckError, type ErrorInfo } from '../../../shared/errors';
import type { RunbookDoc, RunbookSource } from '../../../shared/runbook-model';

export interface RunbookParserOptions {
  /** Starts a worker running parse-worker (the built script, or the TypeScript source in tests). */
  createWorker: () => Worker;
  /** Override the size-based deadline (tests). */
  deadlineMs?: number;
}

type Reply = { id: number; ok: true; doc: RunbookDoc } | { id: number; ok: false; error: ErrorInfo };


/** Generous for real files (micromark reads ~250 KB/s on a slow core), finite for hostile ones. */
export function parseDeadlineMs(chars: number): number {
  return Math.min(120_000, 5_000 + Math.ceil(chars / 1024) * 20);
}

const BOOT_DEADLINE_MS = 30_000;

export class RunbookParser {
  private worker: { thread: Worker; ready: Promise<void> } | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RunbookParserOptions) {}

  /** Parses one runbook; concurrent calls run one after another. */
  parse(text: string, source: RunbookSource): Promise<RunbookDoc> {
    const run = this.queue.then(() => this.runJob(text, source));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Starts the worker now, so its start-up overlaps the caller's own work (the CLI reads the file meanwhile). */
  warm(): void {
    this.worker ??= this.startWorker();
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = null;
    if (worker) await worker.thread.terminate();
  }

  private startWorker(): { thread: Worker; ready: Promise<void> } {
    const thread = this.options.createWorker();
    // An idle parse worker must not keep a CLI process alive.
    thread.unref();
    const forget = () => {
      if (this.worker?.thread === thread) this.worker = null;
    };
    thread.on('error', forget);
    thread.on('exit', forget);
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new FlightdeckError('timeout', 'The runbook parser did not start.')), BOOT_DEADLINE_MS);
      const onMessage = (message: { ready?: boolean }) => {
        if (!message.ready) return;
        clearTimeout(timer);
        thread.off('message', onMessage);
        resolve();
      };
      thread.on('message', onMessage);
      thread.once('error', (error) => {
        clearTimeout(timer);
        reject(new FlightdeckError('internal', `The runbook parser did not start: ${error.message}`));
      });
      // Closed before it was ready (the CLI warms it, then the file cannot be read): the start-up deadline must not keep the process alive.
      thread.once('exit', () => {
        clearTimeout(timer);
        reject(new FlightdeckError('internal', 'The runbook parser stopped before it was ready.'));
      });
    });
    ready.catch(forget);
    return { thread, ready };
  }

  private async runJob(text: string, source: RunbookSource): Promise<RunbookDoc> {
    this.worker ??= this.startWorker();
    const { thread, ready } = this.worker;
    thread.ref();
    try {
      await ready;
      return await this.exchange(thread, text, source);
    } finally {
      thread.unref();
    }
  }

  private exchange(worker: Worker, text: string, source: RunbookSource): Promise<RunbookDoc> {
    const id = this.nextId++;
    const deadline = this.options.deadlineMs ?? parseDeadlineMs(text.length);
    return new Promise<RunbookDoc>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const onMessage = (reply: Reply) => {
        if (reply.id !== id) return;
        cleanup();
        if (reply.ok) resolve(reply.doc);
        else reject(FlightdeckError.fromInfo(reply.error));
      };
      const onError = (error: Error) => {
        cleanup();
        reject(new FlightdeckError('internal', `could not be parsed: ${error.message}`, { file: source.name }));
      };
      const onExit = () => {
        cleanup();
        reject(new FlightdeckError('internal', 'could not be parsed: the parser stopped unexpectedly.', { file: source.name }));
      };
      const timer = setTimeout(() => {
        cleanup();
        if (this.worker?.thread === worker) this.worker = null;
        void worker.terminate();
        const seconds = (deadline / 1000).toFixed(1);
        reject(new FlightdeckError('timeout', `took longer than ${seconds} s to read and was refused, so that Flightdeck stays responsive.`, { file: source.name }));
      }, deadline);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      worker.postMessage({ id, text, source });
    });
  }
}
