/**
 * Messages across the top of the main column: the last error (dismissible,
 * formatted "file:line: message" like an editor would), a confirmation of
 * what a command did, and the cockpit's own notices.
 */
import { formatError } from '../../../shared/errors';
import { useStore } from '../store/store';

export function Banners() {
  const error = useStore((s) => s.error);
  const confirmation = useStore((s) => s.confirmation);
  const notices = useStore((s) => s.cockpit?.notices);
  return (
    <div className="banners" aria-live="polite">
      {error && (
        <div className="banner banner-error" role="alert" data-testid="error-banner" key={error.id}>
          <span className="banner-text">
            <span className="banner-code">{error.value.code}</span> {formatError(error.value)}
          </span>
          <button type="button" className="banner-close" aria-label="Dismiss the error" data-testid="dismiss-error" onClick={() => useStore.getState().dismissError()}>
            ×
          </button>
        </div>
      )}
      {confirmation && (
        <div className="banner banner-ok" role="status" data-testid="confirmation" key={confirmation.id}>
          <span className="banner-text">{confirmation.value}</span>
          <button type="button" className="banner-close" aria-label="Dismiss" onClick={() => useStore.getState().dismissConfirmation()}>
            ×
          </button>
        </div>
      )}
      {notices?.map((notice, i) => (
        <div key={i} className={`banner banner-${notice.level === 'info' ? 'info' : notice.level}`} data-testid="notice" data-level={notice.level}>
          <span className="banner-text">{notice.message}</span>
        </div>
      ))}
    </div>
  );
}
