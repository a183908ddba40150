/**
 * The rules of a gate decision the panel applies before it asks main
 * (main checks the same again): hold and roll back need a reason, and a go
 * past any criterion that is not a pass needs an explicit "go anyway,
 * because…". Also which gate the panel puts first.
 */
import type { CriterionView, GateView, GatesState } from '../../../../shared/gate-model';

export type Decision = 'go' | 'hold' | 'rollback';

/** The criteria a go would pass over: failing or unknown. */
export function unmetCriteria(gate: GateView): CriterionView[] {
  return gate.criteria.filter((c) => c.status !== 'pass');
}

/** Null when the decision may be sent; otherwise what is missing, in a sentence. */
export function decisionProblem(gate: GateView, decision: Decision, reason: string): string | null {
  const why = reason.trim();
  if (decision === 'hold' && !why) return 'Say why you hold: the reason goes into the journal.';
  if (decision === 'rollback' && !why) return 'Say why you roll back: the reason goes into the journal.';
  if (decision === 'go' && !why) {
    const unmet = unmetCriteria(gate);
    if (unmet.length > 0) {
      const failing = unmet.filter((c) => c.status === 'fail').length;
      const unknown = unmet.length - failing;
      const parts = [failing > 0 ? `${failing} failing` : '', unknown > 0 ? `${unknown} unknown` : ''].filter(Boolean).join(' and ');
      return `${parts} ${unmet.length === 1 ? 'criterion' : 'criteria'}: to go anyway, say why.`;
    }
  }
  return null;
}

/**
 * The gate the panel opens on: the one that closes the current phase, else
 * the first not yet passed with a go, else the last. Null when the runbook
 * has no gates.
 */
export function currentGate(state: GatesState): GateView | null {
  const { gates, currentPhaseId } = state;
  if (gates.length === 0) return null;
  return gates.find((g) => currentPhaseId !== null && g.phaseId === currentPhaseId) ?? gates.find((g) => g.decision?.decision !== 'go') ?? gates[gates.length - 1]!;
}
