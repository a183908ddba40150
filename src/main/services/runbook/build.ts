/**
 * Builds the runbook model from the mdast tree: the title (first level-1
 * heading), phases (see phase-outline.ts: the level-2 headings, or the
 * level-1 headings where the document is built of them; never an empty
 * heading), sections (deeper headings), task items with their nesting and
 * stable ids, code blocks attached to the item or section they belong to,
 * tables, sign-offs and thresholds.
 */
import type { Blockquote, Code, Heading, List, ListItem, Paragraph, Root, RootContent, Table } from 'mdast';
import type { Block, CodeBlock, ListEntry, Phase, RunbookDoc, RunbookSource, Section, SignOff, TaskItem, Threshold } from '../../../shared/runbook-model';
import { IdAllocator, slug } from './ids';
import { readOutline, type PhaseOutline } from './phase-outline';
import { InlineConverter, plainText } from './inline';
import { fileTitle } from './markdown-files';
import { signOffRole, signOffRoleColumn } from './signoffs';
import { bandsFromLeads, extractThresholds, reviewUnqualifiedLatency } from './thresholds';
import { tableRowThresholds } from './threshold-tables';
import { WarningSink } from './warnings';

/** Where converted blocks go and what items found there belong to. */
interface Context {
  phase: Phase;
  section: Section | null;
  /** Heading titles from the phase down. */
  path: string[];
  /** Texts of the task items above, for ids. */
  parents: string[];
  parentItem: TaskItem | null;
  /** Code found here attaches to this item (null: to the section or phase). */
  codeOwner: TaskItem | null;
}

/** Offset of the character between `[` and `]` of a task item, or -1. */
const TASK_MARKER = /(?:[-*+]|\d{1,9}[.)])[ \t]+\[([ xX])\]/y;
export function tickOffsetOf(text: string, itemStart: number): number {
  TASK_MARKER.lastIndex = itemStart;
  const m = TASK_MARKER.exec(text);
  return m ? itemStart + m[0].length - 2 : -1;
}

function lineOf(node: { position?: { start: { line: number } } | undefined }): number {
  return node.position?.start.line ?? 0;
}

export class RunbookBuilder {
  private readonly warnings = new WarningSink();
  private readonly inline = new InlineConverter(this.warnings);
  private readonly ids = new IdAllocator();
  private readonly items: TaskItem[] = [];
  private readonly thresholds: Threshold[] = [];
  /** Headings and paragraphs, which may name the band of the list after them ("### Immediate Rollback Triggers (P1)"). */
  private readonly leads: Array<{ line: number; text: string }> = [];
  /** The text of the list entry being read inside, for thresholds of its nested entries. */
  private listLead: string | null = null;
  private readonly signoffs: SignOff[] = [];
  private readonly phases: Phase[] = [];
  private readonly preamble: Block[] = [];
  private frontMatter: { text: string; line: number } | null = null;
  private title: string | null = null;
  private codeBlocks = 0;
  private tables = 0;
  private current: Context | null = null;
  /** Open section headings of the current phase, outermost first. */
  private sectionStack: Array<{ depth: number; title: string }> = [];
  /** Which top-level headings are phases; read from the whole tree before building. */
  private outline: PhaseOutline = { phaseDepth: 2, phases: new Set() };

  constructor(
    private readonly text: string,
    private readonly source: RunbookSource,
  ) {}

  build(tree: Root): RunbookDoc {
    this.outline = readOutline(tree.children);
    for (const node of tree.children) this.top(node);
    reviewUnqualifiedLatency(this.thresholds, tree.children.filter((n) => n.type === 'heading').map((n) => lineOf(n)));
    bandsFromLeads(this.thresholds, this.leads);
    const sections = this.phases.reduce((n, p) => n + p.sections.length, 0);
    return {
      title: this.title ?? fileTitle(this.source.name),
      source: this.source,
      preamble: this.preamble,
      phases: this.phases,
      items: this.items,
      thresholds: this.thresholds,
      signoffs: this.signoffs,
      warnings: this.warnings.result(),
      frontMatter: this.frontMatter,
      stats: {
        phases: this.phases.length,
        sections,
        items: this.items.length,
        checked: this.items.filter((i) => i.checked).length,
        codeBlocks: this.codeBlocks,
        thresholds: this.thresholds.length,
        tables: this.tables,
        signoffs: this.signoffs.length,
      },
    };
  }

  private top(node: RootContent): void {
    if (node.type === 'heading') {
      this.heading(node);
      return;
    }
    if (node.type === 'yaml') {
      // The text starts on the line after the opening `---`.
      if (!this.frontMatter) this.frontMatter = { text: node.value, line: lineOf(node) + 1 };
      return;
    }
    if (node.type === 'definition') return;
    if (!this.current && node.type === 'list' && containsTask(node)) this.startPhase(this.title ?? fileTitle(this.source.name), lineOf(node));
    const ctx = this.current;
    const block = this.block(node, ctx);
    if (!block) return;
    if (!ctx) this.preamble.push(block);
    else (ctx.section ?? ctx.phase).blocks.push(block);
  }

  private heading(node: Heading): void {
    const inline = this.inline.convert(node.children);
    const title = plainText(inline).replace(/\s+/g, ' ').trim();
    const line = lineOf(node);
    this.scanThresholds(title, line, null);
    this.leads.push({ line, text: title });
    if (node.depth === 1 && this.title === null) {
      this.title = title;
      return;
    }
    if (this.outline.phases.has(node)) {
      this.startPhase(title, line);
      return;
    }
    // An empty heading at phase level, or one above the phases that is not a phase (a subtitle): kept as text where it stands.
    if (node.depth <= this.outline.phaseDepth) {
      const block: Block = { kind: 'heading', line, depth: node.depth, inline };
      if (this.current) (this.current.section ?? this.current.phase).blocks.push(block);
      else this.preamble.push(block);
      return;
    }
    if (!this.current) this.startPhase(this.title ?? fileTitle(this.source.name), line);
    const ctx = this.current!;
    while (this.sectionStack.length > 0 && this.sectionStack[this.sectionStack.length - 1]!.depth >= node.depth) this.sectionStack.pop();
    const path = [ctx.phase.title, ...this.sectionStack.map((s) => s.title)];
    const section: Section = {
      id: this.ids.allocate('section', path, title),
      title,
      depth: node.depth,
      line,
      path: [...path, title],
      blocks: [],
      itemIds: [],
      code: [],
    };
    this.sectionStack.push({ depth: node.depth, title });
    ctx.phase.sections.push(section);
    this.current = { ...ctx, section, path: section.path, parents: [], parentItem: null, codeOwner: null };
  }

  private startPhase(title: string, line: number): void {
    const phase: Phase = { id: this.ids.allocate('phase', [], title), title, line, blocks: [], itemIds: [], code: [], sections: [] };
    this.phases.push(phase);
    this.sectionStack = [];
    this.current = { phase, section: null, path: [title], parents: [], parentItem: null, codeOwner: null };
  }

  private block(node: RootContent, ctx: Context | null): Block | null {
    switch (node.type) {
      case 'paragraph':
        return this.paragraph(node, ctx);
      case 'heading': {
        const inline = this.inline.convert(node.children);
        this.scanThresholds(plainText(inline), lineOf(node), ctx?.parentItem?.id ?? null);
        this.leads.push({ line: lineOf(node), text: plainText(inline) });
        return { kind: 'heading', line: lineOf(node), depth: node.depth, inline };
      }
      case 'list':
        return this.list(node, ctx);
      case 'code':
        return this.code(node, ctx);
      case 'table':
        return this.table(node, ctx);
      case 'blockquote':
        return this.quote(node, ctx);
      case 'thematicBreak':
        return { kind: 'rule', line: lineOf(node) };
      case 'html':
        this.warnings.add('html', lineOf(node), 'Raw HTML is shown as text; it never runs.');
        return { kind: 'html', line: lineOf(node), value: node.value };
      case 'footnoteDefinition':
        return { kind: 'quote', line: lineOf(node), blocks: this.blocks(node.children, ctx) };
      default:
        return null;
    }
  }

  private blocks(nodes: readonly RootContent[], ctx: Context | null): Block[] {
    const out: Block[] = [];
    for (const node of nodes) {
      const block = this.block(node, ctx);
      if (block) out.push(block);
    }
    return out;
  }

  private paragraph(node: Paragraph, ctx: Context | null): Block {
    const inline = this.inline.convert(node.children);
    const text = plainText(inline);
    const line = lineOf(node);
    this.scanThresholds(text, line, ctx?.parentItem?.id ?? null);
    this.leads.push({ line, text });
    if (ctx) this.scanSignOffLines(text, line, ctx, null);
    return { kind: 'paragraph', line, inline };
  }

  private list(node: List, ctx: Context | null): Block {
    const entries: ListEntry[] = node.children.map((item) => this.listEntry(item, ctx));
    return { kind: 'list', line: lineOf(node), ordered: node.ordered === true, start: node.start ?? null, entries };
  }

  private listEntry(item: ListItem, ctx: Context | null): ListEntry {
    const [first, ...rest] = item.children;
    const lead = first?.type === 'paragraph' ? first : null;
    const inline = lead ? this.inline.convert(lead.children) : [];
    const remaining = lead ? rest : item.children;
    const line = lineOf(item);
    const text = plainText(inline);

    if (typeof item.checked !== 'boolean' || !ctx) {
      this.scanThresholds(text, line, ctx?.parentItem?.id ?? null, this.listLead);
      if (ctx) this.scanSignOffLines(text, line, ctx, null);
      return { itemId: null, line, inline, blocks: this.under(text, () => this.blocks(remaining, ctx)) };
    }

    const display = text.replace(/\s+/g, ' ').trim();
    const task: TaskItem = {
      id: this.ids.allocate('item', [...ctx.path, ...ctx.parents], display, () =>
        this.warnings.add('duplicate-item', line, `"${display.slice(0, 60)}" appears twice under the same heading; the second is told apart by its position.`),
      ),
      text: display,
      inline,
      checked: item.checked,
      line,
      tickOffset: tickOffsetOf(this.text, item.position?.start.offset ?? -1),
      phaseId: ctx.phase.id,
      sectionId: ctx.section?.id ?? null,
      parentId: ctx.parentItem?.id ?? null,
      depth: ctx.parents.length,
      code: [],
    };
    this.items.push(task);
    if (!ctx.parentItem) (ctx.section ?? ctx.phase).itemIds.push(task.id);
    this.scanThresholds(text, line, task.id, this.listLead);
    this.scanSignOffLines(display, line, ctx, task.id);
    const inner: Context = { ...ctx, parents: [...ctx.parents, display], parentItem: task, codeOwner: task };
    return { itemId: task.id, line, inline, blocks: this.under(text, () => this.blocks(remaining, inner)) };
  }

  private code(node: Code, ctx: Context | null): Block {
    this.codeBlocks++;
    const line = lineOf(node);
    const value = this.inline.fix(node.value, line);
    const owner = ctx?.codeOwner ?? null;
    const code: CodeBlock = { lang: node.lang ?? null, value, line, endLine: node.position?.end.line ?? line, itemId: owner?.id ?? null };
    if (owner) owner.code.push(code);
    else if (ctx) (ctx.section ?? ctx.phase).code.push(code);
    return { kind: 'code', line, lang: code.lang, value, itemId: code.itemId };
  }

  private table(node: Table, ctx: Context | null): Block {
    this.tables++;
    const [head, ...body] = node.children;
    const header = (head?.children ?? []).map((cell) => this.inline.convert(cell.children));
    const rows = body.map((row) => row.children.map((cell) => this.inline.convert(cell.children)));
    const headerText = header.map((cell) => plainText(cell));
    const roleColumn = signOffRoleColumn(headerText);
    body.forEach((row, index) => {
      const cells = rows[index]!.map((cell) => plainText(cell).trim());
      const line = lineOf(row);
      for (const t of tableRowThresholds(headerText, cells, line, ctx?.parentItem?.id ?? null)) this.thresholds.push(t);
      const role = roleColumn >= 0 ? cells[roleColumn] : undefined;
      if (role && ctx) this.addSignOff(role, line, 'table', null, ctx);
    });
    return { kind: 'table', line: lineOf(node), header, rows, signoff: roleColumn >= 0 };
  }

  private quote(node: Blockquote, ctx: Context | null): Block {
    return { kind: 'quote', line: lineOf(node), blocks: this.blocks(node.children, ctx) };
  }

  private scanThresholds(text: string, line: number, itemId: string | null, lead: string | null = null): void {
    if (text.length === 0) return;
    for (const t of extractThresholds({ text, line, itemId, lead })) this.thresholds.push(t);
  }

  /** Reads nested list entries with their parent's text as lead ("Error Rate" above "- Warning: 0.5%"). */
  private under<T>(lead: string, read: () => T): T {
    const saved = this.listLead;
    this.listLead = lead;
    try {
      return read();
    } finally {
      this.listLead = saved;
    }
  }

  private scanSignOffLines(text: string, line: number, ctx: Context, itemId: string | null): void {
    text.split('\n').forEach((part, offset) => {
      const role = signOffRole(part);
      if (role) this.addSignOff(role, line + offset, 'line', itemId, ctx);
    });
  }

  private addSignOff(role: string, line: number, source: SignOff['source'], itemId: string | null, ctx: Context): void {
    const base = `signoff-${slug(role) || 'role'}`;
    const taken = this.signoffs.filter((s) => s.id === base || s.id.startsWith(`${base}-`)).length;
    this.signoffs.push({ id: taken === 0 ? base : `${base}-${taken + 1}`, role, line, source, itemId, phaseId: ctx.phase.id });
  }
}

function containsTask(list: List): boolean {
  return list.children.some(
    (item) => typeof item.checked === 'boolean' || item.children.some((child) => child.type === 'list' && containsTask(child)),
  );
}
