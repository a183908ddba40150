/**
 * What the renderer and main see of the gates, built for unit tests: a
 * quiet red error-rate trigger that each test changes where it matters.
 */
import type { GatesState, TriggerView } from '../../src/shared/gate-model';

export function triggerView(over: Partial<TriggerView> = {}): TriggerView {
  return {
    id: 't',
    text: 'Error rate above 2%',
    line: 83,
    metric: 'error_rate',
    severity: 'red',
    state: 'quiet',
    value: 0.4,
    unit: '%',
    forSeconds: 300,
    heldSeconds: 0,
    acknowledged: false,
    autoRollback: false,
    countdownEndsAt: null,
    ...over,
  };
}

export function gatesState(triggers: TriggerView[], revision = 1): GatesState {
  return { revision, phases: [], currentPhaseId: null, gates: [], triggers, nextStep: null, nextStepBlockedBy: null, live: true };
}
