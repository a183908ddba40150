/** Nothing open yet: say how to get a runbook in. */
import { openDemo } from './store/commands';
import { openRunbook } from '../shell/FilePicker';

export function EmptyState() {
  return (
    <div className="empty" data-testid="empty-state">
      <h2>No runbook open</h2>
      <p>Open your team&apos;s markdown deployment checklist, or drop the file anywhere on this window.</p>
      <div className="empty-actions">
        <button type="button" className="btn btn-primary" onClick={openRunbook}>
          Open a runbook…
        </button>
        <button type="button" className="btn" data-testid="open-demo" onClick={() => void openDemo()}>
          Open the demo runbook
        </button>
      </div>
    </div>
  );
}
