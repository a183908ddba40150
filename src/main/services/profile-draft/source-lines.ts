/**
 * The runbook's raw text as logical lines: a command continued with "\" is
 * one line (numbered where it starts), each line knows whether it sits in
 * a code fence and under which heading. Proposals read these, so every
 * proposal can name the line a person sees in their editor.
 */

export interface SourceLine {
  /** 1-based line where the logical line starts. */
  line: number;
  /** Continuations joined, trimmed. */
  text: string;
  inCode: boolean;
  /** Line of the heading whose section holds this line (0: before any heading). */
  headingLine: number;
}

export interface Heading {
  line: number;
  depth: number;
  text: string;
  /** Last line of its section: up to the next heading of its depth or higher. */
  endLine: number;
}

const FENCE = /^\s{0,3}(```|~~~)/;
const HEADING = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

export function sourceLines(text: string): { lines: SourceLine[]; headings: Heading[] } {
  const raw = text.split(/\r?\n/);
  const lines: SourceLine[] = [];
  const headings: Heading[] = [];
  let fence: string | null = null;
  let headingLine = 0;
  for (let i = 0; i < raw.length; i += 1) {
    const start = i;
    const fenceMatch = FENCE.exec(raw[i]!);
    if (fenceMatch) {
      if (fence === null) fence = fenceMatch[1]!;
      else if (fenceMatch[1] === fence) fence = null;
      continue;
    }
    if (fence === null) {
      const heading = HEADING.exec(raw[i]!);
      if (heading) {
        headingLine = i + 1;
        headings.push({ line: i + 1, depth: heading[1]!.length, text: heading[2]!, endLine: raw.length });
        continue;
      }
    }
    let joined = raw[i]!.trim();
    while (/(^|[^\\])\\$/.test(joined) && i + 1 < raw.length && !FENCE.test(raw[i + 1]!)) {
      joined = `${joined.slice(0, -1).trimEnd()} ${raw[++i]!.trim()}`;
    }
    if (joined !== '') lines.push({ line: start + 1, text: joined, inCode: fence !== null, headingLine });
  }
  headings.forEach((h, index) => {
    const next = headings.slice(index + 1).find((other) => other.depth <= h.depth);
    if (next) h.endLine = next.line - 1;
  });
  return { lines, headings };
}

/** Headings of a rollback procedure; not its triggers, criteria or checks, which say when, not how. */
const ROLLBACK_HEADING = /\broll[\s-]?back\b|\brevert\b|\bretour\s+arri[eè]re\b|\bzur[uü]ckrollen\b|\brevertir\b|\bоткат|回滚/i;
const NOT_PROCEDURE = /\btriggers?\b|\bcriteria\b|\bconditions?\b|\bwhen\s+to\b|\bdecision\b|\bvalidation\b|\bverif|\bsuccess\b|\btest(?:ing)?\b|\breadiness\b|\bprepar|\bpost[\s-]/i;

export function isRollbackHeading(text: string): boolean {
  return ROLLBACK_HEADING.test(text) && !NOT_PROCEDURE.test(text);
}

/** The rollback procedure sections: their heading, and whether a line falls inside one. */
export function rollbackSections(headings: readonly Heading[]): Heading[] {
  const sections = headings.filter((h) => isRollbackHeading(h.text));
  // A rollback section inside another adds nothing: keep the outermost.
  return sections.filter((h) => !sections.some((outer) => outer !== h && outer.line < h.line && outer.endLine >= h.endLine));
}

export function withinAny(line: number, sections: readonly Heading[]): Heading | null {
  return sections.find((s) => line > s.line && line <= s.endLine) ?? null;
}
