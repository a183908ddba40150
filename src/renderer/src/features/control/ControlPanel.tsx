/**
 * The controls: the profile in force and the feature flags (above the
 * graphs), then, in ControlExtras below them, the commands, the
 * credentials and the recent actions. Without a profile the
 * placeholder stays (nothing that looks like a control without being one);
 * a profile that failed to load is said plainly, with its error.
 */
import { formatError } from '../../../../shared/errors';
import { ControlsPlaceholder } from '../shell/Placeholders';
import { useControl } from './control-store';
import { CommandsList } from './CommandsList';
import { FlagControl } from './FlagControl';
import { RecentActions } from './RecentActions';
import { VaultPanel } from './VaultPanel';
import './control.css';

export function ControlPanel() {
  const control = useControl((s) => s.control);
  const loadError = useControl((s) => s.loadError);

  // "unsupported" means this build has no control service: the placeholder says enough.
  if (!control) return <ControlsPlaceholder detail={loadError && loadError.code !== 'unsupported' ? `Controls could not be loaded: ${formatError(loadError)}` : undefined} />;
  if (!control.profile) {
    if (!control.profileError) return <ControlsPlaceholder />;
    return (
      <section className="control-panel" aria-labelledby="controls-title">
        <h2 id="controls-title" className="panel-title">
          Controls
        </h2>
        <div className="profile-error" role="alert" data-testid="profile-error">
          <strong>The deployment profile did not load.</strong>
          <span className="profile-error-text mono">{control.profileError}</span>
          <span className="muted">No flag, command or rollback is available until it is fixed.</span>
        </div>
      </section>
    );
  }

  const { profile } = control;
  return (
    <section className="control-panel" data-testid="control-panel" aria-labelledby="controls-title">
      <div className="control-panel-head">
        <h2 id="controls-title" className="panel-title">
          Controls
        </h2>
        <span className="control-env" data-testid="control-environment" title={`Profile: ${profile.file} (${profile.origin})`}>
          {profile.environment}
        </span>
      </div>
      {control.flags.length > 0 && (
        <section className="control-section flags" aria-label="Feature flags">
          <div className="control-section-head">
            <h3>Feature flags</h3>
          </div>
          {control.flags.map((flag) => (
            <FlagControl key={flag.name} flag={flag} />
          ))}
        </section>
      )}
    </section>
  );
}

/**
 * The rest of the controls (commands, credentials, recent actions), placed
 * below the graphs: the flags sit above them, where the steps are taken.
 */
export function ControlExtras() {
  const control = useControl((s) => s.control);
  if (!control?.profile) return null;
  return (
    <section className="control-panel control-extras" data-testid="control-extras" aria-label="Commands, credentials and recent actions">
      <CommandsList commands={control.commands} />
      <VaultPanel vault={control.vault} />
      <RecentActions actions={control.actions} />
    </section>
  );
}
