/** Every keyboard shortcut, grouped by where it acts, toggled with "?". */
import { useEffect, useRef } from 'react';
import { SHORTCUTS } from './shortcuts';
import { useStore } from '../checklist/store/store';

export function ShortcutsHelp() {
  const close = () => useStore.getState().setHelpOpen(false);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement;
    ref.current?.focus();
    return () => {
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus({ preventScroll: true });
    };
  }, []);
  return (
    <div className="modal-backdrop" onClick={close}>
      <div
        ref={ref}
        className="modal shortcuts-modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts-help"
        tabIndex={-1}
        onClick={(event) => event.stopPropagation()}
      >
        <div className="modal-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <button type="button" className="banner-close" aria-label="Close" onClick={close}>
            ×
          </button>
        </div>
        {SHORTCUTS.map((group) => (
          <section key={group.title} className="shortcut-group">
            <h3 className="shortcut-group-title">{group.title}</h3>
            <dl className="shortcuts">
              {group.keys.map(({ keys, action }) => (
                <div key={action} className="shortcut">
                  <dt>
                    {keys.map((key) => (
                      <kbd key={key}>{key}</kbd>
                    ))}
                  </dt>
                  <dd>{action}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </div>
  );
}
