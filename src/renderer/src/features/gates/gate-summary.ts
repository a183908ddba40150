/**
 * What the folded gate panel says in one line: the phase, the gate's state
 * of decision, and the trigger closest to a rollback, so a glance tells
 * whether anything needs the panel opened.
 */
import type { GateView, GatesState, TriggerView } from '../../../../shared/gate-model';
import { pastLine } from '../../../../shared/alarm-rule';

/** How close a trigger is to a rollback: higher is worse. Unknown (no data) ranks above quiet: it is never shown as healthy. */
function rank(t: TriggerView): number {
  const base = t.state === 'firing' ? (t.severity === 'red' ? (t.acknowledged ? 4 : 5) : 3) : t.state === 'pending' ? 2 : t.state === 'unknown' ? 1 : 0;
  // Within a state, red before yellow.
  return base * 2 + (t.severity === 'red' ? 1 : 0);
}

/**
 * The trigger closest to a rollback, or null when the runbook states none.
 * Within one rank the one furthest past its line, by the alarm rule's own
 * measure (shared/alarm-rule.ts), so the summary and the banner name the
 * same trigger.
 */
export function worstTrigger(triggers: readonly TriggerView[]): TriggerView | null {
  let worst: TriggerView | null = null;
  for (const t of triggers) if (!worst || rank(t) > rank(worst) || (rank(t) === rank(worst) && pastLine(t) > pastLine(worst))) worst = t;
  return worst;
}

/** "waiting for a decision", or "hold by Dana", in words. */
export function decisionText(gate: GateView): string {
  const d = gate.decision;
  if (!d) return 'waiting for a decision';
  return `${d.decision === 'rollback' ? 'roll back' : d.decision} by ${d.by ?? 'someone unnamed'}`;
}

/** The current phase's title, or null before any phase has started. */
export function currentPhaseTitle(state: GatesState): string | null {
  return state.phases.find((p) => p.id === state.currentPhaseId)?.title ?? null;
}
