/**
 * Rollback plans from the runbook's rollback section: the flag to 0, the
 * undo command (`kubectl rollout undo`, then its `status` to verify), and a
 * wait until the health probes are up. Steps name other proposals by
 * reference, resolved when the profile is built: a step whose flag, probe
 * or command the person ignored is left out (fill.ts).
 */
import type { DraftProposal } from '../../../shared/profile-draft';
import type { RolloutCommand } from './command-proposals';
import { proposal } from './proposal';
import { rollbackSections, withinAny, type Heading, type SourceLine } from './source-lines';

/** Stands for the accepted flag proposal's name. */
export const FLAG_REF = '@flag';
/** Stands for the accepted HTTP health probes. */
export const HEALTH_REF = '@health';

const FLAG_WORDS = /\bflags?\b|\bfeature\b|\btoggle|\bconfig:set\b|\benv\s+set\b|\bvariables\s+--set\b|PERCENT/i;
const STEP_DOWN = /\b(?:previous|last)\s+stable\s+(?:percentage|step|flag)|\breduce\s+(?:the\s+)?rollout\s+percentage|\bstep\s+the\s+flag\s+down\b/i;

export function rollbackProposals(
  lines: readonly SourceLine[],
  headings: readonly Heading[],
  commands: readonly RolloutCommand[],
  hasFlag: boolean,
  hasHealth: boolean,
): DraftProposal[] {
  const sections = rollbackSections(headings);
  const inRollback = (line: number) => withinAny(line, sections) !== null;
  const undo = commands.filter((c) => c.verb === 'undo' && (sections.length === 0 || c.proposal.lines.some(inRollback)));
  if (sections.length === 0 && undo.length === 0) return [];
  const section = sections[0] ?? null;
  const steps: object[] = [];
  const used: number[] = section ? [section.line] : [];
  const flagLines = lines.filter((l) => inRollback(l.line) && FLAG_WORDS.test(l.text)).map((l) => l.line);
  if (hasFlag) {
    steps.push({ flag: FLAG_REF, set: 0 });
    used.push(...flagLines.slice(0, 1));
  }
  const lineOf = (command: RolloutCommand) => command.proposal.lines.find(inRollback) ?? command.proposal.line;
  for (const command of undo) {
    steps.push({ command: command.proposal.entry.name, idempotent: true });
    used.push(lineOf(command));
  }
  // The runbook's own verification: kubectl rollout status of what it undid.
  for (const command of commands.filter((c) => c.verb === 'status' && c.proposal.lines.some(inRollback))) {
    steps.push({ command: command.proposal.entry.name, idempotent: true });
    used.push(lineOf(command));
  }
  if (hasHealth) steps.push({ waitForHealth: [HEALTH_REF], timeoutSeconds: 60 });
  const proposals: DraftProposal[] = [];
  if (steps.length > 0) {
    proposals.push(
      proposal({
        kind: 'rollback',
        name: 'P0',
        title: 'Rollback plan P0: the big button',
        lines: used.length > 0 ? used : [undo[0]!.proposal.line],
        source: section ? section.text : undo[0]!.proposal.source,
        entry: { name: 'P0', severity: 'P0', description: section ? `From the runbook: ${section.text}`.slice(0, 500) : 'Undo the rollout.', steps },
      }),
    );
  }
  const stepDown = lines.find((l) => inRollback(l.line) && STEP_DOWN.test(l.text));
  if (hasFlag && stepDown) {
    proposals.push(
      proposal({
        kind: 'rollback',
        name: 'P1',
        title: 'Rollback plan P1: the flag back to its last stable step',
        lines: [stepDown.line],
        source: stepDown.text,
        entry: { name: 'P1', severity: 'P1', description: 'Drop the flag to the last stable step.', steps: [{ flag: FLAG_REF, lastStableStep: true }] },
      }),
    );
  }
  return proposals;
}
