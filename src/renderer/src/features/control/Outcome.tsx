/**
 * One way to show an outcome everywhere in the control panel: ok green,
 * failed red, unknown amber with what is known, running and pending
 * neutral. "Unknown" is said in words, never as a colour alone.
 */
import type { Outcome as OutcomeName } from '../../../../shared/control-model';

const LABELS: Record<OutcomeName | 'pending', string> = {
  pending: 'Pending',
  running: 'Running…',
  ok: 'OK',
  failed: 'Failed',
  unknown: 'Unknown',
};

export function OutcomeBadge({ outcome }: { outcome: OutcomeName | 'pending' }) {
  return <span className={`outcome-badge outcome-${outcome}`}>{LABELS[outcome]}</span>;
}

/** The sentence under an outcome; for unknown it leads with what that means. */
export function outcomeSentence(outcome: OutcomeName | 'pending', message: string): string {
  if (outcome !== 'unknown') return message;
  const lead = 'Not known whether it landed';
  return message.toLowerCase().startsWith('not known') ? message : message ? `${lead}: ${message}` : `${lead}.`;
}
