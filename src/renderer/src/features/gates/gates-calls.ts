/**
 * What the gate panel and the alarm ask main to do. Each answer is the new
 * gates state, put in the store at once; a failure throws, so the control
 * the operator touched can say what went wrong beside it.
 */
import { api } from '../../api';
import type { Decision } from './gates-decision';
import { useGates } from './gates-store';

const apply = (state: Awaited<ReturnType<typeof api.getGates>>) => useGates.getState().apply(state);

export async function answerCriterion(gateId: string, criterionId: string, answer: 'yes' | 'no', note: string): Promise<void> {
  apply(await api.answerCriterion({ gateId, criterionId, answer, note: note.trim() }));
}

export async function decideGate(gateId: string, decision: Decision, reason: string): Promise<void> {
  apply(await api.decideGate({ gateId, decision, reason: reason.trim() }));
}

export async function acknowledgeTrigger(triggerId: string, reason: string): Promise<void> {
  apply(await api.acknowledgeTrigger({ triggerId, reason: reason.trim() }));
}

export async function cancelAutoRollback(triggerId: string, reason: string): Promise<void> {
  apply(await api.cancelAutoRollback({ triggerId, reason: reason.trim() }));
}
