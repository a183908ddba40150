/**
 * Builds the gate plan of a runbook: its phases (stated duration, flag
 * step), its gates (go/no-go sections, "Criteria for proceeding to 50%:",
 * "… successful when:", success criteria, green-indicator lists) with each
 * criterion classified (criterion-kinds.ts), its rollback triggers (every
 * runbook threshold that points at trouble: "red flag: > 1%", "Error rate
 * above 2% for more than 5 minutes") and its targets (every other
 * threshold). Thresholds the reader marked "review" are left out: they
 * arm nothing until accepted. The profile's `gates:` section is applied
 * last (profile-gates.ts).
 */
import type { Block, ListEntry, Phase, RunbookDoc, Section, Threshold } from '../../../shared/runbook-model';
import { plainText } from '../runbook/inline';
import { IdAllocator } from '../runbook/ids';
import { DEFAULT_GATES_CONFIG, type GatesConfig } from '../profile/gates-schema';
import { pointsAtTrouble } from './conditions';
import { readCriterion } from './criterion-kinds';
import { flagStepOf, isRollbackPhase } from './flag-steps';
import { DEFAULT_SETTINGS, type CriterionDef, type GateDef, type GatePlan, type PhaseDef, type ThresholdDef, type TriggerDef } from './gate-plan';
import { plannedSeconds } from './phase-timing';
import { applyProfile, type GateEntryProblem } from './profile-gates';
import type { Override } from '../profile/overrides-schema';
import { applyOverrides, ignoredLines } from '../review/apply-overrides';

/** The `gates:` entries of a profile that name nothing in this runbook: for the loader to drop them one by one. */
export function gateEntryProblems(doc: RunbookDoc, profile: GatesProfile): GateEntryProblem[] {
  const problems: GateEntryProblem[] = [];
  extractGatePlan(doc, profile, undefined, (problem) => problems.push(problem));
  return problems;
}

/** What extraction needs of a deployment profile (a whole Profile fits). */
export interface GatesProfile {
  flags: ReadonlyArray<{ name: string }>;
  rollback: { plans: ReadonlyArray<{ name: string }> };
  gates?: GatesConfig;
  /** What a person chose in the review panel, applied before anything is read from the runbook. */
  overrides?: readonly Override[];
}

const GATE_TITLE = /\bgo\s*\/\s*no[- ]?go\b|\bno[- ]go\b|\bsuccess\s+(?:criteria|validation)\b|\bexit\s+criteria\b|\bgate\b|\bpromotion\s+criteria\b/i;
const CRITERIA_INTRO = /\bcriteria\s+for\b|\bsuccessful\s+when\b|\bconsidered\s+successful\b|\bsuccess\s+criteria\b|\bgo\s+criteria\b|\bgreen\s+(?:indicators?|flags?|signals?|lights?)\b|\bproceed\s+(?:only\s+)?(?:if|when)\b/i;
/** Lists after these are what to do on failure, or alarms, not criteria. */
const NOT_CRITERIA = /\bif\s+any\b|\botherwise\b|\bfails?\b|\bon\s+failure\b|\brollback\s+triggers?\b|\b(?:red|yellow)\s+(?:flags?|indicators?)\b|\babort\b/i;

/** Without emoji bullets, bold markers and the trailing colon of an intro. */
function cleanTitle(text: string): string {
  return text.replace(/[\s:*_.\u2014-]+$/u, '').replace(/^[^\p{L}\p{N}(]+/u, '').replace(/\s+/g, ' ').trim();
}

interface Container {
  phase: Phase;
  title: string;
  line: number;
  path: string[];
  blocks: Block[];
}

function containersOf(phase: Phase): Container[] {
  return [
    { phase, title: phase.title, line: phase.line, path: [phase.title], blocks: phase.blocks },
    ...phase.sections.map((s: Section) => ({ phase, title: s.title, line: s.line, path: s.path, blocks: s.blocks })),
  ];
}

/** Leaf entries: a parent with a nested list is a group label, its children are the criteria. */
function leaves(entries: readonly ListEntry[]): ListEntry[] {
  const out: ListEntry[] = [];
  for (const entry of entries) {
    const nested = entry.blocks.filter((b): b is Extract<Block, { kind: 'list' }> => b.kind === 'list');
    if (nested.length > 0) nested.forEach((list) => out.push(...leaves(list.entries)));
    else out.push(entry);
  }
  return out;
}

interface FoundGate {
  container: Container;
  title: string;
  line: number;
  entries: ListEntry[];
}

function findGates(doc: RunbookDoc): FoundGate[] {
  const found: FoundGate[] = [];
  for (const phase of doc.phases) {
    for (const container of containersOf(phase)) {
      const isGate = container.path.some((title) => GATE_TITLE.test(title));
      let intro: { text: string; line: number } | null = null;
      let current: FoundGate | null = null;
      for (const block of container.blocks) {
        if (block.kind === 'paragraph') {
          intro = { text: plainText(block.inline), line: block.line };
          current = null;
          continue;
        }
        if (block.kind !== 'list') continue;
        const introText = intro?.text ?? '';
        const accepted = NOT_CRITERIA.test(introText) ? false : isGate || CRITERIA_INTRO.test(introText);
        intro = null;
        if (!accepted) continue;
        if (!current) {
          const ownTitle = !isGate && introText !== '';
          const title = ownTitle ? cleanTitle(introText) : GATE_TITLE.test(container.title) ? cleanTitle(container.title) : container.path.map(cleanTitle).join(': ');
          current = { container, title, line: ownTitle ? block.line - 1 : container.line, entries: [] };
          found.push(current);
        }
        current.entries.push(...leaves(block.entries));
      }
    }
  }
  return found.filter((g) => g.entries.length > 0);
}

function phaseOfLine(doc: RunbookDoc, line: number): string | null {
  let id: string | null = null;
  for (const phase of doc.phases) if (phase.line <= line) id = phase.id;
  return id;
}

function pathOfLine(doc: RunbookDoc, line: number): string[] {
  let path: string[] = [];
  for (const phase of doc.phases) {
    if (phase.line > line) break;
    path = [phase.title];
    for (const section of phase.sections) if (section.line <= line) path = section.path;
  }
  return path;
}

function isTrigger(t: Threshold): boolean {
  return t.severity !== undefined || pointsAtTrouble(t.metric as never, t.op);
}

/** `profileFile` names the profile in errors about its gates: section. */
/** `onProblem`: report and skip a `gates:` entry that names nothing in the runbook, instead of throwing (profile-gates.ts). */
export function extractGatePlan(read: RunbookDoc, profile?: GatesProfile, profileFile?: string, onProblem?: (problem: GateEntryProblem) => void): GatePlan {
  // Overrides first, here, so the live gates, the CLI and the trust manifest read the same plan.
  const doc = applyOverrides(read, profile?.overrides ?? []);
  const ignoredCriteria = ignoredLines(profile?.overrides, 'criterion');
  const ids = new IdAllocator();
  const profileFlags = profile ? profile.flags.map((f) => f.name) : null;
  const phases: PhaseDef[] = doc.phases.map((phase) => ({
    id: phase.id,
    title: phase.title,
    line: phase.line,
    plannedSeconds: plannedSeconds(phase),
    flagStep: flagStepOf(doc, phase.id, profileFlags),
  }));

  const gates: GateDef[] = findGates(doc).map((found) => {
    const { container } = found;
    // A gate that is a phase of its own ("## Success Criteria") closes the phase before it.
    const phaseIndex = doc.phases.indexOf(container.phase);
    const ownPhase = container.path.length === 1 && GATE_TITLE.test(container.phase.title);
    const closed = ownPhase ? doc.phases.slice(0, phaseIndex).reverse().find((p) => !isRollbackPhase(p.title) && p.itemIds.length + p.sections.length > 0) : container.phase;
    const phaseId = closed?.id ?? null;
    const gateId = ids.allocate('gate', container.path, found.title);
    const criteria: CriterionDef[] = [];
    for (const entry of found.entries) {
      const text = plainText(entry.inline).trim();
      if (text === '' || ignoredCriteria.has(entry.line)) continue;
      const thresholds = doc.thresholds.filter((t) => t.line === entry.line && t.confidence !== 'review');
      for (const reading of readCriterion(text, thresholds)) {
        const suffix = reading.kind === 'metric-absolute' && thresholds.length > 1 ? ` ${reading.threshold.metric}` : '';
        const base = { id: ids.allocate('criterion', [...container.path, found.title], text + suffix), text, line: entry.line };
        switch (reading.kind) {
          case 'metric-absolute': {
            const { metric, op, value, unit } = reading.threshold;
            criteria.push({ ...base, kind: 'metric', condition: { kind: 'absolute', metric: metric as never, op, value, unit } });
            break;
          }
          case 'metric-baseline':
            criteria.push({ ...base, kind: 'metric', condition: { kind: 'baseline', metric: reading.metric } });
            break;
          case 'checklist':
            criteria.push({ ...base, kind: 'checklist', phaseId: phaseId ?? container.phase.id });
            break;
          case 'signoff':
            criteria.push({ ...base, kind: 'signoff', roles: doc.signoffs.map((s) => s.role) });
            break;
          default:
            criteria.push({ ...base, kind: reading.kind });
        }
      }
    }
    return { id: gateId, title: found.title, line: found.line, phaseId, criteria };
  });

  const triggers: TriggerDef[] = [];
  const thresholds: ThresholdDef[] = [];
  for (const t of doc.thresholds) {
    // A reading that needs review arms nothing (no trigger, no automatic rollback) until a person accepts it.
    if (t.confidence === 'review') continue;
    const path = pathOfLine(doc, t.line);
    const condition = { kind: 'absolute' as const, metric: t.metric as never, op: t.op, value: t.value, unit: t.unit };
    const key = `${t.text} ${t.metric} ${t.op} ${t.value}`;
    if (isTrigger(t)) {
      triggers.push({ id: ids.allocate('trigger', path, key), text: t.text, line: t.line, condition, forSeconds: t.forSeconds ?? 0, severity: t.severity ?? 'red', autoRollback: null });
    } else {
      thresholds.push({ id: ids.allocate('threshold', path, key), text: t.text, line: t.line, phaseId: phaseOfLine(doc, t.line), condition, forSeconds: t.forSeconds ?? 0 });
    }
  }

  const plan: GatePlan = { phases, gates, triggers, thresholds, settings: structuredClone(DEFAULT_SETTINGS) };
  const applied = profile?.gates ? applyProfile(plan, profile.gates, new Set(profile.rollback.plans.map((p) => p.name)), doc.signoffs.map((s) => s.role), profileFile, onProblem) : plan;
  const minHold = profile?.gates?.minHoldSeconds ?? DEFAULT_GATES_CONFIG.minHoldSeconds;
  // A trigger with no stated duration still holds for minHoldSeconds: one noisy reading is not a red line crossed.
  return { ...applied, triggers: applied.triggers.map((t) => (t.forSeconds === 0 ? { ...t, forSeconds: minHold } : t)) };
}

