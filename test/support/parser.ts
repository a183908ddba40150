import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { RunbookParser } from '../../src/main/services/runbook/runbook-parser';

const bootstrap = fileURLToPath(new URL('./ts-worker.cjs', import.meta.url));
const workerSource = fileURLToPath(new URL('../../src/main/services/runbook/parse-worker.ts', import.meta.url));

/** Starts the parse worker from its TypeScript source, under tsx. */
export function startTestWorker(): Worker {
  return new Worker(bootstrap, { workerData: { script: workerSource } });
}

/** A RunbookParser whose worker runs the TypeScript source. */
export function testParser(options: { deadlineMs?: number } = {}): RunbookParser {
  return new RunbookParser({ createWorker: startTestWorker, ...options });
}
