/**
 * Gates that hold (issue 14): the one rule that says which flag raises
 * wait for a person. A raise is held while a red rollback trigger fires
 * (every flag), or while a gate between the current phase and the phase
 * whose step reaches the new value has no "go" (flags the runbook steps).
 * Lowering a flag, setting it to 0 and rollbacks are never held: the way
 * down must always be open. Main refuses a held write unless it carries an
 * override with a reason (app/live-control.ts); the renderer only draws
 * the holds this computes (shared/flag-holds.ts compares a write with them).
 */
import type { FlagHold } from '../../../shared/flag-holds';
import type { DecisionView } from '../../../shared/gate-model';
import type { GatePlan, TriggerDef } from './gate-plan';

export interface HoldInputs {
  plan: GatePlan;
  /** Index in plan.phases of the phase the rollout is in; -1 before the first flag step. */
  currentIndex: number;
  decisions: ReadonlyMap<string, Pick<DecisionView, 'decision' | 'reason' | 'by'>>;
  /** Red triggers firing now, with their latest value. */
  firingRed: ReadonlyArray<{ trigger: TriggerDef; value: string | null }>;
  /** Every flag a write may name (the profile's), besides those the runbook steps. */
  flags: readonly string[];
}

/** Why a gate without a go holds what comes after it; null once it has a go. */
export function gateWaitReason(title: string, decision: Pick<DecisionView, 'decision' | 'reason' | 'by'> | undefined): string | null {
  if (!decision) return `Waiting for a go at "${title}".`;
  const by = decision.by ? ` by ${decision.by}` : '';
  if (decision.decision === 'hold') return `Held at "${title}"${by}: ${decision.reason}`;
  if (decision.decision === 'rollback') return `Rolled back at "${title}"${by}: ${decision.reason}`;
  return null;
}

/** Every hold in force now, per flag: a write above `above` (and above the flag's value) is held. */
export function flagHolds(inputs: HoldInputs): FlagHold[] {
  const { plan, currentIndex, decisions, firingRed } = inputs;
  const stepped = [...new Set(plan.phases.flatMap((p) => (p.flagStep ? [p.flagStep.flag] : [])))];
  const names = [...new Set([...inputs.flags, ...stepped])];
  const holds: FlagHold[] = [];
  for (const { trigger, value } of firingRed) {
    const where = trigger.line === null ? '' : ` (line ${trigger.line})`;
    const reason = `Red trigger "${trigger.text}"${where} is firing${value === null ? '' : ` at ${value}`}.`;
    for (const flag of names) holds.push({ flag, above: 0, kind: 'trigger', reason });
  }
  // The first gate from the current phase on that has no go: nothing beyond the steps before it may be set.
  const start = Math.max(currentIndex, 0);
  const waiting = plan.gates
    .map((gate) => ({ gate, at: gate.phaseId === null ? -1 : plan.phases.findIndex((p) => p.id === gate.phaseId) }))
    .filter(({ at }) => at >= start)
    .sort((a, b) => a.at - b.at)
    .map(({ gate, at }) => ({ gate, at, reason: gateWaitReason(gate.title, decisions.get(gate.id)) }))
    .find((g) => g.reason !== null);
  if (waiting) {
    for (const flag of stepped) {
      const allowed = plan.phases.slice(0, waiting.at + 1).flatMap((p) => (p.flagStep?.flag === flag ? [p.flagStep.percent] : []));
      holds.push({ flag, above: Math.max(0, ...allowed), kind: 'gate', reason: waiting.reason! });
    }
  }
  return holds;
}
