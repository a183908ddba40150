/**
 * Markers on the graphs' time axis come from the journal: one function
 * turns an entry into a marker, used for live entries as they are recorded
 * and for the whole journal when a session reopens, so a restart draws the
 * same markers as the live run did.
 */
import { formatDuration } from '../../../shared/format';
import type { EntryDataOf, JournalEntry } from '../../../shared/session-model';
import type { Marker } from '../../../shared/telemetry-model';

/** Titles of started actions, so a finished one can be labelled. */
export type ActionTitles = Map<string, { kind: string; title: string }>;

export function markerForEntry(entry: JournalEntry, titles: ActionTitles): Marker | null {
  const at = Date.parse(entry.ts);
  const who = entry.by ? ` (${entry.by})` : '';
  switch (entry.type) {
    case 'action.started': {
      const d = entry.data as EntryDataOf<'action.started'>;
      titles.set(d.actionId, { kind: d.kind, title: d.title });
      return null;
    }
    case 'action.finished': {
      const d = entry.data as EntryDataOf<'action.finished'>;
      const started = titles.get(d.actionId);
      if (!started || d.outcome === 'failed') return null;
      const kind = started.kind === 'flag' ? 'flag' : started.kind === 'command' ? 'command' : started.kind === 'backup' ? 'backup' : null;
      if (!kind) return null;
      return { at, kind, label: `${started.title}${d.outcome === 'unknown' ? ' (unconfirmed)' : ''}${who}` };
    }
    case 'rollback.started': {
      const d = entry.data as EntryDataOf<'rollback.started'>;
      return { at: Date.parse(d.pressedAt) || at, kind: 'rollback', label: `Rollback ${d.plan} started${who}` };
    }
    case 'rollback.finished': {
      const d = entry.data as EntryDataOf<'rollback.finished'>;
      const took = d.pressToVerifiedMs === null ? '' : ` in ${formatDuration(d.pressToVerifiedMs)}`;
      return { at, kind: 'rollback', label: `Rollback ${d.outcome}${took}` };
    }
    case 'baseline.captured':
      return { at, kind: 'baseline', label: `Baseline captured${who}` };
    default:
      return null;
  }
}
