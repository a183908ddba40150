/**
 * The confirmation before a flag write: from → to, and which named test
 * accounts are inside the rollout at the new percentage and which join,
 * by the same bucketing the application uses (the write waits until the
 * preview is on screen, or has failed and says so). Confirming writes the flag;
 * the answer (ok, failed or unknown) shows on the flag's control.
 *
 * A raise a gate holds (a red trigger firing, a gate without a go) says
 * what holds it and asks for the reason to override it: a labelled,
 * focused box; main refuses the write without one and journals it with one.
 */
import { useEffect, useState } from 'react';
import type { FlagPreview, FlagView } from '../../../../shared/control-model';
import { previewFlag, setFlag } from './control-calls';
import { errorText } from '../shell/feedback-slice';
import { ControlModal } from './ControlModal';
import { useConnected } from '../connection/connection';
import { NotConnectedNote } from '../connection/NotConnectedNote';
import { flagValueText } from './FlagValue';
import { useFlagHold } from '../gates/useFlagHold';
import { useReasonField } from '../gates/useReasonField';

interface Props {
  flag: FlagView;
  percent: number;
  onClose: () => void;
}

export function FlagConfirm({ flag, percent, onClose }: Props) {
  const [preview, setPreview] = useState<FlagPreview | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [writing, setWriting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const connected = useConnected();
  const hold = useFlagHold(flag.name, preview ? preview.from : flag.value, percent);
  const override = useReasonField();

  useEffect(() => {
    let current = true;
    previewFlag(flag.name, percent).then(
      (answer) => current && setPreview(answer),
      (err: unknown) => current && setPreviewError(errorText(err)),
    );
    return () => {
      current = false;
    };
  }, [flag.name, percent]);

  const apply = async () => {
    const reason = override.reason.trim();
    if (hold.held && reason === '') {
      override.setProblem('Say why the gate is overridden: the reason goes into the journal and the report.');
      return;
    }
    setWriting(true);
    setError(null);
    try {
      await setFlag(flag.name, percent, hold.held ? reason : undefined);
      onClose();
    } catch (err) {
      setError(errorText(err));
      setWriting(false);
    }
  };

  const from = preview ? preview.from : flag.value;
  return (
    <ControlModal title={`Change ${flag.name}`} testId="flag-confirm" onClose={onClose}>
      <p className="flag-change" data-testid="flag-change">
        <span className="flag-from">{flagValueText(from)}</span>
        <span aria-hidden="true"> → </span>
        <span className="visually-hidden"> to </span>
        <span className="flag-to">{percent}%</span>
      </p>
      <p className="muted flag-target">
        {flag.backend} · {flag.target}
      </p>
      <div className="flag-preview" data-testid="flag-preview" aria-busy={!preview && !previewError}>
        {previewError ? (
          <p className="control-error">Bucketing preview unavailable: {previewError}</p>
        ) : !preview ? (
          <p className="muted">Working out which test accounts are inside…</p>
        ) : flag.testUsers.length === 0 ? (
          <p className="muted">The profile names no test accounts for this flag.</p>
        ) : (
          <>
            <AccountList title={`Inside at ${percent}%`} testId="preview-inside" accounts={preview.inside} joining={preview.joining} />
            <AccountList title="Joining with this change" testId="preview-joining" accounts={preview.joining} />
            <AccountList title="Outside" testId="preview-outside" accounts={preview.outside} muted />
          </>
        )}
      </div>
      {hold.advisory && (
        <p className="flag-hold-advisory" data-testid="flag-hold-advisory">
          The gates say wait (advisory in this profile): {hold.advisory}
        </p>
      )}
      {hold.held && (
        <div className="flag-override" data-testid="flag-override">
          <p className="control-error" data-testid="flag-override-held">
            Held: {hold.held}
          </p>
          <label className="decision-label" {...override.labelProps}>
            Override the gate, because…
          </label>
          <input className="decision-reason" data-testid="flag-override-reason" data-autofocus autoComplete="off" {...override.fieldProps} />
          {override.problem && (
            <p className="control-error" role="alert">
              {override.problem}
            </p>
          )}
        </div>
      )}
      {error && (
        <p className="control-error" role="alert">
          {error}
        </p>
      )}
      <NotConnectedNote />
      <div className="control-modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="btn btn-primary" data-testid="flag-confirm-apply" disabled={writing || !connected || (!preview && !previewError)} onClick={() => void apply()}>
          {writing ? 'Writing…' : hold.held ? `Override and set ${flag.name} to ${percent}%` : `Set ${flag.name} to ${percent}%`}
        </button>
      </div>
    </ControlModal>
  );
}

function AccountList({ title, testId, accounts, joining = [], muted = false }: { title: string; testId: string; accounts: string[]; joining?: string[]; muted?: boolean }) {
  return (
    <div className={muted ? 'account-list muted' : 'account-list'} data-testid={testId}>
      <div className="account-list-title">
        {title} <span className="count">({accounts.length})</span>
      </div>
      {accounts.length === 0 ? (
        <div className="account-none">none</div>
      ) : (
        <ul>
          {accounts.map((account) => (
            <li key={account} className={joining.includes(account) ? 'account joining' : 'account'}>
              {account}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
