/**
 * Keeps the control store in step with main, the way the checklist sync
 * does: subscribe to the four control events first, then read the state
 * once, so nothing emitted in between is lost; read it again when another
 * runbook (and so another profile) is opened.
 */
import { api } from '../../api';
import { toErrorInfo } from '../shell/feedback-slice';
import { onReconnect } from '../connection/connection';
import { useControl } from './control-store';

let fetching: Promise<void> | null = null;
let fetchAgain = false;

/** Reads the whole control state; a request made while one is in flight runs once more after it. */
function refetchControl(): Promise<void> {
  if (fetching) {
    fetchAgain = true;
    return fetching;
  }
  fetching = api
    .getControl()
    .then((state) => useControl.getState().replaceControl(state))
    .catch((err: unknown) => useControl.getState().setLoadError(toErrorInfo(err)))
    .finally(() => {
      fetching = null;
      if (fetchAgain) {
        fetchAgain = false;
        void refetchControl();
      }
    });
  return fetching;
}

export function startControlSync(): () => void {
  const control = () => useControl.getState();
  const unsubscribe = [
    api.on('controlChanged', (state) => control().replaceControl(state)),
    api.on('actionUpdated', (record) => control().applyAction(record)),
    api.on('commandOutput', ({ actionId, stream, text }) => control().applyOutput(actionId, { stream, text })),
    // Main reads the flags again when a rollback ends and sends them with controlChanged.
    api.on('rollbackProgress', (run) => control().applyRollback(run)),
    api.on('cockpitReplaced', () => void refetchControl()),
    onReconnect(() => void refetchControl()),
  ];
  void refetchControl();
  return () => {
    for (const off of unsubscribe) off();
  };
}
