/**
 * Which checklist items name an act Flightdeck itself performs, so that
 * doing the act can offer to tick the item (issue 14, live-ticks.ts):
 * - a flag step: the item's own flag step ("Set `checkout_v2` to 10%"),
 *   read the same way the gates read it (gates/flag-steps.ts);
 * - a baseline capture: "Baseline metrics captured", "take a baseline";
 * - a probe: the item names a profile probe by name or shows its URL
 *   ("Health endpoint responding" with `curl http://…/health`).
 * Backups and restore tests bind through backups/backup-items.ts and keep
 * their own rule. An item binds to one act at most, in that order.
 */
import type { RunbookDoc, TaskItem } from '../../../shared/runbook-model';
import { isRollbackPhase, stepOf } from '../gates/flag-steps';

export type ItemAct =
  | { kind: 'flag'; itemId: string; flag: string; percent: number }
  | { kind: 'baseline'; itemId: string }
  | { kind: 'probe'; itemId: string; probe: string };

/** What binding needs of a profile (a whole Profile fits). */
export interface ActsProfile {
  flags: ReadonlyArray<{ name: string }>;
  probes: ReadonlyArray<{ name: string; url?: unknown }>;
}

/** "Baseline … captured", "capture/take/record a baseline", "snapshot for comparison". */
const BASELINE = /\bbaselines?\b[^.\n]*\b(?:captur\w*|taken|recorded|snapshot)\b|\b(?:captur\w*|take|record|snapshot)\b[^.\n]*\bbaselines?\b/i;

function textOf(item: TaskItem): string {
  return [item.text, ...item.code.map((block) => block.value)].join('\n');
}

/** A URL as written in a runbook: no trailing slash, case-insensitive scheme and host. */
function normaliseUrl(url: string): string {
  return url.replace(/\/+$/, '').toLowerCase();
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s'"`<>)]+/gi;

function namesProbe(item: TaskItem, probe: ActsProfile['probes'][number]): boolean {
  const text = textOf(item);
  if (new RegExp(`(?:^|[\\s\`'"(])${probe.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?:$|[\\s\`'".,:;)])`, 'i').test(text)) return true;
  if (typeof probe.url !== 'string') return false;
  const url = normaliseUrl(probe.url);
  return [...text.matchAll(URL_IN_TEXT)].some((match) => normaliseUrl(match[0]) === url);
}

export function bindItemActs(doc: RunbookDoc, profile: ActsProfile): ItemAct[] {
  const flags = profile.flags.map((f) => f.name);
  // A rollback phase's "set to 0%" is the rollback's, which ticks nothing on its own.
  const rollbackPhases = new Set(doc.phases.filter((p) => isRollbackPhase(p.title)).map((p) => p.id));
  const acts: ItemAct[] = [];
  for (const item of doc.items) {
    const step = flags.length > 0 && !rollbackPhases.has(item.phaseId) ? stepOf(item, flags) : null;
    if (step && step.percent <= 100) {
      acts.push({ kind: 'flag', itemId: item.id, flag: step.flag, percent: step.percent });
      continue;
    }
    if (BASELINE.test(item.text)) {
      acts.push({ kind: 'baseline', itemId: item.id });
      continue;
    }
    const probe = profile.probes.find((p) => namesProbe(item, p));
    if (probe) acts.push({ kind: 'probe', itemId: item.id, probe: probe.name });
  }
  return acts;
}
