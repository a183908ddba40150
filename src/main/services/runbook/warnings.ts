/**
 * Collects what the parser wants the user to see without refusing the file.
 * One warning per code and line, and a bounded number per code, so a file of
 * ten thousand HTML tags yields a readable list rather than a flood.
 */
import type { RunbookWarning } from '../../../shared/runbook-model';

type Code = RunbookWarning['code'];
const MAX_PER_CODE = 20;

export class WarningSink {
  private readonly list: RunbookWarning[] = [];
  private readonly seen = new Set<string>();
  private readonly counts = new Map<Code, number>();

  add(code: Code, line: number | null, message: string): void {
    const key = `${code}:${line ?? ''}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const count = (this.counts.get(code) ?? 0) + 1;
    this.counts.set(code, count);
    if (count <= MAX_PER_CODE) this.list.push({ code, line, message });
  }

  result(): RunbookWarning[] {
    const out = [...this.list];
    for (const [code, count] of this.counts) {
      if (count > MAX_PER_CODE) out.push({ code, line: null, message: `…and ${count - MAX_PER_CODE} more lines with the same warning.` });
    }
    return out.sort((a, b) => (a.line ?? Infinity) - (b.line ?? Infinity));
  }
}
