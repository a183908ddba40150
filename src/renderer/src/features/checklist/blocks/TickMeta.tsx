/** "✓ Ana · 02:14": who ticked an item in this session and when; the exact time on hover. */
import { formatWhen } from '../../../lib/format-time';

/** `dated`: always with the date (on paper there is no "today" and no hover). */
export function TickMeta({ by, at, dated = false }: { by: string | null; at: string; dated?: boolean }) {
  return (
    <span className="tick-meta" data-testid="tick-meta" title={`Ticked ${at}${by ? ` by ${by}` : ''}`}>
      ✓ {by ?? 'unnamed operator'} · <time dateTime={at}>{formatWhen(at, dated ? new Date(0) : undefined)}</time>
    </span>
  );
}
