/**
 * Follows fenced code blocks line by line, for the scans that run before
 * the parser (the guard and the cut points of chunked parsing). It counts
 * a fence at any indentation, which can only make those scans more careful:
 * code is never inline-parsed and never cut.
 */
const FENCE = /^ *(`{3,}|~{3,})/;

export class FenceTracker {
  private open: string | null = null;

  /** Feeds the next line; true when it opens, closes or sits inside a fence. */
  inCode(line: string): boolean {
    const match = FENCE.exec(line);
    if (this.open !== null) {
      const fence = match?.[1];
      if (fence && fence[0] === this.open[0] && fence.length >= this.open.length && line.trim() === fence) this.open = null;
      return true;
    }
    if (match) {
      this.open = match[1]!;
      return true;
    }
    return false;
  }
}
