/**
 * The rollback button in the top bar: large, red, always there. It only
 * opens the dialog, where the deliberate act happens, so brushing it
 * changes nothing. It pulses while a rollback runs.
 */
import { useControl } from '../../store/control-store';
import { RollbackDialog } from './RollbackDialog';
import './control.css';

export function RollbackButton() {
  const running = useControl((s) => s.control?.rollback?.outcome === 'running');
  const open = useControl((s) => s.rollbackOpen);
  return (
    <>
      <button
        type="button"
        className={running ? 'rollback-button running' : 'rollback-button'}
        data-testid="rollback-button"
        data-running={running ? 'true' : 'false'}
        aria-haspopup="dialog"
        title="Roll back: opens the plan and asks you to hold to confirm (Shift+R)"
        onClick={() => useControl.getState().setRollbackOpen(true)}
      >
        <span className="rollback-icon" aria-hidden="true">
          ⟲
        </span>
        {running ? 'Rolling back…' : 'Rollback'}
      </button>
      {open && <RollbackDialog />}
    </>
  );
}
