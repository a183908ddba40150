/**
 * Starts a fresh run of the same runbook. It asks first: a new session
 * starts with no ticks, and at 2 a.m. that should never be one misclick away.
 * The question is its own piece, so the top bar's "More" menu asks it too.
 */
import { useEffect, useRef, useState } from 'react';
import { startNewSession } from '../../checklist/store/commands';

export function NewSessionButton() {
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="popover-anchor">
      <button type="button" className="btn" data-testid="new-session" aria-expanded={confirming} onClick={() => setConfirming(!confirming)}>
        New session
      </button>
      {confirming && <NewSessionConfirm onClose={() => setConfirming(false)} />}
    </div>
  );
}

/** The confirmation popover; place it inside a .popover-anchor. */
export function NewSessionConfirm({ onClose }: { onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const cancelRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    cancelRef.current?.focus();
  }, []);

  const start = async () => {
    setBusy(true);
    await startNewSession();
    setBusy(false);
    onClose();
  };

  return (
    <div
      className="popover"
      role="dialog"
      aria-label="Start a new session"
      data-testid="new-session-confirm"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.preventDefault();
          event.stopPropagation();
          onClose();
        }
      }}
    >
      <p>Start a fresh run of this runbook? The new session starts with no ticks or notes; the current session&apos;s journal is kept.</p>
      <div className="popover-actions">
        {/* Cancel takes the focus, so a stray Enter changes nothing. */}
        <button ref={cancelRef} type="button" className="btn" onClick={onClose} disabled={busy}>
          Cancel
        </button>
        <button type="button" className="btn btn-danger" data-testid="confirm-new-session" onClick={() => void start()} disabled={busy}>
          {busy ? 'Starting…' : 'Start new session'}
        </button>
      </div>
    </div>
  );
}
