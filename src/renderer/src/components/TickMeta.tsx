/** "✓ Ana · 02:14": who ticked an item in this session and when; the exact time on hover. */
import { formatWhen } from '../lib/format-time';

export function TickMeta({ by, at }: { by: string | null; at: string }) {
  return (
    <span className="tick-meta" data-testid="tick-meta" title={`Ticked ${at}${by ? ` by ${by}` : ''}`}>
      ✓ {by ?? 'unnamed operator'} · <time dateTime={at}>{formatWhen(at)}</time>
    </span>
  );
}
