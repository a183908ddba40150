/**
 * The dialogs of the control panel (rollback, flag change, command). While
 * one is open, keys stay inside it: the checklist's shortcuts must not tick
 * an item behind a rollback dialog. Escape and a click outside close it;
 * focus returns to where it was.
 */
import { useEffect, useRef, type ReactNode } from 'react';

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
  useEffect(() => {
    const previous = document.activeElement;
    ref.current?.focus();
    // Keys aimed outside the dialog (focus fell to the page when a button inside went away) stop here, before any shortcut sees them.
    const onKey = (event: KeyboardEvent) => {
      if (event.target instanceof Node && ref.current?.contains(event.target)) return;
      event.stopPropagation();
      if (event.key === 'Escape') {
        event.preventDefault();
        closeRef.current();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus({ preventScroll: true });
    };
  }, []);
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
