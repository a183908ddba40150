/**
 * Worker thread entry: parses one runbook per message. Parsing runs here so
 * that a large or hostile file can never freeze the main process, and so
 * that a parse past its deadline can be stopped by terminating the thread.
 */
import { parentPort } from 'node:worker_threads';
import { FlightdeckError } from '../../../shared/errors';
import type { RunbookSource } from '../../../shared/runbook-model';
import { parseRunbook } from './parse';

interface Job {
  id: number;
  text: string;
  source: RunbookSource;
}

parentPort?.on('message', (job: Job) => {
  try {
    parentPort!.postMessage({ id: job.id, ok: true, doc: parseRunbook(job.text, job.source) });
  } catch (error) {
    const info =
      error instanceof FlightdeckError
        ? error.toInfo()
        : { code: 'internal' as const, message: `could not be parsed: ${error instanceof Error ? error.message : String(error)}`, file: job.source.name };
    parentPort!.postMessage({ id: job.id, ok: false, error: info });
  }
});

// Tell the parent the parser is loaded: its deadline covers parsing, not start-up.
parentPort?.postMessage({ ready: true });
