/**
 * Parses a long runbook phase by phase and joins the trees.
 *
 * Why: micromark's event editing (micromark-util-edit-map) copies the whole
 * event list once per list it resolves, so parse time grows with the square
 * of the document: the shared rollout checklist repeated twenty times takes
 * 2.8 s where ten times take 0.8 s. Cutting the text at top-level headings
 * makes that square per phase, so parse time becomes linear in the size of
 * the file.
 *
 * A cut is made only where the tree cannot tell: before a level-1 or -2 ATX
 * heading in column 0 that follows a blank line, outside fenced code and
 * multi-line HTML. A heading in column 0 always closes open lists and
 * quotes, and the blank line closes paragraphs, tables and HTML blocks.
 * Link reference definitions reach across the whole document, so a file
 * that has any is parsed in one piece. Positions in each piece are shifted
 * back to the file's lines and offsets; a test checks that the joined tree
 * equals the whole-document tree on real runbooks.
 */
import type { Nodes, Root } from 'mdast';
import { FenceTracker } from './fences';
import { countLineBreaks } from './source-text';

/** Pieces smaller than this are not worth a separate parse. */
const MIN_CHUNK_CHARS = 2 * 1024;

const CUT_HEADING = /^#{1,2}(?:[ \t]|$)/;
const DEFINITION = /^ {0,3}\[(?:[^\]\\\n]|\\.)+\]:/m;
const HTML_OPENERS: ReadonlyArray<[RegExp, RegExp]> = [
  [/^ {0,3}<(?:script|pre|style|textarea)(?:\s|>|$)/i, /<\/(?:script|pre|style|textarea)>/i],
  [/^ {0,3}<!--/, /-->/],
  [/^ {0,3}<\?/, /\?>/],
  [/^ {0,3}<![A-Za-z]/, />/],
  [/^ {0,3}<!\[CDATA\[/, /\]\]>/],
];

/** Offsets (line starts) where the text can be cut into independent pieces. */
export function cutPoints(text: string): number[] {
  if (text.length < MIN_CHUNK_CHARS * 2 || DEFINITION.test(text)) return [];
  const cuts: number[] = [];
  const fences = new FenceTracker();
  let htmlEnd: RegExp | null = null;
  let previousBlank = true;
  let lastCut = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end);
    if (htmlEnd !== null) {
      if (htmlEnd.test(line)) htmlEnd = null;
    } else if (!fences.inCode(line)) {
      const opener = HTML_OPENERS.find(([open]) => open.test(line));
      if (opener && !opener[1].test(line.slice(line.indexOf('<') + 2))) htmlEnd = opener[1];
      else if (previousBlank && CUT_HEADING.test(line) && start - lastCut >= MIN_CHUNK_CHARS) {
        cuts.push(start);
        lastCut = start;
      }
    }
    previousBlank = line.trim() === '';
    start = end + 1;
  }
  return cuts;
}

/** Moves every position in the tree down by `lines` lines and `offset` characters. */
function shiftPositions(root: Root, lines: number, offset: number): void {
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const position = node.position;
    if (position) {
      position.start.line += lines;
      position.end.line += lines;
      if (position.start.offset !== undefined) position.start.offset += offset;
      if (position.end.offset !== undefined) position.end.offset += offset;
    }
    if ('children' in node) for (const child of node.children) stack.push(child);
  }
}

export function parseInChunks(text: string, parse: (text: string) => Root): Root {
  const cuts = cutPoints(text);
  if (cuts.length === 0) return parse(text);
  const bounds = [0, ...cuts, text.length];
  const root: Root = { type: 'root', children: [] };
  let line = 0;
  for (let i = 0; i < bounds.length - 1; i++) {
    const from = bounds[i]!;
    const to = bounds[i + 1]!;
    const piece = parse(text.slice(from, to));
    shiftPositions(piece, line, from);
    root.children.push(...piece.children);
    line += countLineBreaks(text, from, to);
  }
  const lastBreak = text.lastIndexOf('\n');
  root.position = {
    start: { line: 1, column: 1, offset: 0 },
    end: { line: line + 1, column: text.length - lastBreak, offset: text.length },
  };
  return root;
}
