/** The session in one line: when it started, how long its journal is, and the head of its hash chain. */
import { formatWhen } from '../../../lib/format-time';
import { useStore } from '../../checklist/store/store';

const HEAD_HELP =
  'Chain head: the hash of the latest journal entry. Each entry includes the hash of the one before it, so any edit, reordering or removal of an entry changes this value. Compare it with the completion report to check the record is intact.';

export function SessionInfo() {
  const startedAt = useStore((s) => s.cockpit?.session?.startedAt);
  const entries = useStore((s) => s.cockpit?.session?.entries);
  const head = useStore((s) => s.cockpit?.session?.head);
  const closed = useStore((s) => Boolean(s.cockpit?.session?.closedAt));
  if (entries === undefined || head === undefined) {
    return null;
  }
  return (
    <span className="session-info" data-testid="session-info">
      <span title={startedAt}>started {startedAt ? formatWhen(startedAt) : '—'}</span>
      <span aria-hidden="true"> · </span>
      <span data-testid="session-entries">
        {entries} journal entr{entries === 1 ? 'y' : 'ies'}
      </span>
      <span aria-hidden="true"> · </span>
      <span className="chain-head" data-testid="session-head" title={`${HEAD_HELP}\n\n${head}`}>
        head {head.slice(0, 8)}
      </span>
      {closed && <span className="badge badge-muted">closed</span>}
    </span>
  );
}
