/**
 * The reason a person types for the journal (to hold, roll back, cancel an
 * automatic rollback or acknowledge an alarm): one length limit, the one
 * main enforces, and a complaint about it that goes away as soon as the
 * person edits it. Shared by the gate's decision form and the alarm's reason
 * forms, whose layouts and rules for an empty reason differ.
 *
 * Every reason box takes the focus as it appears, so the reason can be
 * typed at once, unless the person is already typing elsewhere (an
 * automatic rollback's countdown must not steal a half-written note); and
 * every one has a visible label: spread labelProps on its <label>.
 */
import { useId, useState, type ChangeEvent } from 'react';
import { LIMITS } from '../../../../shared/contract-names';
import { isTypingTarget } from '../../lib/typing-target';

export function useReasonField() {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const id = useId();
  // Decided once, as the box appears.
  const [autoFocus] = useState(() => !isTypingTarget(document.activeElement));
  /** Spread onto the <label>. */
  const labelProps = { htmlFor: id };
  /** Spread onto the <input> or <textarea>. */
  const fieldProps = {
    id,
    autoFocus,
    maxLength: LIMITS.reasonChars,
    value: reason,
    'aria-invalid': problem !== null,
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      setReason(event.target.value);
      setProblem(null);
    },
  };
  return { reason, setReason, problem, setProblem, fieldProps, labelProps };
}
