/** The notes of an item, oldest first, each with who wrote it and when. */
import type { NoteState } from '../../../../../shared/session-model';
import { formatWhen } from '../../../lib/format-time';

export function NoteList({ notes }: { notes: readonly NoteState[] }) {
  return (
    <ul className="notes" aria-label="Notes">
      {notes.map((note) => (
        <li key={note.seq} className="note" data-testid="note">
          <span className="note-text">{note.text}</span>
          <span className="note-meta" title={note.at}>
            {note.by ?? 'unnamed operator'} · <time dateTime={note.at}>{formatWhen(note.at)}</time>
          </span>
        </li>
      ))}
    </ul>
  );
}
