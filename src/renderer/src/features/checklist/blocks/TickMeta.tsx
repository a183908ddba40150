/** "✓ Ana · 02:14": who ticked an item in this session and when; the exact time (and any evidence) on hover. */
import type { TickEvidence } from '../../../../../shared/session-model';
import { formatWhen } from '../../../lib/format-time';

/** `dated`: always with the date (on paper there is no "today" and no hover). */
export function TickMeta({ by, at, dated = false, evidence }: { by: string | null; at: string; dated?: boolean; evidence?: TickEvidence | undefined }) {
  const why = evidence ? `\nOn Flightdeck's evidence: ${evidence.what}${evidence.readBack !== null ? `, read back ${evidence.readBack}` : ''}, ${evidence.at}${evidence.by ? ` by ${evidence.by}` : ''}` : '';
  return (
    <span className="tick-meta" data-testid="tick-meta" data-evidence={evidence?.act} title={`Ticked ${at}${by ? ` by ${by}` : ''}${why}`}>
      ✓ {by ?? 'unnamed operator'} · <time dateTime={at}>{formatWhen(at, dated ? new Date(0) : undefined)}</time>
      {evidence && <span className="tick-evidence"> · with evidence</span>}
    </span>
  );
}
