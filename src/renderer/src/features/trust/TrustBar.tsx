/**
 * Whether the open runbook may act, always in view at the top of the live
 * column: review mode says so plainly and offers "Review and trust…"; a
 * changed runbook says what changed; a trusted one says who approved it.
 */
import { useState } from 'react';
import { useStore } from '../checklist/store/store';
import { formatClock } from '../control/format';
import { TrustDialog } from './TrustDialog';
import { MakeLiveForm } from '../../features/profile/MakeLiveForm';
import { revokeTrust } from './trust-calls';
import './trust.css';

export function TrustBar() {
  const trust = useStore((s) => s.cockpit?.trust ?? null);
  const [open, setOpen] = useState(false);
  const [making, setMaking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The bundled demo has its profile; any other runbook can have one drafted from what it names.
  const canMakeLive = useStore((s) => s.cockpit?.runbook?.source.origin !== 'demo');
  if (!trust) return null;
  const makeLive = canMakeLive && (
    <button type="button" className="btn btn-small" data-testid="make-live" onClick={() => setMaking(true)}>
      Make this runbook live…
    </button>
  );
  const makeLiveForm = making && (
    <MakeLiveForm
      onClose={() => setMaking(false)}
      onSaved={() => {
        setMaking(false);
        // Straight to the approval of what the new profile would do.
        setOpen(true);
      }}
    />
  );
  if (trust.state === 'inert') {
    if (!canMakeLive) return null;
    return (
      <section className="trust-bar trust-inert" data-testid="trust-bar" data-state={trust.state} aria-label="Trust">
        <p className="trust-text">Nothing in this runbook reaches a host yet: it has no deployment profile.</p>
        <div className="trust-actions">{makeLive}</div>
        {makeLiveForm}
        {open && <TrustDialog trust={trust} onClose={() => setOpen(false)} />}
      </section>
    );
  }
  const review = trust.state === 'untrusted' || trust.state === 'changed';
  return (
    <section className={`trust-bar trust-${trust.state}`} data-testid="trust-bar" data-state={trust.state} aria-label="Trust">
      {review ? (
        <p className="trust-text">
          <strong>{trust.state === 'changed' ? 'Changed since approved — review mode.' : 'Review mode.'}</strong>{' '}
          {trust.state === 'changed'
            ? `${trust.changes.length} change${trust.changes.length === 1 ? '' : 's'} to what it would do. Nothing in it reaches a host, a credential or a program until you approve again.`
            : 'You can read, tick, annotate and rehearse. Nothing in it reaches a host, a credential or a program until you approve what it would do.'}
        </p>
      ) : (
        <p className="trust-text">
          Trusted{trust.implicit ? ` as ${trust.implicit}` : ` — approved by ${trust.approvedBy ?? 'someone'}${trust.approvedAt ? ` at ${formatClock(trust.approvedAt)}` : ''}`}.
        </p>
      )}
      <div className="trust-actions">
        <button type="button" className={review ? 'btn btn-small btn-primary' : 'btn btn-small'} data-testid="trust-review" onClick={() => setOpen(true)}>
          {review ? (trust.state === 'changed' ? 'Review changes…' : 'Review and trust…') : 'What it may do'}
        </button>
        {makeLive}
        {!review && !trust.implicit && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="trust-revoke"
            onClick={() => {
              setError(null);
              revokeTrust().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
            }}
          >
            Withdraw trust
          </button>
        )}
      </div>
      {error && (
        <p className="trust-error" role="alert">
          {error}
        </p>
      )}
      {makeLiveForm}
      {open && <TrustDialog trust={trust} onClose={() => setOpen(false)} />}
    </section>
  );
}
