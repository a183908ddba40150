/**
 * The reason a person types for the journal (to hold, roll back, cancel an
 * automatic rollback or acknowledge an alarm): one length limit, the one
 * main enforces, and a complaint about it that goes away as soon as the
 * person edits it. Shared by the gate's decision form and the alarm's reason
 * forms, whose layouts and rules for an empty reason differ.
 */
import { useState, type ChangeEvent } from 'react';
import { LIMITS } from '../../../../shared/contract-names';

export function useReasonField() {
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  /** Spread onto the <input> or <textarea>. */
  const fieldProps = {
    maxLength: LIMITS.reasonChars,
    value: reason,
    'aria-invalid': problem !== null,
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => {
      setReason(event.target.value);
      setProblem(null);
    },
  };
  return { reason, setReason, problem, setProblem, fieldProps };
}
