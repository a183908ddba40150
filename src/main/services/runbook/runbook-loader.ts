/**
 * Reads a runbook from a file or from text the user handed over, checks it
 * (size, encoding), and parses it off the main thread. Every refusal names
 * the file and, where there is one, the line.
 */
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { LIMITS } from '../../../shared/contract-names';
import type { RunbookDoc, RunbookSource } from '../../../shared/runbook-model';
import type { RunbookParser } from './runbook-parser';
import { countLineBreaks, decodeSource, type SourceText } from './source-text';
import { readRegularFile } from '../storage/read-regular-file';

export interface LoadedRunbook {
  doc: RunbookDoc;
  /** The decoded text, for write-back. */
  text: string;
  bom: boolean;
}


async function isWritable(path: string): Promise<boolean> {
  try {
    await access(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export class RunbookLoader {
  constructor(private readonly parser: RunbookParser) {}

  /** `label` is how the file is named in messages (the path as the user gave it). */
  async loadFile(path: string, origin: 'file' | 'demo', label: string = path): Promise<LoadedRunbook> {
    const absolute = resolve(path);
    // A FIFO, device or directory is refused naming it; the read has a deadline.
    const bytes = await readRegularFile(absolute, { maxBytes: LIMITS.runbookBytes, label, what: 'a runbook' });
    const source = decodeSource(bytes, label);
    const writable = origin === 'file' && (await isWritable(absolute));
    return this.parse(source, { name: basename(absolute), path: absolute, origin, writable }, label);
  }

  /** A file that arrived as bytes, without a path to write back to (browser mode's picker and drop). */
  async loadBytes(name: string, bytes: Uint8Array): Promise<LoadedRunbook> {
    const source = decodeSource(bytes, name);
    return this.parse(source, { name, path: null, origin: 'import', writable: false }, name);
  }

  /** Markdown already held as text (a session's copy of its runbook). */
  async loadText(name: string, text: string): Promise<LoadedRunbook> {
    return this.loadBytes(name, Buffer.from(text, 'utf8'));
  }

  private async parse(source: SourceText, where: Pick<RunbookSource, 'name' | 'path' | 'origin' | 'writable'>, label: string): Promise<LoadedRunbook> {
    const runbookSource: RunbookSource = { ...where, sha256: source.sha256, bytes: source.bytes, lines: countLineBreaks(source.text) + 1 };
    const doc = await this.parser.parse(source.text, { ...runbookSource, name: label });
    doc.source = runbookSource;
    return { doc, text: source.text, bom: source.bom };
  }
}
