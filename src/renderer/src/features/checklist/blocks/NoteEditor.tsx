/**
 * The inline note editor: Enter saves, Shift+Enter starts a new line,
 * Escape cancels. It closes only once main has the note on disk; on an
 * error the text stays so nothing typed at 2 a.m. is lost.
 */
import { useId, useState, type KeyboardEvent } from 'react';
import { LIMITS } from '../../../../../shared/contract-names';
import { addNote } from '../store/commands';
import { useStore } from '../store/store';

export function NoteEditor({ itemId, itemText, onDone }: { itemId: string; itemText: string; onDone: () => void }) {
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const id = useId();

  const close = () => {
    useStore.getState().openNoteEditor(null);
    onDone();
  };
  const save = async () => {
    if (saving || !text.trim()) return;
    setSaving(true);
    const ok = await addNote(itemId, text);
    setSaving(false);
    if (ok) close();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      event.stopPropagation();
      void save();
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  };

  return (
    <div className="note-editor" onClick={(event) => event.stopPropagation()}>
      <label htmlFor={id} className="visually-hidden">
        Note for: {itemText}
      </label>
      <textarea
        id={id}
        data-testid="note-input"
        autoFocus
        rows={2}
        maxLength={LIMITS.noteChars}
        value={text}
        // readOnly, not disabled: a disabled field drops the focus.
        readOnly={saving}
        aria-busy={saving}
        placeholder="Add a note…"
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="note-editor-bar">
        <span className="hint">Enter to save · Shift+Enter new line · Esc to cancel</span>
        <button type="button" className="btn btn-small" data-testid="note-cancel" onClick={close} disabled={saving}>
          Cancel
        </button>
        <button type="button" className="btn btn-small btn-primary" data-testid="note-save" onClick={() => void save()} disabled={saving || !text.trim()}>
          {saving ? 'Saving…' : 'Save note'}
        </button>
      </div>
    </div>
  );
}
