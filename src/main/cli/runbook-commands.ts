/**
 * `flightdeck parse FILE [--json]`: what Flightdeck reads in a runbook.
 */
import type { RunbookDoc } from '../../shared/runbook-model';
import type { RunbookLoader } from '../services/runbook/runbook-loader';
import { json, type Io } from './io';
import { toOutline } from './outline';

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export function summarise(doc: RunbookDoc): string {
  const s = doc.stats;
  const lines = [
    doc.title,
    `  ${doc.source.name}: ${doc.source.bytes.toLocaleString('en-US')} bytes, ${doc.source.lines.toLocaleString('en-US')} lines, sha256 ${doc.source.sha256.slice(0, 16)}…`,
    `  ${plural(s.phases, 'phase')}, ${plural(s.sections, 'section')}, ${plural(s.items, 'item')} (${s.checked} checked), ${plural(s.codeBlocks, 'code block')}, ${plural(s.tables, 'table')}, ${plural(s.thresholds, 'threshold')}, ${plural(s.signoffs, 'sign-off')}`,
    '',
    'Phases',
  ];
  doc.phases.forEach((phase, index) => {
    const items = doc.items.filter((item) => item.phaseId === phase.id);
    lines.push(`  ${index + 1}. ${phase.title} (line ${phase.line}): ${plural(items.length, 'item')}, ${items.filter((i) => i.checked).length} checked`);
  });
  if (doc.thresholds.length > 0) {
    lines.push('', 'Thresholds');
    for (const t of doc.thresholds) {
      const duration = t.forSeconds ? ` for ${t.forSeconds} s` : '';
      const band = t.severity ? ` [${t.severity}]` : '';
      const review = t.confidence === 'review' ? ' (needs review)' : '';
      lines.push(`  line ${t.line}: ${t.metric} ${t.op} ${t.value} ${t.unit}${duration}${band}${review}  "${t.text}"`);
    }
  }
  if (doc.signoffs.length > 0) {
    lines.push('', 'Sign-offs');
    for (const s of doc.signoffs) lines.push(`  line ${s.line}: ${s.role} (${s.source})`);
  }
  if (doc.warnings.length > 0) {
    lines.push('', 'Warnings');
    for (const w of doc.warnings) lines.push(`  ${w.line === null ? '' : `line ${w.line}: `}${w.message}`);
  }
  return lines.join('\n');
}

export async function parseCommand(loader: RunbookLoader, file: string, asJson: boolean, io: Io): Promise<void> {
  const { doc } = await loader.loadFile(file, 'file', file);
  io.out(asJson ? json(toOutline(doc)) : summarise(doc));
}
