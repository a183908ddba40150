/**
 * One task item: the box, its text, who ticked it and when, its notes and
 * the note editor. Ticked means "main says it is on disk": while the call
 * is in flight the row shows pending and keeps its old state.
 */
import { memo, useEffect, useRef, type MouseEvent } from 'react';
import type { Inline } from '../../../../../shared/runbook-model';
import { isActivatable, isTypingTarget } from '../../../lib/typing-target';
import { toggleItem } from '../store/commands';
import { NOT_CONNECTED_REASON, useConnected } from '../../connection/connection';
import { useItem, useNotes, useTick } from '../store/selectors';
import { useStore } from '../store/store';
import { InlineText } from './InlineText';
import { NoteEditor } from './NoteEditor';
import { NoteList } from './NoteList';
import { TickMeta } from './TickMeta';
import { ItemBackups } from '../../backup/ItemBackups';
import { TickOffer } from '../TickOffer';
import { itemNotYetShared, lastTickEvent, teamChecked } from '../../../../../shared/team-words';
import { useTeamItem } from '../../team/team-store';
import { TeamItemHistory } from '../../team/TeamItemHistory';

interface Props {
  itemId: string;
  /** The text as the list entry has it; defaults to the item's. */
  inline?: readonly Inline[];
  /** Where the item lives, for rows shown out of their phase (search). */
  context?: string;
}

export const TaskItemRow = memo(function TaskItemRow({ itemId, inline, context }: Props) {
  const item = useItem(itemId);
  const tick = useTick(itemId);
  const notes = useNotes(itemId);
  const pending = useStore((s) => s.pendingTicks[itemId]);
  const focused = useStore((s) => s.focusedItemId === itemId);
  const editing = useStore((s) => s.noteEditorFor === itemId);
  const ref = useRef<HTMLDivElement>(null);
  const connected = useConnected();
  // Joined to a team: the whole team's merged view of the item wins over this laptop's journal alone.
  const teamItem = useTeamItem(itemId);

  useEffect(() => {
    if (focused) bringIntoView(ref.current);
  }, [focused]);

  if (!item) return null;
  const byTeam = teamChecked(teamItem);
  const checked = byTeam ?? (tick ? tick.checked : item.checked);
  const isPending = pending !== undefined;
  const checkedInFileOnly = item.checked && !tick?.checked && byTeam === null;
  const teamTick = byTeam === null ? null : lastTickEvent(teamItem);
  const unshared = itemNotYetShared(teamItem);

  const focus = () => {
    useStore.getState().focusItem(itemId);
    ref.current?.focus({ preventScroll: true });
  };
  const onRowClick = (event: MouseEvent) => {
    // Links, buttons and the editor inside the row act on their own.
    if (isActivatable(event.target)) return;
    focus();
  };
  const onBoxClick = (event: MouseEvent) => {
    event.stopPropagation();
    focus();
    void toggleItem(itemId);
  };
  const onNoteClick = (event: MouseEvent) => {
    event.stopPropagation();
    useStore.getState().focusItem(itemId);
    useStore.getState().openNoteEditor(editing ? null : itemId);
  };

  return (
    <div
      ref={ref}
      className={`item${checked ? ' checked' : ''}${isPending ? ' pending' : ''}`}
      data-testid="item"
      data-item-id={itemId}
      data-focused={focused ? 'true' : undefined}
      data-pending={isPending ? 'true' : undefined}
      role="checkbox"
      aria-checked={checked}
      aria-busy={isPending || undefined}
      aria-label={item.text}
      tabIndex={focused ? 0 : -1}
      onClick={onRowClick}
    >
      <div className="item-line">
        <button
          type="button"
          className="tick-box"
          data-testid="item-checkbox"
          tabIndex={-1}
          aria-label={checked ? `Untick: ${item.text}` : `Tick: ${item.text}`}
          title={!connected ? NOT_CONNECTED_REASON : isPending ? 'Saving to the journal…' : checked ? 'Untick (space)' : 'Tick (space)'}
          disabled={isPending || !connected}
          onClick={onBoxClick}
        >
          {isPending ? <span className="spinner" aria-hidden="true" /> : checked ? <span aria-hidden="true">✓</span> : null}
        </button>
        <span className="item-text">
          <InlineText nodes={inline ?? item.inline} />
        </span>
        <span className="item-meta">
          {teamTick ? (
            teamTick.kind === 'tick' && <TickMeta by={teamTick.author} at={teamTick.at} evidence={tick?.checked && tick.at === teamTick.at ? tick.evidence : undefined} />
          ) : (
            tick?.checked && <TickMeta by={tick.by} at={tick.at} evidence={tick.evidence} />
          )}
          {unshared && (
            <span className="team-item-unshared" data-testid="item-not-yet-shared" title="Kept on this laptop's journal; the team sees it once the team store holds it.">
              not yet shared
            </span>
          )}
          {checkedInFileOnly && (
            <span className="file-checked" data-testid="checked-in-file" title="The markdown file has this box checked; this session has not ticked it.">
              checked in file
            </span>
          )}
          {context && <span className="item-context">{context}</span>}
          <button type="button" className="note-btn" data-testid="note-button" aria-label={`Add a note to: ${item.text}`} title="Add a note (n)" onClick={onNoteClick}>
            ✎<span className="note-btn-label">Note</span>
          </button>
        </span>
      </div>
      <ItemBackups itemId={itemId} />
      {!checked && <TickOffer itemId={itemId} />}
      {teamItem ? <TeamItemHistory item={teamItem} expanded={focused} /> : notes && notes.length > 0 && <NoteList notes={notes} />}
      {editing && <NoteEditor itemId={itemId} itemText={item.text} onDone={() => ref.current?.focus({ preventScroll: true })} />}
    </div>
  );
});

/**
 * Keeps the keyboard-focused row on screen and gives it DOM focus, so that
 * Space after a click in the sidebar ticks the item rather than pressing
 * the sidebar button again. Not while the operator is typing (search, a
 * note) or has a dialog open.
 */
function bringIntoView(el: HTMLElement | null) {
  if (!el) return;
  el.scrollIntoView({ block: 'nearest' });
  const active = document.activeElement;
  if (isTypingTarget(active) || active?.closest('[role="dialog"]')) return;
  el.focus({ preventScroll: true });
}
