/**
 * What the review panel lists: everything read from the runbook that can
 * act or judge (thresholds, triggers, gate criteria, recognised commands,
 * backup bindings), each with its line and the choice saved for it. Read
 * from the runbook as parsed, before overrides, so an ignored line is still
 * listed (as ignored) and can be brought back.
 */
import type { RunbookDoc } from '../../../shared/runbook-model';
import type { ReviewItem } from '../../../shared/review-model';
import { bindBackupItems } from '../backups/backup-items';
import { CommandPolicy } from '../commands/command-policy';
import { recogniseContext, recogniseRunbook } from '../commands/recognise';
import { describeCondition } from '../gates/conditions';
import { extractGatePlan } from '../gates/extract-plan';
import { overrideKey, type Override } from '../profile/overrides-schema';
import { overrideOfThreshold } from './apply-overrides';
import { ProfileSchema, type Profile } from '../profile/profile-schema';

const NO_PROFILE: Profile = ProfileSchema.parse({});

export function reviewItems(doc: RunbookDoc, profile: Profile | null): ReviewItem[] {
  const p = profile ?? NO_PROFILE;
  const overrides = new Map(p.overrides.map((o) => [overrideKey(o), o]));
  const choiceOf = (line: number, kind: Override['kind'], metric: string | null): ReviewItem['choice'] =>
    (overrides.get(overrideKey({ line, kind, metric: metric ?? undefined })) ?? (metric ? overrides.get(overrideKey({ line, kind })) : undefined))?.choice ?? 'read';
  // The plan as the runbook reads, so what is ignored is still found and listed.
  // An entry of gates: that names nothing is the loader's to report; here it is skipped, never thrown.
  const plan = extractGatePlan(doc, { ...p, overrides: [] }, undefined, () => undefined);
  const items: ReviewItem[] = [];

  for (const t of doc.thresholds) {
    // A line may hold a target and a trigger for one metric ("| <0.5s | >0.5s for 5 min |"): only the reading pointing at trouble is the trigger.
    const candidates = plan.triggers.filter((tr) => tr.line === t.line && tr.condition.metric === t.metric && tr.condition.op === t.op);
    const trigger = candidates.find((tr) => tr.condition.value === t.value) ?? (candidates.length === 1 ? candidates[0] : undefined);
    const kind = trigger ? 'trigger' : 'threshold';
    const condition = { kind: 'absolute' as const, metric: t.metric as never, op: t.op, value: t.value, unit: t.unit };
    const saved = overrideOfThreshold(p.overrides, t);
    const edited = saved?.choice === 'edit' ? { ...condition, op: saved.op ?? t.op, value: saved.value ?? t.value } : condition;
    const forSeconds = saved?.choice === 'edit' && saved.forSeconds !== undefined ? saved.forSeconds : (t.forSeconds ?? 0);
    items.push({
      kind,
      line: t.line,
      metric: t.metric,
      severity: t.severity ?? null,
      text: t.text,
      reading: `${describeCondition(edited, forSeconds)}${t.subject ? ` (${t.subject})` : ''}${trigger ? ` · ${trigger.severity} trigger` : ''}`,
      choice: saved ? saved.choice : 'read',
      confidence: t.confidence ?? 'sure',
      automatic: trigger?.autoRollback != null,
      edit: { op: edited.op, value: edited.value, unit: t.unit, forSeconds },
    });
  }
  for (const gate of plan.gates) {
    for (const c of gate.criteria) {
      if (c.line === null) continue;
      const reading = c.kind === 'metric' ? (c.condition.kind === 'absolute' ? describeCondition(c.condition, 0) : `${c.condition.metric} unchanged from the baseline`) : `${c.kind} (${gate.title})`;
      items.push({ kind: 'criterion', line: c.line, metric: null, severity: null, text: c.text, reading, choice: choiceOf(c.line, 'criterion', null), confidence: 'sure', automatic: false, edit: null });
    }
  }
  const context = recogniseContext(p, (program) => new CommandPolicy(p.commands.allow).isAllowed(program));
  for (const command of recogniseRunbook(doc, context)) {
    if (command.line === null) continue;
    const reading = command.runnable ? `native action${command.native ? ` (${command.native})` : ''}` : `copy-only: ${command.reason ?? 'not recognised'}`;
    items.push({ kind: 'command', line: command.line, metric: null, severity: null, text: command.argv.join(' '), reading, choice: choiceOf(command.line, 'command', null), confidence: 'sure', automatic: false, edit: null });
  }
  const bound = bindBackupItems(doc, p.backups);
  for (const [backup, itemId] of Object.entries(bound.backup)) {
    const item = itemId ? doc.items.find((i) => i.id === itemId) : null;
    if (!item) continue;
    items.push({ kind: 'binding', line: item.line, metric: null, severity: null, text: item.text, reading: `ticked by a verified backup of ${backup}`, choice: choiceOf(item.line, 'binding', null), confidence: 'sure', automatic: false, edit: null });
  }
  // What needs a person's eye first, then in the runbook's order.
  return items.sort((a, b) => (a.confidence === b.confidence ? a.line - b.line : a.confidence === 'review' ? -1 : 1));
}
