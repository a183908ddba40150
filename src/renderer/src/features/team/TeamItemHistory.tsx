/**
 * An item's history as the whole team sees it (issue 16): every tick,
 * untick and note, with its author and time, in the merged order, the
 * entries still in this laptop's outbox marked "not yet shared". Notes are
 * always listed (they replace the local note list); the ticks and unticks
 * too when the item is focused or more than one was made, so an offline
 * tick and someone else's untick are both in view.
 */
import type { TeamItem } from '../../../../shared/team-model';
import { itemEventWords } from '../../../../shared/team-words';
import { formatWhen } from '../../lib/format-time';

export function TeamItemHistory({ item, expanded }: { item: TeamItem; expanded: boolean }) {
  const tickEvents = item.history.filter((e) => e.kind !== 'note').length;
  const all = expanded || tickEvents > 1;
  const shown = item.history.map((event, index) => ({ event, index })).filter(({ event }) => all || event.kind === 'note');
  if (shown.length === 0) return null;
  return (
    <ul className="team-history" aria-label="History in the team" data-testid="team-history">
      {shown.map(({ event, index }) => (
        <li key={`${event.seq ?? 'outbox'}-${index}`} data-testid="team-history-event" data-kind={event.kind} data-shared={event.seq === null ? 'false' : 'true'}>
          {itemEventWords(event)} · <time dateTime={event.at} title={event.at}>{formatWhen(event.at)}</time>
          {event.seq === null && <span className="team-item-unshared"> · not yet shared</span>}
        </li>
      ))}
    </ul>
  );
}
