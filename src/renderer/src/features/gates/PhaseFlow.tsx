/**
 * The phase flow: every phase of the rollout in order, the current one
 * marked, and the time spent in it against the runbook's stated duration
 * ("Monitoring (15 minutes)"), so an overrun is seen, not remembered.
 */
import type { GatesState } from '../../../../shared/gate-model';
import { phaseTiming } from './gates-format';

export function PhaseFlow({ state, now }: { state: GatesState; now: number }) {
  if (state.phases.length === 0) return null;
  const current = state.phases.find((p) => p.id === state.currentPhaseId) ?? null;
  const timing = current ? phaseTiming(current.enteredAt, current.plannedSeconds, now) : null;
  return (
    <div className="phase-flow" data-testid="phase-flow">
      <ol className="phase-steps" aria-label="Rollout phases">
        {state.phases.map((phase) => (
          <li key={phase.id} className={phase.id === state.currentPhaseId ? 'phase-step current' : 'phase-step'} aria-current={phase.id === state.currentPhaseId ? 'step' : undefined}>
            {phase.title}
            {phase.flagStep && <span className="phase-flag mono"> {phase.flagStep.percent}%</span>}
          </li>
        ))}
      </ol>
      <p className={timing?.over ? 'phase-timing over' : 'phase-timing'} data-testid="phase-timing">
        {current ? (
          <>
            <strong>{current.title}</strong>
            {timing ? `: ${timing.text}` : ': not entered yet'}
          </>
        ) : (
          'No phase has started yet.'
        )}
      </p>
    </div>
  );
}
