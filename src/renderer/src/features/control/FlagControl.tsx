/**
 * One feature flag: its value as last read back, the profile's steps as
 * buttons, a field for another percentage, and the outcome of the last
 * write said honestly. Every change goes through a confirmation that shows
 * who it reaches; a percentage outside 0–100 never leaves this component.
 * A step a gate holds (main's gate policy: a red trigger firing, a gate
 * without a go) is disabled with the reason shown, and "Override…" opens
 * the confirmation for the first held step, which asks for a reason.
 */
import { useState } from 'react';
import type { FlagView } from '../../../../shared/control-model';
import { readFlag } from './control-calls';
import { useControl } from './control-store';
import { NOT_CONNECTED_REASON, useConnected } from '../connection/connection';
import { errorText } from '../shell/feedback-slice';
import { FlagConfirm } from './FlagConfirm';
import { FlagValue } from './FlagValue';
import { formatClock } from './format';
import { OutcomeBadge, outcomeSentence } from './Outcome';
import { parsePercent } from './percent';
import { useGates } from '../gates/gates-store';
import { flagHoldOf } from '../gates/useFlagHold';

export function FlagControl({ flag }: { flag: FlagView }) {
  const outcome = useControl((s) => s.flagOutcomes[flag.name]);
  const [target, setTarget] = useState<number | null>(null);
  const [custom, setCustom] = useState('');
  const [customError, setCustomError] = useState<string | null>(null);
  const [reading, setReading] = useState(false);
  const [readError, setReadError] = useState<string | null>(null);
  const connected = useConnected();
  const gates = useGates((s) => s.gates);
  const holdOf = (step: number) => flagHoldOf(gates, flag.name, flag.value, step).held;
  const firstHeld = flag.steps.find((step) => holdOf(step) !== null) ?? null;

  const reread = async () => {
    setReading(true);
    setReadError(null);
    try {
      await readFlag(flag.name);
    } catch (err) {
      setReadError(errorText(err));
    } finally {
      setReading(false);
    }
  };

  const submitCustom = () => {
    const parsed = parsePercent(custom);
    if (!parsed.ok) {
      setCustomError(parsed.message);
      return;
    }
    setCustomError(null);
    setTarget(parsed.value);
  };

  return (
    <div className="flag-control" data-testid="flag-control" data-flag={flag.name}>
      <div className="flag-head">
        <span className="flag-name mono">{flag.name}</span>
        <button type="button" className="btn btn-small btn-ghost" onClick={() => void reread()} disabled={reading} title="Read the flag again from its backend">
          {reading ? 'Reading…' : 'Read'}
        </button>
      </div>
      <FlagValue flag={flag} />
      {readError && <p className="control-error">{readError}</p>}
      {flag.guard && (
        <p className="flag-guard" data-testid="flag-guard">
          Guarded at {flag.guard.value} by rollback {flag.guard.runId} until {formatClock(flag.guard.until)}: {flag.guard.watching.length} earlier write
          {flag.guard.watching.length === 1 ? ' is' : 's are'} still unknown.
        </p>
      )}
      {flag.drift && (
        <p className="control-error" data-testid="flag-drift">
          Reads {flag.drift.seen}, but Flightdeck last wrote {flag.drift.expected}: changed outside Flightdeck.
        </p>
      )}
      <div className="flag-steps" role="group" aria-label={`${flag.name} steps`}>
        {flag.steps.map((step) => (
          <button
            key={step}
            type="button"
            className={flag.value === step ? 'flag-step current' : 'flag-step'}
            data-testid="flag-step"
            data-percent={step}
            aria-pressed={flag.value === step}
            disabled={!connected || holdOf(step) !== null}
            data-held={holdOf(step) !== null}
            title={connected ? (holdOf(step) ?? undefined) : NOT_CONNECTED_REASON}
            onClick={() => setTarget(step)}
          >
            {step}%
          </button>
        ))}
      </div>
      {firstHeld !== null && (
        <p className="flag-held" data-testid="flag-held">
          <span>Raising is held: {holdOf(firstHeld)}</span>{' '}
          <button type="button" className="btn btn-small" data-testid="flag-override-open" disabled={!connected} onClick={() => setTarget(firstHeld)}>
            Override…
          </button>
        </p>
      )}
      <form
        className="flag-custom"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submitCustom();
        }}
      >
        <label className="visually-hidden" htmlFor={`flag-custom-${flag.name}`}>
          Another percentage for {flag.name}
        </label>
        <input
          id={`flag-custom-${flag.name}`}
          data-testid="flag-custom"
          inputMode="decimal"
          autoComplete="off"
          placeholder="other %"
          value={custom}
          aria-invalid={customError !== null}
          onChange={(event) => {
            setCustom(event.target.value);
            setCustomError(null);
          }}
        />
        <button type="submit" className="btn btn-small" data-testid="flag-custom-set">
          Set…
        </button>
      </form>
      {customError && (
        <p className="control-error" role="alert" data-testid="flag-custom-error">
          {customError}
        </p>
      )}
      {outcome && (
        <div className={`action-outcome outcome-line-${outcome.outcome}`} data-testid="action-outcome" data-outcome={outcome.outcome}>
          <OutcomeBadge outcome={outcome.outcome} />
          <span className="action-outcome-text">{outcomeSentence(outcome.outcome, outcome.message)}</span>
          <span className="muted"> {formatClock(outcome.endedAt ?? outcome.startedAt)}</span>
        </div>
      )}
      {target !== null && <FlagConfirm flag={flag} percent={target} onClose={() => setTarget(null)} />}
    </div>
  );
}
