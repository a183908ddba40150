/**
 * Keeps the gates store in step with main like the control sync does:
 * subscribe to gatesChanged first, then read the state once, so nothing
 * emitted in between is lost; read it again, whatever its revision, when
 * another runbook is opened.
 */
import { api } from '../../api';
import { toErrorInfo } from '../shell/feedback-slice';
import { onReconnect } from '../connection/connection';
import { useGates } from './gates-store';

async function refetch(reset: boolean): Promise<void> {
  try {
    useGates.getState().apply(await api.getGates(), reset);
  } catch (err) {
    useGates.getState().setLoadError(toErrorInfo(err));
  }
}

export function startGatesSync(): () => void {
  const unsubscribe = [api.on('gatesChanged', (state) => useGates.getState().apply(state)), api.on('cockpitReplaced', () => void refetch(true)), onReconnect(() => void refetch(true))];
  void refetch(false);
  return () => {
    for (const off of unsubscribe) off();
  };
}
