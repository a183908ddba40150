/**
 * Refuses, before parsing, the shapes of markdown that make the parser slow
 * or blow its stack: nesting thousands of levels deep, and lines or
 * paragraphs packed with emphasis and bracket delimiters (micromark's
 * delimiter matching grows with the square of their number: 10,000 of them
 * in one paragraph take seconds). A real checklist is nowhere near these
 * limits; a file that is gets a message naming the line instead of a hang.
 *
 * Lines inside fenced code blocks are exempt: code is never inline-parsed.
 */
import { FlightdeckError } from '../../../shared/errors';
import { FenceTracker } from './fences';

export const GUARD_LIMITS = {
  /** Blockquote and list markers opening one line ("> > - - ..."). */
  containerMarkers: 32,
  /** Leading indentation in columns, which is how lists nest. */
  indentColumns: 160,
  /** Characters on one line outside code. */
  lineChars: 5_000,
  /** Emphasis, bracket and code delimiters in one paragraph. */
  paragraphDelimiters: 2_000,
  /**
   * Sum over paragraphs of (delimiters in the paragraph)^2: the parser's
   * cost grows with that square, so many paragraphs each just under the
   * limit above are refused too. A real runbook of 20,000 items with a
   * dozen delimiters each totals about 3 million.
   */
  documentDelimiterWork: 40_000_000,
} as const;

const BLOCK_START = /^ {0,3}(?:[-*+] |\d{1,9}[.)] |#{1,6}(?: |$)|>|\||`{3,}|~{3,})/;
const CONTAINER_MARKER = /^[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))/;
const DELIMITERS = /[*_[\]`<~!()]/g;

function indentColumns(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === ' ') col++;
    else if (ch === '\t') col += 4 - (col % 4);
    else break;
  }
  return col;
}

function containerDepth(line: string): number {
  let depth = 0;
  let rest = line;
  for (let m = CONTAINER_MARKER.exec(rest); m; m = CONTAINER_MARKER.exec(rest)) {
    depth++;
    if (depth > GUARD_LIMITS.containerMarkers) break;
    rest = rest.slice(m[0].length);
  }
  return depth;
}

function refuse(file: string, line: number, message: string): never {
  throw new FlightdeckError('too-complex', `${message} Flightdeck refuses such input so that opening it cannot hang.`, { file, line });
}

export function guardMarkdown(text: string, file: string): void {
  const fences = new FenceTracker();
  let paragraphStart = 0; // 0: the next non-blank line starts a paragraph
  let paragraphDelimiters = 0;
  let work = 0; // sum of squares of the finished paragraphs' delimiter counts
  const finishParagraph = (lineNo: number) => {
    work += paragraphDelimiters * paragraphDelimiters;
    paragraphDelimiters = 0;
    if (work > GUARD_LIMITS.documentDelimiterWork) {
      refuse(file, lineNo, `By line ${lineNo} the file holds so many emphasis, link and code delimiters per paragraph that parsing it would take too long.`);
    }
  };
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const lineNo = index + 1;

    if (fences.inCode(line)) {
      finishParagraph(lineNo);
      paragraphStart = 0;
      continue;
    }

    if (line.length > GUARD_LIMITS.lineChars) {
      refuse(file, lineNo, `Line ${lineNo} is ${line.length.toLocaleString('en-US')} characters long; lines outside code blocks may have up to ${GUARD_LIMITS.lineChars.toLocaleString('en-US')}.`);
    }
    if (line.trim() === '') {
      finishParagraph(lineNo);
      paragraphStart = 0;
      continue;
    }
    const indent = indentColumns(line);
    if (indent > GUARD_LIMITS.indentColumns) {
      refuse(file, lineNo, `Line ${lineNo} is indented ${indent} columns, nesting deeper than the ${GUARD_LIMITS.indentColumns} columns Flightdeck reads.`);
    }
    if (containerDepth(line) > GUARD_LIMITS.containerMarkers) {
      refuse(file, lineNo, `Line ${lineNo} opens more than ${GUARD_LIMITS.containerMarkers} nested quotes or lists.`);
    }

    if (paragraphStart === 0 || BLOCK_START.test(line)) {
      finishParagraph(lineNo);
      paragraphStart = lineNo;
    }
    const delimiters = line.match(DELIMITERS);
    if (delimiters) {
      paragraphDelimiters += delimiters.length;
      if (paragraphDelimiters > GUARD_LIMITS.paragraphDelimiters) {
        refuse(file, paragraphStart, `The paragraph at line ${paragraphStart} has more than ${GUARD_LIMITS.paragraphDelimiters.toLocaleString('en-US')} emphasis, link or code delimiters.`);
      }
    }
  }
  finishParagraph(lines.length);
}
