/**
 * The dialogs of the control panel (rollback, flag change, command). While
 * one is open, keys stay inside it: the checklist's shortcuts must not tick
 * an item behind a rollback dialog, and Tab cycles inside it (focus that
 * left it could tick an item with Space, which no listener can stop).
 * Escape and a click outside close it; focus returns to where it was.
 * It opens with the focus on the control marked data-autofocus, if any.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

interface Props {
  title: string;
  testId: string;
  onClose: () => void;
  className?: string;
  children: ReactNode;
}

export function ControlModal({ title, testId, onClose, className, children }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  }, [onClose]);
  // Read as it first renders, before a child that takes the focus on mount (the hold button) has moved it.
  const [previous] = useState(() => document.activeElement);
  useEffect(() => {
    // The control a dialog marks with data-autofocus (the rollback's hold button) takes the focus; else the dialog itself.
    (ref.current?.querySelector<HTMLElement>('[data-autofocus]') ?? ref.current)?.focus();
    // Keys aimed outside the dialog (focus fell to the page when a button inside went away) stop here, before any shortcut sees them.
    const onKey = (event: KeyboardEvent) => {
      const dialog = ref.current;
      if (!dialog) return;
      if (event.target instanceof Node && dialog.contains(event.target)) {
        if (event.key === 'Tab') keepFocusInside(dialog, event);
        return;
      }
      event.stopPropagation();
      // A key aimed behind the dialog must not act there either (Space on a checklist item's button is its default action).
      event.preventDefault();
      if (event.key === 'Escape') closeRef.current();
      else dialog.focus();
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus({ preventScroll: true });
    };
  }, [previous]);
  return (
    <div className="modal-backdrop control-backdrop" onClick={onClose}>
      <div
        ref={ref}
        className={`modal control-modal ${className ?? ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        data-testid={testId}
        tabIndex={-1}
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.preventDefault();
            onClose();
          }
          // The window-level shortcuts listen above this dialog; they must not see its keys.
          event.stopPropagation();
        }}
      >
        <div className="modal-head">
          <h2>{title}</h2>
          <button type="button" className="banner-close" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </div>
        {children}
      </div>
    </div>
  );
}

const FOCUSABLE = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/** Tab from the last control goes to the first, Shift+Tab from the first (or the dialog itself) to the last. */
function keepFocusInside(dialog: HTMLElement, event: KeyboardEvent): void {
  const focusable = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
  const first = focusable[0];
  const last = focusable[focusable.length - 1];
  if (!first || !last) {
    event.preventDefault();
    return;
  }
  const active = document.activeElement;
  if (event.shiftKey && (active === first || active === dialog)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}
