/**
 * The output of a running action (a command's stdout and stderr) on its way
 * to the screen and the journal. Text is redacted a whole line at a time, so
 * a secret split across two reads of a pipe is still caught; a partial line
 * is let through only after a short quiet spell (a progress bar, a prompt)
 * or at the end. The journal keeps a bounded amount per action, batched so
 * a chatty program does not cost an fsync per line, and the last kept chunk
 * says when the rest was shown but not kept.
 */
import { formatBytes } from '../../../shared/format';
import type { ActionJournal } from './action-journal';
import type { Redactor } from '../vault/secrets';

export type OutputStream = 'stdout' | 'stderr';

export interface OutputChunk {
  actionId: string;
  stream: OutputStream;
  text: string;
}

export interface OutputLimits {
  /** Bytes of output one action may keep in the journal. */
  journalBytes: number;
  /** A journal entry is written once this much is pending (or at the end). */
  batchBytes: number;
  /** A partial line is shown after this long without a newline. */
  partialLineMs: number;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = { journalBytes: 64 * 1024, batchBytes: 8 * 1024, partialLineMs: 150 };

/** Past this many characters an unfinished line is redacted and let through anyway. */
const MAX_PENDING_LINE = 16 * 1024;

export class ActionOutput {
  private readonly pendingLine: Record<OutputStream, string> = { stdout: '', stderr: '' };
  private readonly pendingJournal: Record<OutputStream, string> = { stdout: '', stderr: '' };
  private partialTimer: NodeJS.Timeout | null = null;
  private journaledBytes = 0;
  private totalBytes = 0;
  private truncated = false;
  private closed = false;

  constructor(
    private readonly actionId: string,
    private readonly deps: {
      journal: ActionJournal;
      by: string | null;
      redactor: Redactor;
      onOutput?: ((chunk: OutputChunk) => void) | undefined;
      limits?: Partial<OutputLimits> | undefined;
    },
  ) {}

  private get limits(): OutputLimits {
    return { ...DEFAULT_OUTPUT_LIMITS, ...this.deps.limits };
  }

  /** Bytes of (redacted) output seen so far. */
  get bytes(): number {
    return this.totalBytes;
  }

  write(stream: OutputStream, text: string): void {
    if (this.closed || text === '') return;
    const buffered = this.pendingLine[stream] + text;
    const cut = buffered.lastIndexOf('\n');
    if (cut >= 0) {
      this.pendingLine[stream] = buffered.slice(cut + 1);
      this.emit(stream, buffered.slice(0, cut + 1));
    } else {
      this.pendingLine[stream] = buffered;
    }
    if (this.pendingLine[stream].length > MAX_PENDING_LINE) this.flushPartial(stream);
    this.schedulePartialFlush();
  }

  /** Flushes everything: the last partial lines, the pending journal text, and the truncation note. */
  close(): void {
    if (this.closed) return;
    this.flushPartial('stdout');
    this.flushPartial('stderr');
    this.closed = true;
    if (this.partialTimer) clearTimeout(this.partialTimer);
    this.partialTimer = null;
    const note = this.truncated
      ? `\n[output truncated: the journal keeps the first ${formatBytes(this.limits.journalBytes)} of ${formatBytes(this.totalBytes)}; the rest was shown but not kept]\n`
      : '';
    const last: OutputStream = this.pendingJournal.stderr !== '' ? 'stderr' : 'stdout';
    for (const stream of ['stdout', 'stderr'] as const) {
      if (stream !== last) this.journalNow(stream, '');
    }
    this.journalNow(last, note);
  }

  private schedulePartialFlush(): void {
    if (this.partialTimer || (this.pendingLine.stdout === '' && this.pendingLine.stderr === '')) return;
    this.partialTimer = setTimeout(() => {
      this.partialTimer = null;
      this.flushPartial('stdout');
      this.flushPartial('stderr');
    }, this.limits.partialLineMs);
    this.partialTimer.unref();
  }

  private flushPartial(stream: OutputStream): void {
    const text = this.pendingLine[stream];
    if (text === '') return;
    this.pendingLine[stream] = '';
    this.emit(stream, text);
  }

  private emit(stream: OutputStream, raw: string): void {
    const text = this.deps.redactor.redact(raw);
    this.totalBytes += Buffer.byteLength(text);
    this.deps.onOutput?.({ actionId: this.actionId, stream, text });
    if (this.truncated) return;
    const room = this.limits.journalBytes - this.journaledBytes - Buffer.byteLength(this.pendingJournal.stdout) - Buffer.byteLength(this.pendingJournal.stderr);
    if (Buffer.byteLength(text) > room) {
      this.pendingJournal[stream] += sliceBytes(text, Math.max(0, room));
      this.truncated = true;
    } else {
      this.pendingJournal[stream] += text;
    }
    if (Buffer.byteLength(this.pendingJournal[stream]) >= this.limits.batchBytes) this.journalNow(stream, '');
  }

  private journalNow(stream: OutputStream, note: string): void {
    const text = this.pendingJournal[stream] + note;
    this.pendingJournal[stream] = '';
    if (text === '') return;
    this.journaledBytes += Buffer.byteLength(text);
    this.deps.journal.record('action.output', this.deps.by, { actionId: this.actionId, stream, text });
  }
}

/** The longest prefix of `text` that fits in `bytes` UTF-8 bytes, never splitting a character. */
function sliceBytes(text: string, bytes: number): string {
  const buffer = Buffer.from(text, 'utf8');
  if (buffer.length <= bytes) return text;
  let end = bytes;
  while (end > 0 && (buffer[end]! & 0xc0) === 0x80) end -= 1;
  return buffer.subarray(0, end).toString('utf8');
}

