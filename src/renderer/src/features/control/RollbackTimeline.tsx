/**
 * A rollback run as it happens: each step with its status, message and
 * times, then the result and the time from the press to the last verified
 * step. Fed by rollbackProgress events, so it moves while main works.
 */
import type { RollbackRun } from '../../../../shared/control-model';
import { between, formatClock } from './format';
import { formatDuration } from '../../../../shared/format';
import { OutcomeBadge, outcomeSentence } from './Outcome';

export function RollbackTimeline({ run }: { run: RollbackRun }) {
  return (
    <div className="rollback-run" data-testid="rollback-run" data-outcome={run.outcome}>
      <div className="rollback-run-head">
        <strong>Plan {run.plan}</strong>
        <span className="muted">
          {' '}
          started {formatClock(run.startedAt)}
          {run.by ? ` by ${run.by}` : ''}
        </span>
        {run.resumed && <span className="badge badge-muted rollback-resumed">resumed after a restart</span>}
      </div>
      <ol className="rollback-steps">
        {run.steps.map((step) => {
          const took = between(step.startedAt, step.endedAt);
          return (
            <li key={step.index} className={`rollback-step step-${step.outcome}`} data-testid="rollback-step" data-outcome={step.outcome}>
              <span className="rollback-step-dot" aria-hidden="true" />
              <div className="rollback-step-body">
                <div className="rollback-step-line">
                  <span className="rollback-step-title">
                    {step.index + 1}. {step.title}
                  </span>
                  <OutcomeBadge outcome={step.outcome} />
                </div>
                {step.message && <div className="rollback-step-message">{outcomeSentence(step.outcome, step.message)}</div>}
                {step.startedAt && (
                  <div className="rollback-step-time muted">
                    {formatClock(step.startedAt)}
                    {took !== null ? ` · ${formatDuration(took)}` : ''}
                  </div>
                )}
              </div>
            </li>
          );
        })}
      </ol>
      {run.endedAt && <RollbackResult run={run} />}
    </div>
  );
}

function RollbackResult({ run }: { run: RollbackRun }) {
  const time = run.pressToVerifiedMs;
  let text: string;
  if (run.outcome === 'ok') text = 'Rolled back and verified.';
  else if (run.outcome === 'failed') {
    const failed = run.steps.find((s) => s.outcome === 'failed');
    text = failed ? `Rollback failed at step ${failed.index + 1} (${failed.title}): ${failed.message}` : 'Rollback failed.';
  } else {
    const unknown = run.steps.find((s) => s.outcome === 'unknown');
    text = unknown ? `Rollback stopped at step ${unknown.index + 1}: ${outcomeSentence('unknown', unknown.message)}` : 'Rollback ended without a verified outcome.';
  }
  return (
    <div className={`rollback-result result-${run.outcome}`} data-testid="rollback-result" data-outcome={run.outcome} role="status">
      {text}
      {run.outcome === 'ok' && time !== null && (
        <span className="rollback-time">
          <span className="rollback-time-value" data-testid="rollback-time" data-ms={Math.round(time)}>
            {formatDuration(time)}
          </span>
          <span className="rollback-time-label">from press to verified</span>
        </span>
      )}
    </div>
  );
}
