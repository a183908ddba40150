/**
 * Messages across the top of the main column: the last error (dismissible,
 * formatted "file:line: message" like an editor would), a confirmation of
 * what a command did, a warning that came with an answer, and the
 * cockpit's own notices.
 */
import { formatError } from '../../../../shared/errors';
import { useStore } from '../checklist/store/store';

export function Banners() {
  const error = useStore((s) => s.error);
  const confirmation = useStore((s) => s.confirmation);
  const answerNotice = useStore((s) => s.notice);
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
      {answerNotice && (
        <div className="banner banner-warning" role="status" data-testid="answer-notice" key={answerNotice.id}>
          <span className="banner-text">{answerNotice.value}</span>
          <button type="button" className="banner-close" aria-label="Dismiss" onClick={() => useStore.getState().dismissNotice()}>
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
