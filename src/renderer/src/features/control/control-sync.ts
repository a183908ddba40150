/**
 * Keeps the control store in step with main through the one sync
 * mechanism (lib/live-state.ts): the four control events as they come, the
 * whole state read at start, after a reconnect and when another runbook
 * (and so another profile) is opened.
 */
import type { ControlState } from '../../../../shared/control-model';
import { api } from '../../api';
import { liveState } from '../../lib/live-state';
import { toErrorInfo } from '../shell/feedback-slice';
import { useControl } from './control-store';

export function startControlSync(): () => void {
  const control = () => useControl.getState();
  const sync = liveState<ControlState>(api, {
    read: () => api.getControl(),
    apply: (state) => control().replaceControl(state),
    fail: (err) => control().setLoadError(toErrorInfo(err)),
    events: {
      controlChanged: (state) => control().replaceControl(state),
      actionUpdated: (record) => control().applyAction(record),
      commandOutput: ({ actionId, stream, text }) => control().applyOutput(actionId, { stream, text }),
      // Main reads the flags again when a rollback ends and sends them with controlChanged.
      rollbackProgress: (run) => control().applyRollback(run),
    },
  });
  return () => sync.stop();
}
