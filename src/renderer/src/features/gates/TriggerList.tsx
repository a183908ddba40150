/**
 * The rollback triggers and their state: quiet, holding (for how long, of
 * the stated duration), firing, or unknown when there is no data (never
 * shown as healthy). Opted-in automatic rollbacks are marked.
 */
import type { TriggerView } from '../../../../shared/gate-model';
import { triggerStateText } from './gates-alarm';
import { formatValue } from '../../../../shared/format';

export function TriggerList({ triggers }: { triggers: TriggerView[] }) {
  if (triggers.length === 0) return null;
  return (
    <div className="trigger-list">
      <h3 className="gate-subtitle">Rollback triggers</h3>
      <ul>
        {triggers.map((t) => (
          <li key={t.id} className={`trigger trigger-${t.state} trigger-${t.severity}${t.acknowledged ? ' acknowledged' : ''}`} data-testid="trigger" data-trigger={t.id} data-state={t.state}>
            <span className="trigger-state" data-testid="trigger-state">
              {triggerStateText(t)}
            </span>
            <span className="trigger-text" title={t.condition}>
              {t.text}
              {t.condition && <span className="trigger-condition mono"> ({t.condition})</span>}
            </span>
            <span className="trigger-value mono">{formatValue(t.value, t.unit)}</span>
            {t.autoRollback && <span className="trigger-auto">auto-rollback</span>}
            {t.line !== null && <span className="criterion-line">line {t.line}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
