/**
 * The top bar's secondary commands folded into one menu button when the
 * window is narrow, so they never crowd ROLLBACK off the bar. A real menu
 * button (WAI-ARIA): it says it has a popup, ↓/↑ open it on the first/last
 * entry and move between entries, Home/End jump, Escape closes it and
 * gives the focus back to the button, Tab or a click elsewhere closes it.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { setTheme, writeTicksToFile } from '../../checklist/store/commands';
import { usePrefs, useRunbook } from '../../checklist/store/selectors';
import { openRunbook } from '../FilePicker';
import { NewSessionConfirm } from './NewSessionButton';
import { toggleTimeline, useTimeline } from '../../timeline/timeline-store';

interface Entry {
  id: string;
  label: string;
  act: () => void;
}

export function MoreMenu() {
  const runbook = useRunbook();
  const theme = usePrefs()?.theme ?? 'dark';
  const timelineOpen = useTimeline((s) => s.open);
  const [open, setOpen] = useState<false | 'first' | 'last'>(false);
  const [confirmingNew, setConfirmingNew] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const next = theme === 'dark' ? 'light' : 'dark';
  const entries: Entry[] = [
    { id: 'open-runbook', label: 'Open a runbook…', act: openRunbook },
    ...(runbook?.source.writable ? [{ id: 'write-ticks', label: 'Write ticks to file', act: () => void writeTicksToFile() }] : []),
    ...(runbook ? [{ id: 'new-session', label: 'New session…', act: () => setConfirmingNew(true) }] : []),
    ...(runbook ? [{ id: 'timeline', label: timelineOpen ? 'Close the timeline (t)' : 'Timeline of the window (t)', act: toggleTimeline }] : []),
    { id: 'theme', label: `Switch to the ${next} theme`, act: () => void setTheme(next) },
  ];

  const items = () => [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];

  // Opening puts the focus on the first (or, from ↑, the last) entry.
  useEffect(() => {
    if (!open) return;
    const all = items();
    (open === 'last' ? all[all.length - 1] : all[0])?.focus();
    const onPointerDown = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown, true);
    return () => document.removeEventListener('pointerdown', onPointerDown, true);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  const onButtonKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setOpen(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  // preventDefault also keeps these keys from the checklist's own shortcuts (↑/↓ move its focus).
  const onMenuKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const all = items();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    const focus = (i: number) => all[(i + all.length) % all.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        focus(at + 1);
        break;
      case 'ArrowUp':
        focus(at - 1);
        break;
      case 'Home':
        focus(0);
        break;
      case 'End':
        focus(all.length - 1);
        break;
      case 'Escape':
        close(true);
        break;
      case 'Tab':
        setOpen(false);
        return; // Tab moves on as usual.
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  };

  return (
    <div className="popover-anchor more-menu">
      <button
        ref={button}
        type="button"
        className="btn"
        data-testid="more-menu"
        aria-haspopup="menu"
        aria-expanded={open !== false}
        aria-controls={open ? menuId : undefined}
        title="Open a runbook, write ticks, start a new session, the timeline, switch the theme"
        onClick={() => setOpen(open ? false : 'first')}
        onKeyDown={onButtonKey}
      >
        More <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div ref={menu} id={menuId} className="menu" role="menu" aria-label="More commands" data-testid="more-menu-list" onKeyDown={onMenuKey}>
          {entries.map((entry) => (
            <button
              key={entry.id}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              data-testid={`more-${entry.id}`}
              onClick={() => {
                close(entry.id !== 'new-session');
                entry.act();
              }}
            >
              {entry.label}
            </button>
          ))}
        </div>
      )}
      {confirmingNew && (
        <NewSessionConfirm
          onClose={() => {
            setConfirmingNew(false);
            button.current?.focus();
          }}
        />
      )}
    </div>
  );
}
