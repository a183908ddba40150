/**
 * The strip across the top: what is open (runbook, source, session), who
 * is flying, and the commands that change what is open.
 */
import { useRunbook } from '../../store/selectors';
import { RollbackButton } from '../control/RollbackButton';
import { openRunbook } from '../FilePicker';
import { NewSessionButton } from './NewSessionButton';
import { OperatorInput } from './OperatorInput';
import { SessionInfo } from './SessionInfo';
import { SourceInfo } from './SourceInfo';
import { ThemeToggle } from './ThemeToggle';
import { WriteTicksButton } from './WriteTicksButton';

export function TopBar() {
  const runbook = useRunbook();
  return (
    <header className="topbar">
      <div className="brand" aria-label="Flightdeck">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <span className="brand-name">Flightdeck</span>
      </div>
      <div className="topbar-doc">
        <h1 className="runbook-title" data-testid="runbook-title" title={runbook?.title}>
          {runbook ? runbook.title : 'No runbook open'}
        </h1>
        <div className="topbar-sub">
          {runbook && <SourceInfo source={runbook.source} />}
          <SessionInfo />
        </div>
      </div>
      <div className="topbar-actions">
        <OperatorInput />
        <button type="button" className="btn" data-testid="open-runbook" onClick={openRunbook} title="Open a markdown runbook (or drop one on the window)">
          Open…
        </button>
        {runbook?.source.writable && <WriteTicksButton />}
        {runbook && <NewSessionButton />}
        <ThemeToggle />
        <RollbackButton />
      </div>
    </header>
  );
}
