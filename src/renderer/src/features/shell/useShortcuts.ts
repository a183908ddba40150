/**
 * The global keyboard handler. Letters act only when the operator is not
 * typing in a field; Escape always works, peeling one layer at a time:
 * help, note editor, search, then focus.
 */
import { useEffect } from 'react';
import { isActivatable, isTypingTarget } from '../../lib/typing-target';
import { toggleItem } from '../checklist/store/commands';
import { useControl } from '../control/control-store';
import { selectChecked } from '../checklist/store/selectors';
import { useStore } from '../checklist/store/store';
import { step } from '../checklist/store/navigation';
import { focusSearch, openResult, SEARCH_INPUT_ID } from '../checklist/search-keys';
import { acceptFocusedOffer } from '../checklist/tick-offer-calls';
import { toggleTimeline } from '../timeline/timeline-store';

export { SEARCH_INPUT_ID };

export function useShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === 'Escape') {
        escape(event.target);
        return;
      }
      if (isTypingTarget(event.target)) return;
      // preventDefault also keeps the key from being typed into whatever
      // field the action opens (the note editor after "n", search after "/").
      if (handleKey(event.key, event.target, event.shiftKey)) event.preventDefault();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}

/** Returns whether the key was a shortcut. */
function handleKey(key: string, target: EventTarget | null, shift: boolean): boolean {
  const s = useStore.getState();
  if (s.helpOpen) {
    if (key === '?') s.setHelpOpen(false);
    return key === '?' || key === ' ';
  }
  // Shift+R (not Caps Lock's R): the rollback dialog, with or without a checklist open; it only opens, the dialog asks for the hold.
  if (key === 'R' && shift) return (useControl.getState().setRollbackOpen(true), true);
  if (!s.cockpit?.runbook) return key === '?' ? (s.setHelpOpen(true), true) : false;
  switch (key) {
    case 'j':
    case 'ArrowDown':
    case 'k':
    case 'ArrowUp': {
      const next = step(s, key === 'j' || key === 'ArrowDown' ? 1 : -1);
      if (next) s.select(next.selectedPhaseId, next.focusedItemId);
      // Up from the first result: back to the search field.
      else if (s.search.trim() && (key === 'k' || key === 'ArrowUp')) focusSearch();
      return true;
    }
    case 'Enter':
      // A focused button or link answers Enter itself; a focused search result opens in its phase.
      if (isActivatable(target)) return false;
      return openResult();
    case ' ':
      // A focused button or link answers Space itself.
      if (isActivatable(target)) return false;
      if (s.focusedItemId && !(s.uncheckedOnly && selectChecked(s, s.focusedItemId))) void toggleItem(s.focusedItemId);
      return true;
    case 'n':
      if (s.focusedItemId && !(s.uncheckedOnly && selectChecked(s, s.focusedItemId))) s.openNoteEditor(s.focusedItemId);
      return true;
    case '/':
      focusSearch();
      return true;
    case 'a':
      return acceptFocusedOffer(s.focusedItemId);
    case 't':
      toggleTimeline();
      return true;
    case '?':
      s.setHelpOpen(true);
      return true;
    default:
      return false;
  }
}

function escape(target: EventTarget | null): void {
  const s = useStore.getState();
  if (s.helpOpen) {
    s.setHelpOpen(false);
    return;
  }
  if (s.noteEditorFor) {
    s.openNoteEditor(null);
    return;
  }
  const inSearch = target instanceof HTMLElement && target.id === SEARCH_INPUT_ID;
  if (s.search && (inSearch || !isTypingTarget(target))) {
    s.setSearch('');
    return;
  }
  if (target instanceof HTMLElement && target !== document.body) target.blur();
}
