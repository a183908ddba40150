/**
 * The alarm banner once a rollback has run (main's window state machine,
 * shared/window-model.ts): what ran, when and by whom, its steps' own
 * checks, and the metric on its way back to its line; then "recovered"
 * when the metrics are back inside their lines. It never offers
 * "Roll back now" for a rollback that already ran, only after one failed.
 */
import { useState } from 'react';
import type { TriggerView } from '../../../../shared/gate-model';
import type { WindowView } from '../../../../shared/window-model';
import { formatValueAgainst } from '../../../../shared/format';
import { lineText } from '../../../../shared/alarm-rule';
import { windowHeadline } from '../../../../shared/window-words';
import { useControl } from '../control/control-store';
import './window-banner.css';

const WORDS: Partial<Record<WindowView['state'], string>> = {
  'rolling-back': 'ROLLING BACK',
  recovering: 'ROLLED BACK',
  recovered: 'RECOVERED',
  'rollback-failed': 'ROLLBACK FAILED',
};

/** Whether the window state is one this row tells (a rollback ran). */
export function showsWindowRow(view: WindowView | null): view is WindowView {
  return view !== null && WORDS[view.state] !== undefined;
}

export function WindowRow({ view, trigger }: { view: WindowView; trigger: TriggerView | null }) {
  const { title, body } = windowHeadline(view);
  const [seen, setSeen] = useState<string | null>(null);
  if (view.state === 'recovered' && seen === view.since) return null;
  return (
    <div className="window-banner" role="status" data-testid="window-banner" data-state={view.state}>
      <span className="window-word">{WORDS[view.state]}</span>
      <span className="window-headline" data-testid="window-headline">
        {title}
      </span>
      {body && (
        <span className="window-detail" data-testid="window-detail">
          {body}
        </span>
      )}
      {(view.state === 'recovering' || view.state === 'rolling-back') && trigger && <MetricComingBack trigger={trigger} />}
      {view.state === 'rollback-failed' && (
        <button type="button" className="btn alarm-rollback" data-testid="alarm-rollback" onClick={() => useControl.getState().setRollbackOpen(true)}>
          Roll back now…
        </button>
      )}
      {view.state === 'recovered' && (
        <button type="button" className="btn btn-small" data-testid="window-seen" onClick={() => setSeen(view.since)}>
          Seen
        </button>
      )}
    </div>
  );
}

/** "error_rate 3.10 % now, from 6.62 % · line > 2 %", with a bar that empties as the value comes back to its line. */
function MetricComingBack({ trigger }: { trigger: TriggerView }) {
  // The worst reading seen since the rollback began: where the bar starts from.
  const [worst, setWorst] = useState<number | null>(null);
  const value = trigger.value;
  const upward = trigger.op === '>' || trigger.op === '>=';
  // Derived state kept across readings (React's "adjust state while rendering"): only a worse reading moves it.
  if (value !== null && (worst === null || (upward ? value > worst : value < worst))) setWorst(value);
  const line = trigger.threshold;
  const from = worst;
  const left = value === null || line === undefined || from === null || from === line ? null : Math.max(0, Math.min(1, (value - line) / (from - line)));
  return (
    <span className="window-metric" data-testid="window-metric">
      {trigger.metric} {formatValueAgainst(value, trigger.unit, line)} now
      {from !== null && from !== value ? `, from ${formatValueAgainst(from, trigger.unit, line)}` : ''}
      {lineText(trigger) ? ` · line ${lineText(trigger)}` : ''}{' '}
      {left !== null && (
        <span className="window-meter" role="img" aria-label={`${Math.round(left * 100)} % of the way from the worst reading back to the line still to go`}>
          <span style={{ width: `${Math.round(left * 100)}%` }} />
        </span>
      )}
    </span>
  );
}
