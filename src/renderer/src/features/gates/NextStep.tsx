/**
 * The next phase's flag step. While a gate holds it (no go at the gate
 * before it, or a red trigger firing; main's gate policy says which) the
 * button is disabled with the reason beside it, and "Override…" opens the
 * confirmation, which asks for the reason to go anyway. It is the same flag
 * confirmation as the control panel (from → to, who it reaches), so a step
 * taken from the gate is no less deliberate.
 */
import { useState } from 'react';
import type { GatesState } from '../../../../shared/gate-model';
import { useControl } from '../control/control-store';
import { NOT_CONNECTED_REASON, useConnected } from '../connection/connection';
import { FlagConfirm } from '../control/FlagConfirm';

export function NextStep({ state }: { state: GatesState }) {
  const step = state.nextStep;
  const flag = useControl((s) => (step ? (s.control?.flags.find((f) => f.name === step.flag) ?? null) : null));
  const [open, setOpen] = useState(false);
  const connected = useConnected();
  const enforced = state.enforce !== false;
  const held = step && enforced ? state.nextStepBlockedBy : null;
  if (!step) {
    return state.nextStepBlockedBy ? (
      <p className="next-step-blocked muted" data-testid="next-step-blocked">
        Next flag step: {state.nextStepBlockedBy}
      </p>
    ) : null;
  }
  const phase = state.phases.find((p) => p.id === step.phaseId);
  return (
    <div className="next-step" data-testid="next-step">
      <button type="button" className="btn btn-primary" data-testid="next-step-button" disabled={!flag || !connected || held !== null} title={connected ? (held ?? undefined) : NOT_CONNECTED_REASON} onClick={() => setOpen(true)}>
        Next: set {step.flag} to {step.percent}%…
      </button>
      <span className="muted">{phase ? ` starts ${phase.title}` : ''}</span>
      {held !== null && (
        <p className="next-step-blocked" data-testid="next-step-held">
          Held: {held}{' '}
          <button type="button" className="btn btn-small" data-testid="next-step-override" disabled={!flag || !connected} onClick={() => setOpen(true)}>
            Override…
          </button>
        </p>
      )}
      {!enforced && state.nextStepBlockedBy && (
        <p className="next-step-blocked muted" data-testid="next-step-advisory">
          The gates say wait (advisory in this profile): {state.nextStepBlockedBy}
        </p>
      )}
      {!flag && <p className="control-error">The profile binds no flag named {step.flag}, so it cannot be set from here.</p>}
      {open && flag && <FlagConfirm flag={flag} percent={step.percent} onClose={() => setOpen(false)} />}
    </div>
  );
}
