import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RunbookDoc, RunbookSource } from '../../src/shared/runbook-model';
import { parseRunbook } from '../../src/main/services/runbook/parse';
import { decodeSource } from '../../src/main/services/runbook/source-text';

/** ../shared/runbooks: real checklists as teams write them. */
export const SHARED_RUNBOOKS = fileURLToPath(new URL('../../../shared/runbooks/', import.meta.url));
export const DEMO_RUNBOOK = fileURLToPath(new URL('../../resources/demo/runbook.md', import.meta.url));

export function sharedRunbookNames(): string[] {
  return readdirSync(SHARED_RUNBOOKS).filter((name) => name.endsWith('.md')).sort();
}

export function source(name: string, text: string): RunbookSource {
  return { name, path: null, origin: 'file', sha256: '', bytes: Buffer.byteLength(text), lines: text.split('\n').length, writable: false };
}

/** Parses markdown in-process (the worker runs the same function). */
export function parseText(text: string, name = 'test.md'): RunbookDoc {
  return parseRunbook(text, source(name, text));
}

export function parseFile(path: string): RunbookDoc {
  const decoded = decodeSource(readFileSync(path), path);
  return parseRunbook(decoded.text, source(path, decoded.text));
}
