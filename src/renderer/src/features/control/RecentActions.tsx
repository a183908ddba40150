/** The recent actions, newest first: when, who, what, and the honest outcome with what is known. */
import type { ActionRecord } from '../../../../shared/control-model';
import { formatClock } from './format';
import { formatDuration } from '../../../../shared/format';
import { OutcomeBadge, outcomeSentence } from './Outcome';

const SHOWN = 20;

export function RecentActions({ actions }: { actions: ActionRecord[] }) {
  if (actions.length === 0) return null;
  const newestFirst = actions.slice(-SHOWN).reverse();
  return (
    <section className="control-section recent" aria-labelledby="recent-title">
      <div className="control-section-head">
        <h3 id="recent-title">Recent actions</h3>
      </div>
      <ul className="recent-list">
        {newestFirst.map((action) => (
          <li key={action.id} className="recent-action" data-testid="recent-action" data-outcome={action.outcome}>
            <div className="recent-line">
              <span className="recent-time mono">{formatClock(action.startedAt)}</span>
              <span className="recent-title">{action.title}</span>
              <OutcomeBadge outcome={action.outcome} />
            </div>
            <div className="recent-detail muted">
              {action.by ?? 'unknown operator'}
              {action.durationMs !== null ? ` · ${formatDuration(action.durationMs)}` : ''}
              {action.message ? ` · ${outcomeSentence(action.outcome, action.message)}` : ''}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
