/**
 * Where the rollout stands: the current phase (the one whose flag step
 * the flag is at), when it was entered, and the next flag step. Whether
 * that step may be taken now is the gate policy's call (gate-policy.ts),
 * which also holds every other raise of the flag.
 */
import type { GatePlan, PhaseDef } from './gate-plan';
import type { FlagWrite } from './gate-journal';

export interface PhaseFlow {
  currentPhaseId: string | null;
  /** Index in plan.phases of the phase whose flag step the flag is at; -1 before any. */
  currentIndex: number;
  enteredAt: Map<string, number>;
  nextStep: { phaseId: string; flag: string; percent: number } | null;
  nextStepBlockedBy: string | null;
}

export interface FlowInputs {
  flags: ReadonlyMap<string, FlagWrite>;
  /** Phases whose items are all ticked; the first one that is not is current before any flag step. */
  phaseDone(phaseId: string): boolean;
}

export function phaseFlow(plan: GatePlan, inputs: FlowInputs): PhaseFlow {
  const order = plan.phases;
  const enteredAt = new Map<string, number>();
  let current: PhaseDef | null = null;
  for (const phase of order) {
    const step = phase.flagStep;
    const write = step ? inputs.flags.get(step.flag) : undefined;
    if (step && write && write.percent === step.percent) {
      current = phase;
      enteredAt.set(phase.id, write.at);
    }
  }
  const flagPhases = order.filter((p) => p.flagStep !== null);
  const currentIndex = current ? order.indexOf(current) : -1;
  const next = flagPhases.find((p) => order.indexOf(p) > currentIndex) ?? null;
  const currentPhaseId = current?.id ?? order.find((p) => !inputs.phaseDone(p.id))?.id ?? null;
  if (!next) return { currentPhaseId, currentIndex, enteredAt, nextStep: null, nextStepBlockedBy: flagPhases.length === 0 ? 'The runbook states no flag step.' : 'Every flag step of the runbook is done.' };
  return { currentPhaseId, currentIndex, enteredAt, nextStep: { phaseId: next.id, flag: next.flagStep!.flag, percent: next.flagStep!.percent }, nextStepBlockedBy: null };
}
