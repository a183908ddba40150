/**
 * The rollback button in the top bar: large, red, always there. It only
 * opens the dialog, where the deliberate act happens, so brushing it
 * changes nothing. It pulses while a rollback runs, and while a rollback
 * trigger alarms (gates-alarm.ts).
 */
import { useControl } from './control-store';
import { alarmingTriggers } from '../gates/gates-alarm';
import { offersRollback } from '../../../../shared/window-words';
import { useWindowState } from '../gates/window-store';
import { useGates } from '../gates/gates-store';
import { RollbackDialog } from './RollbackDialog';
import { followRollbackWords } from '../../../../shared/team-words';
import { useTeam } from '../team/team-store';
import './control.css';

export function RollbackButton() {
  const running = useControl((s) => s.control?.rollback?.outcome === 'running');
  const open = useControl((s) => s.rollbackOpen);
  // Not while a rollback already answers the alarm (main's window state): the button does not pulse for a second one.
  const answered = useWindowState((s) => !offersRollback(s.window?.state ?? null));
  // Someone else in the team is rolling back (issue 16): the button says so, and its dialog follows theirs.
  const follow = useTeam((s) => followRollbackWords(s.team));
  const alarm = useGates((s) => alarmingTriggers(s.gates).length > 0) && !answered;
  return (
    <>
      <button
        type="button"
        className={`rollback-button${running ? ' running' : ''}${alarm && !running ? ' alarm' : ''}`}
        data-testid="rollback-button"
        data-running={running ? 'true' : 'false'}
        data-alarm={alarm ? 'true' : 'false'}
        aria-haspopup="dialog"
        data-follow={follow ? 'true' : undefined}
        title={follow ?? 'Roll back: opens the plan and asks you to hold to confirm (Shift+R)'}
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
