/**
 * Markdown text in, runbook model out: the guard, then unified with
 * remark-parse, remark-gfm (task lists, tables, strikethrough, autolinks)
 * and remark-frontmatter (a deployment profile may sit at the top of the
 * file), then the builder. Pure and synchronous; the worker in
 * parse-worker.ts runs it off the main thread with a deadline.
 */
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { RunbookDoc, RunbookSource } from '../../../shared/runbook-model';
import type { Root } from 'mdast';
import { RunbookBuilder } from './build';
import { parseInChunks } from './chunked-parse';
import { guardMarkdown } from './guard';

const processor = unified().use(remarkParse).use(remarkGfm).use(remarkFrontmatter, ['yaml']);

/** The mdast tree of a whole document, in one piece. */
export function parseWhole(text: string): Root {
  return processor.parse(text);
}

/** The same tree, parsed phase by phase when the file is long (see chunked-parse.ts). */
export function parseMarkdownTree(text: string): Root {
  return parseInChunks(text, parseWhole);
}

export function parseRunbook(text: string, source: RunbookSource): RunbookDoc {
  guardMarkdown(text, source.name);
  const tree = parseMarkdownTree(text);
  return new RunbookBuilder(text, source).build(tree);
}
