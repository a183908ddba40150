/**
 * Triggers from the runbook's rollback conditions, as the gate extractor
 * reads them (the one reading of thresholds): each becomes a `gates.triggers`
 * entry that names the runbook's sentence and states the condition it arms,
 * so the person sees, and may change, exactly what would fire.
 */
import type { DraftProposal } from '../../../shared/profile-draft';
import type { RunbookDoc } from '../../../shared/runbook-model';
import { formatSeconds, formatValue } from '../../../shared/format';
import { extractGatePlan } from '../gates/extract-plan';
import { DEFAULT_GATES_CONFIG } from '../profile/gates-schema';
import { proposal } from './proposal';

export function triggerProposals(doc: RunbookDoc): DraftProposal[] {
  const triggers = extractGatePlan(doc).triggers.filter((t) => t.line !== null);
  return triggers.map((t) => {
    // Several triggers read from one sentence ("yellow 0.5-1%, red > 1%") are told apart by id.
    const shared = triggers.filter((other) => other.text === t.text).length > 1;
    const entry: Record<string, unknown> = { match: shared ? t.id : t.text.slice(0, 300), metric: t.condition.metric, op: t.condition.op, value: t.condition.value, severity: t.severity };
    // A duration the runbook states; without one the trigger keeps the profile's minimum hold (gates.minHoldSeconds).
    if (t.forSeconds > 0 && t.forSeconds !== DEFAULT_GATES_CONFIG.minHoldSeconds) entry.forSeconds = t.forSeconds;
    return proposal({
      kind: 'trigger',
      name: t.id,
      title: `Trigger: ${t.condition.metric} ${t.condition.op} ${formatValue(t.condition.value, t.condition.unit)}${t.forSeconds > 0 ? ` for ${formatSeconds(t.forSeconds)}` : ''} (${t.severity})`,
      lines: [t.line!],
      source: t.text,
      entry,
    });
  });
}
