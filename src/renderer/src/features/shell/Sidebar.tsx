/** The left column: About, the phases with their progress, and the parser's warnings. */
import { useRunbook } from '../checklist/store/selectors';
import { PhaseNav } from '../checklist/PhaseNav';
import { WarningsList } from '../checklist/WarningsList';

export function Sidebar() {
  const runbook = useRunbook();
  if (!runbook) return null;
  return (
    <aside className="sidebar" aria-label="Runbook outline">
      <PhaseNav />
      {runbook.warnings.length > 0 && <WarningsList warnings={runbook.warnings} />}
    </aside>
  );
}
