/** A flag's value as read back, with when, or why it could not be read. */
import type { FlagView } from '../../../../shared/control-model';
import { formatClock } from './format';

export function flagValueText(value: FlagView['value']): string {
  if (value === null) return 'unknown';
  return typeof value === 'number' ? `${value}%` : String(value);
}

export function FlagValue({ flag }: { flag: FlagView }) {
  return (
    <div className="flag-value" data-testid="flag-value" data-value={flag.value === null ? '' : String(flag.value)}>
      <span className="flag-value-number">{flagValueText(flag.value)}</span>
      <span className="flag-value-when muted">{flag.readAt ? `read ${formatClock(flag.readAt)}` : 'not read yet'}</span>
      {flag.readError && <span className="flag-read-error">{flag.readError}</span>}
    </div>
  );
}
