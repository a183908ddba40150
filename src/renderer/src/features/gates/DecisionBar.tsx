/**
 * Go, Hold and Roll back at a gate, each a deliberate act: choosing one
 * opens its form, and nothing is recorded until it is confirmed. Hold and
 * Roll back need a reason; a go past a failing or unknown criterion needs
 * an explicit "go anyway, because…". A rollback decision, once recorded,
 * opens the rollback dialog, where the plan still needs its hold.
 */
import { useState } from 'react';
import type { GateView } from '../../../../shared/gate-model';
import { useControl } from '../control/control-store';
import { decideGate } from './gates-calls';
import { decisionProblem, unmetCriteria, type Decision } from './gates-decision';
import { errorText } from '../shell/feedback-slice';
import { useReasonField } from './useReasonField';

const LABEL: Record<Decision, string> = { go: 'Go', hold: 'Hold', rollback: 'Roll back' };

export function DecisionBar({ gate }: { gate: GateView }) {
  const [chosen, setChosen] = useState<Decision | null>(null);
  return (
    <div className="decision-bar">
      <div className="decision-buttons" role="group" aria-label="Decision at this gate">
        {(['go', 'hold', 'rollback'] as const).map((decision) => (
          <button
            key={decision}
            type="button"
            className={`btn decision-${decision}`}
            data-testid={`decide-${decision}`}
            aria-pressed={chosen === decision}
            onClick={() => setChosen(chosen === decision ? null : decision)}
          >
            {LABEL[decision]}…
          </button>
        ))}
      </div>
      {chosen && <DecisionForm key={chosen} gate={gate} decision={chosen} onDone={() => setChosen(null)} />}
    </div>
  );
}

function DecisionForm({ gate, decision, onDone }: { gate: GateView; decision: Decision; onDone: () => void }) {
  const { reason, problem, setProblem, fieldProps, labelProps } = useReasonField();
  const [busy, setBusy] = useState(false);
  const unmet = unmetCriteria(gate);
  const goAnyway = decision === 'go' && unmet.length > 0;

  const label = decision === 'hold' ? 'Why hold?' : decision === 'rollback' ? 'Why roll back?' : goAnyway ? 'Go anyway, because…' : 'Note (optional)';

  const submit = async () => {
    const missing = decisionProblem(gate, decision, reason);
    if (missing) {
      setProblem(missing);
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await decideGate(gate.id, decision, reason);
      onDone();
      if (decision === 'rollback') useControl.getState().setRollbackOpen(true);
    } catch (err) {
      setProblem(errorText(err));
      setBusy(false);
    }
  };

  return (
    <form
      className={`decision-form decision-form-${decision}`}
      data-testid="decision-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {goAnyway && (
        <p className="decision-warning" data-testid="go-anyway-warning">
          Not every criterion passes: {unmet.map((c) => `“${c.text}” is ${c.status}`).join('; ')}.
        </p>
      )}
      <label className="decision-label" {...labelProps}>
        {label}
      </label>
      <textarea
        className="decision-reason"
        data-testid="decision-reason"
        rows={2}
        {...fieldProps}
      />
      {problem && (
        <p className="control-error" role="alert" data-testid="decision-problem">
          {problem}
        </p>
      )}
      <div className="decision-form-actions">
        <button type="button" className="btn btn-small" onClick={onDone}>
          Cancel
        </button>
        <button type="submit" className={decision === 'rollback' ? 'btn btn-small btn-danger' : 'btn btn-small btn-primary'} data-testid="decision-confirm" disabled={busy}>
          {busy ? 'Recording…' : decision === 'go' ? (goAnyway ? 'Record: go anyway' : 'Record: go') : decision === 'hold' ? 'Record: hold' : 'Record: roll back'}
        </button>
      </div>
    </form>
  );
}
