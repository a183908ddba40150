/**
 * The JSON shape of `flightdeck parse --json`: the runbook as a tree of
 * phases, sections and nested items, without the rendering blocks.
 */
import type { CodeBlock, RunbookDoc, TaskItem } from '../../shared/runbook-model';

export interface OutlineItem {
  id: string;
  text: string;
  checked: boolean;
  line: number;
  codeBlocks: Array<Pick<CodeBlock, 'lang' | 'line' | 'value'>>;
  children: OutlineItem[];
}

function code(blocks: readonly CodeBlock[]) {
  return blocks.map(({ lang, line, value }) => ({ lang, line, value }));
}

export function toOutline(doc: RunbookDoc) {
  const children = new Map<string, TaskItem[]>();
  for (const item of doc.items) {
    if (item.parentId) {
      const list = children.get(item.parentId) ?? [];
      list.push(item);
      children.set(item.parentId, list);
    }
  }
  const byId = new Map(doc.items.map((item) => [item.id, item]));
  const tree = (item: TaskItem): OutlineItem => ({
    id: item.id,
    text: item.text,
    checked: item.checked,
    line: item.line,
    codeBlocks: code(item.code),
    children: (children.get(item.id) ?? []).map(tree),
  });
  const items = (ids: readonly string[]) => ids.map((id) => tree(byId.get(id)!));
  return {
    title: doc.title,
    source: doc.source,
    phases: doc.phases.map((phase) => ({
      id: phase.id,
      title: phase.title,
      line: phase.line,
      items: items(phase.itemIds),
      codeBlocks: code(phase.code),
      sections: phase.sections.map((section) => ({
        id: section.id,
        title: section.title,
        depth: section.depth,
        line: section.line,
        path: section.path,
        items: items(section.itemIds),
        codeBlocks: code(section.code),
      })),
    })),
    thresholds: doc.thresholds,
    signoffs: doc.signoffs,
    warnings: doc.warnings,
    stats: doc.stats,
  };
}
