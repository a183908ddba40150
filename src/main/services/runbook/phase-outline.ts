/**
 * Which headings are a runbook's phases, read from the document's own
 * outline before the model is built:
 *
 * - The first level-1 heading is the title. With that one title (or
 *   subtitles under it), the phases are the level-2 headings.
 * - Where the document is built of several level-1 headings, each with
 *   content of its own and level-2 subsections, the level-1 headings are
 *   the phases and the level-2 headings their sections.
 * - A heading with nothing under it before the next heading of its level or
 *   higher is never a phase (a subtitle, a "Version: 1.0" line written as a
 *   heading): it stays in the text as a heading.
 *
 * In level-2 mode, a further level-1 heading with text of its own directly
 * under it (an appendix after the phases) is still a phase, so its text
 * never lands in the phase before it; one holding only level-2 headings is
 * a subtitle.
 */
import type { Heading, RootContent } from 'mdast';

export interface PhaseOutline {
  /** 1 where the level-1 headings are the phases, else 2. */
  phaseDepth: 1 | 2;
  /** The heading nodes that start a phase. */
  phases: ReadonlySet<Heading>;
}

interface Under {
  /** Anything at all (text or deeper headings) before the next heading of its level or higher. */
  anything: boolean;
  /** Text (not a heading) before the first deeper heading. */
  ownText: boolean;
  /** A level-2 heading under it. */
  level2: boolean;
}

/** What sits under the heading at `index`, up to the next heading of its level or higher. */
function under(nodes: readonly RootContent[], index: number, depth: number): Under {
  const result: Under = { anything: false, ownText: false, level2: false };
  let deeper = false;
  for (let i = index + 1; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.type === 'heading') {
      if (node.depth <= depth) break;
      deeper = true;
      if (node.depth === 2) result.level2 = true;
    } else if (node.type === 'definition') {
      continue; // a link definition is not content a reader sees
    } else if (!deeper) {
      result.ownText = true;
    }
    result.anything = true;
  }
  return result;
}

export function readOutline(nodes: readonly RootContent[]): PhaseOutline {
  const headings: Array<{ node: Heading; under: Under }> = [];
  nodes.forEach((node, index) => {
    if (node.type === 'heading' && node.depth <= 2) headings.push({ node, under: under(nodes, index, node.depth) });
  });
  const title = headings.find((h) => h.node.depth === 1);
  const bodyH1s = headings.filter((h) => h.node.depth === 1 && h !== title && h.under.anything);
  const phaseDepth = bodyH1s.length >= 2 && bodyH1s.some((h) => h.under.level2) ? 1 : 2;
  const phases = new Set<Heading>();
  for (const h of headings) {
    if (h === title || !h.under.anything) continue;
    if (h.node.depth === phaseDepth || (phaseDepth === 2 && h.under.ownText)) phases.add(h.node);
  }
  return { phaseDepth, phases };
}
