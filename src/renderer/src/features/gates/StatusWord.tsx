/** Pass, fail or unknown in words and in colour: a colour alone never carries a verdict. */
import type { CriterionStatus } from '../../../../shared/gate-model';

const WORDS: Record<CriterionStatus, string> = { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN' };

export function StatusWord({ status }: { status: CriterionStatus }) {
  return (
    <span className={`gate-status gate-status-${status}`} data-testid="status-word" data-status={status}>
      {WORDS[status]}
    </span>
  );
}
