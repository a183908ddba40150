/**
 * Keeps the gates store in step with main through the one sync mechanism
 * (lib/live-state.ts): gatesChanged as it comes, the whole state read at
 * start, after a reconnect and when another runbook is opened. The newest
 * read's answer is taken whatever its revision (another runbook, or a main
 * that restarted, counts from zero again); events on top keep the newer.
 */
import type { GatesState } from '../../../../shared/gate-model';
import { api } from '../../api';
import { liveState } from '../../lib/live-state';
import { toErrorInfo } from '../shell/feedback-slice';
import { useGates } from './gates-store';

export function startGatesSync(): () => void {
  const sync = liveState<GatesState>(api, {
    read: () => api.getGates(),
    apply: (state) => useGates.getState().apply(state, true),
    fail: (err) => useGates.getState().setLoadError(toErrorInfo(err)),
    events: { gatesChanged: (state) => useGates.getState().apply(state) },
  });
  return () => sync.stop();
}
