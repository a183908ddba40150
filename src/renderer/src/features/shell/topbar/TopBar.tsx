/**
 * The strip across the top: what is open (runbook, source, session), who
 * is flying, and the commands that change what is open. ROLLBACK is last
 * and never shrinks; everything else gives way first: the title truncates
 * (all of it on hover), and below FOLD_QUERY the secondary commands fold
 * into the "More" menu.
 */
import { useRunbook } from '../../checklist/store/selectors';
import { RollbackButton } from '../../control/RollbackButton';
import { openRunbook } from '../FilePicker';
import { MoreMenu } from './MoreMenu';
import { NewSessionButton } from './NewSessionButton';
import { OperatorInput } from './OperatorInput';
import { SessionInfo } from './SessionInfo';
import { SourceInfo } from './SourceInfo';
import { ThemeToggle } from './ThemeToggle';
import { useMediaQuery } from './useMediaQuery';
import { WriteTicksButton } from './WriteTicksButton';

/** Below this width the inline commands would leave the title under about 280 px, so they fold into "More". */
export const FOLD_QUERY = '(max-width: 1200px)';

export function TopBar() {
  const runbook = useRunbook();
  const folded = useMediaQuery(FOLD_QUERY);
  const title = runbook ? runbook.title : 'No runbook open';
  return (
    <header className="topbar">
      <div className="brand" aria-label="Flightdeck">
        <span className="brand-mark" aria-hidden="true">
          ◆
        </span>
        <span className="brand-name">Flightdeck</span>
      </div>
      <div className="topbar-doc">
        <h1 className="runbook-title" data-testid="runbook-title" title={title}>
          {title}
        </h1>
        <div className="topbar-sub">
          {runbook && <SourceInfo source={runbook.source} />}
          <SessionInfo />
        </div>
      </div>
      <div className="topbar-actions">
        <OperatorInput />
        {folded ? (
          <MoreMenu />
        ) : (
          <>
            <button type="button" className="btn" data-testid="open-runbook" onClick={openRunbook} title="Open a markdown runbook (or drop one on the window)">
              Open…
            </button>
            {runbook?.source.writable && <WriteTicksButton />}
            {runbook && <NewSessionButton />}
            <ThemeToggle />
          </>
        )}
        <RollbackButton />
      </div>
    </header>
  );
}
