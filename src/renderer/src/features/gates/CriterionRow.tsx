/**
 * One criterion of a gate: its text (with the runbook line), the measured
 * value in its unit, the verdict in words and colour, and the evidence a
 * reviewer can check. A criterion a machine cannot judge is asked of the
 * person: Yes or No with an optional note, and who answered and when.
 */
import { useState } from 'react';
import type { CriterionView } from '../../../../shared/gate-model';
import { LIMITS } from '../../../../shared/contract-names';
import { answerCriterion } from './gates-calls';
import { formatValue } from '../../../../shared/format';
import { errorText } from '../shell/feedback-slice';
import { formatClock } from '../control/format';
import { StatusWord } from './StatusWord';

export function CriterionRow({ gateId, criterion }: { gateId: string; criterion: CriterionView }) {
  const c = criterion;
  return (
    <li className={`criterion criterion-${c.status}`} data-testid="criterion" data-criterion={c.id} data-status={c.status} data-source={c.source}>
      <div className="criterion-head">
        <StatusWord status={c.status} />
        <span className="criterion-text">{c.text}</span>
        {c.value !== null && (
          <span className="criterion-value mono" data-testid="criterion-value">
            {formatValue(c.value, c.unit)}
          </span>
        )}
      </div>
      <div className="criterion-evidence" data-testid="criterion-evidence">
        {c.evidence}
        {c.line !== null ? <span className="criterion-line"> · line {c.line}</span> : <span className="criterion-line"> · from the profile</span>}
      </div>
      {c.source === 'person' && <PersonAnswer gateId={gateId} criterion={c} />}
    </li>
  );
}

function PersonAnswer({ gateId, criterion }: { gateId: string; criterion: CriterionView }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const answered = criterion.answer;

  const send = async (answer: 'yes' | 'no') => {
    setBusy(true);
    setError(null);
    try {
      await answerCriterion(gateId, criterion.id, answer, note);
      setNote('');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="person-answer">
      {answered && (
        <p className="person-answered" data-testid="criterion-answer">
          Answered <strong>{answered.answer === 'yes' ? 'Yes' : 'No'}</strong> by {answered.by ?? 'someone unnamed'} at {formatClock(answered.at)}
          {answered.note ? `: “${answered.note}”` : ''}
        </p>
      )}
      <div className="person-answer-row">
        <button type="button" className="btn btn-small" data-testid="answer-yes" disabled={busy} aria-pressed={answered?.answer === 'yes'} onClick={() => void send('yes')}>
          Yes
        </button>
        <button type="button" className="btn btn-small" data-testid="answer-no" disabled={busy} aria-pressed={answered?.answer === 'no'} onClick={() => void send('no')}>
          No
        </button>
        <input
          className="person-note"
          data-testid="answer-note"
          aria-label={`Note for “${criterion.text}” (optional)`}
          placeholder="note (optional)"
          maxLength={LIMITS.reasonChars}
          value={note}
          onChange={(event) => setNote(event.target.value)}
        />
      </div>
      {error && (
        <p className="control-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
