/**
 * Applies a profile's `overrides:` to what was read from the runbook, in
 * one place, before anything uses it: the bands on the graphs, the gate
 * plan (targets, criteria, triggers) and so the trust manifest all see the
 * same thresholds. The parsed runbook is left as it was (the review panel
 * lists what was read, with the choice made for it).
 */
import type { RunbookDoc, Threshold } from '../../../shared/runbook-model';
import type { Override } from '../profile/overrides-schema';
import type { BackupItems } from '../backups/backup-items';

/** The override for this threshold: of kind threshold or trigger (a trigger is a threshold pointing at trouble). */
export function overrideOfThreshold(overrides: readonly Override[], t: Pick<Threshold, 'line' | 'metric' | 'severity'>): Override | undefined {
  // The most precise that fits: metric and band, then metric, then the whole line.
  const candidates = overrides.filter((o) => o.line === t.line && (o.kind === 'threshold' || o.kind === 'trigger') && (o.metric === undefined || o.metric === t.metric) && (o.severity === undefined || o.severity === t.severity));
  const precision = (o: Override) => (o.metric ? 2 : 0) + (o.severity ? 1 : 0);
  return [...candidates].sort((a, b) => precision(b) - precision(a))[0];
}

export function applyOverrides(doc: RunbookDoc, overrides: readonly Override[]): RunbookDoc {
  if (overrides.length === 0) return doc;
  const thresholds = doc.thresholds.flatMap((t): Threshold[] => {
    const o = overrideOfThreshold(overrides, t);
    if (!o) return [t];
    if (o.choice === 'ignore') return [];
    // A person accepted or restated it: a reading the extractor was unsure of is now sure, and may arm what it names.
    if (o.choice === 'accept') return [{ ...t, confidence: 'sure' }];
    const edited: Threshold = { ...t, op: o.op ?? t.op, value: o.value ?? t.value, confidence: 'sure' };
    if (o.forSeconds !== undefined) edited.forSeconds = o.forSeconds;
    return [edited];
  });
  return { ...doc, thresholds };
}

/** Lines whose criterion a person chose to ignore. */
export function ignoredLines(overrides: readonly Override[] | undefined, kind: Override['kind']): ReadonlySet<number> {
  return new Set((overrides ?? []).filter((o) => o.kind === kind && o.choice === 'ignore').map((o) => o.line));
}

/** Why a command a person ignored in the review panel is copy-only. */
export const IGNORED_COMMAND = 'ignored in the review panel (the profile\'s overrides:)';

/**
 * Recognised runbook commands with those a person chose to ignore made
 * copy-only, saying why: the command list and the trust manifest both pass
 * through here, so an ignored line neither runs nor asks to be approved.
 */
export function withoutIgnoredCommands<T extends { line: number | null; runnable: boolean; reason: string | null; action: unknown; native?: unknown }>(commands: T[], overrides: readonly Override[] | undefined): T[] {
  const ignored = ignoredLines(overrides, 'command');
  if (ignored.size === 0) return commands;
  return commands.map((c) => (c.line !== null && ignored.has(c.line) ? { ...c, runnable: false, reason: IGNORED_COMMAND, action: null, ...('native' in c ? { native: null } : {}) } : c));
}

/**
 * Backup bindings with those a person chose to ignore taken off: a verified
 * backup then ticks nothing there (the item is the person's to tick).
 */
export function withoutIgnoredBindings(bound: BackupItems, doc: RunbookDoc | null, overrides: readonly Override[] | undefined): BackupItems {
  const ignored = ignoredLines(overrides, 'binding');
  if (ignored.size === 0 || !doc) return bound;
  const keep = (itemId: string | null): string | null => {
    const line = itemId ? doc.items.find((item) => item.id === itemId)?.line : undefined;
    return line !== undefined && ignored.has(line) ? null : itemId;
  };
  return { backup: Object.fromEntries(Object.entries(bound.backup).map(([name, itemId]) => [name, keep(itemId)])), restoreTest: keep(bound.restoreTest) };
}
