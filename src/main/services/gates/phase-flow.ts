/**
 * Where the rollout stands: the current phase (the one whose flag step
 * the flag is at), when it was entered, and the next flag step, which is
 * offered only when every gate between here and that step has a go. A
 * hold or a rollback decision blocks it and says why.
 */
import type { GatePlan, PhaseDef } from './gate-plan';
import type { FlagWrite } from './gate-journal';

export interface PhaseFlow {
  currentPhaseId: string | null;
  enteredAt: Map<string, number>;
  nextStep: { phaseId: string; flag: string; percent: number } | null;
  nextStepBlockedBy: string | null;
}

export interface FlowInputs {
  flags: ReadonlyMap<string, FlagWrite>;
  decisions: ReadonlyMap<string, { decision: 'go' | 'hold' | 'rollback'; reason: string; by: string | null }>;
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
  if (!next) return { currentPhaseId, enteredAt, nextStep: null, nextStepBlockedBy: flagPhases.length === 0 ? 'The runbook states no flag step.' : 'Every flag step of the runbook is done.' };
  const nextIndex = order.indexOf(next);
  const guards = plan.gates.filter((g) => {
    const at = g.phaseId === null ? -1 : order.findIndex((p) => p.id === g.phaseId);
    return at >= Math.max(currentIndex, 0) && at < nextIndex;
  });
  for (const gate of guards) {
    const decision = inputs.decisions.get(gate.id);
    if (!decision) return { currentPhaseId, enteredAt, nextStep: null, nextStepBlockedBy: `Waiting for a go at "${gate.title}".` };
    if (decision.decision === 'hold') return { currentPhaseId, enteredAt, nextStep: null, nextStepBlockedBy: `Held at "${gate.title}"${decision.by ? ` by ${decision.by}` : ''}: ${decision.reason}` };
    if (decision.decision === 'rollback') return { currentPhaseId, enteredAt, nextStep: null, nextStepBlockedBy: `Rolled back at "${gate.title}"${decision.by ? ` by ${decision.by}` : ''}: ${decision.reason}` };
  }
  return { currentPhaseId, enteredAt, nextStep: { phaseId: next.id, flag: next.flagStep!.flag, percent: next.flagStep!.percent }, nextStepBlockedBy: null };
}
