/**
 * The profile draft of a runbook: every proposal the runbook's own words
 * support, each with the line it came from. Pure: parsed runbook and raw
 * text in, draft out; the CLI and the app's form both call this.
 */
import type { ProfileDraft } from '../../../shared/profile-draft';
import type { RunbookDoc } from '../../../shared/runbook-model';
import { backupProposals } from './backup-proposals';
import { commandProposals } from './command-proposals';
import { flagProposals } from './flag-proposals';
import { FieldRegistry } from './placeholders';
import { probeProposals } from './probe-proposals';
import { rollbackProposals } from './rollback-proposals';
import { sourceLines } from './source-lines';
import { triggerProposals } from './trigger-proposals';

export function draftProfile(doc: RunbookDoc, text: string): ProfileDraft {
  const { lines, headings } = sourceLines(text);
  // Heading titles as the parser repaired them (mojibake), where it has them.
  const titles = new Map<number, string>();
  for (const phase of doc.phases) {
    titles.set(phase.line, phase.title);
    for (const section of phase.sections) titles.set(section.line, section.title);
  }
  for (const heading of headings) heading.text = titles.get(heading.line) ?? heading.text;
  const registry = new FieldRegistry();
  const probes = probeProposals(lines, registry, new Set());
  const flags = flagProposals(lines, registry);
  const backups = backupProposals(lines, registry, new Set());
  const commands = commandProposals(lines, registry, new Set());
  const hasHealth = probes.some((p) => p.entry.kind === 'http');
  const rollback = rollbackProposals(lines, headings, commands, flags.length > 0, hasHealth);
  const triggers = triggerProposals(doc);
  const proposals = [...probes, ...flags, ...backups, ...commands.map((c) => c.proposal), ...rollback, ...triggers];
  // Only the placeholders some proposal needs (a status page's host is no target).
  const used = new Set(proposals.flatMap((p) => p.fields));
  return { runbook: doc.source.name, fields: registry.all().filter((f) => used.has(f.key)), proposals };
}
