/**
 * The rollback dialog: which plan runs (the profile's default, or another),
 * its steps, and the deliberate act the profile asks for (hold the button
 * for 1.5 s, or type the environment's name). Once started it becomes the
 * live step timeline. Closing it never stops a rollback; the top-bar
 * button keeps pulsing until the run ends.
 */
import { useState } from 'react';
import type { ControlState, PlanView } from '../../../../shared/control-model';
import { formatError } from '../../../../shared/errors';
import { startRollback } from './control-calls';
import { useControl } from './control-store';
import { useConnected } from '../connection/connection';
import { NotConnectedNote } from '../connection/NotConnectedNote';
import { useStore } from '../checklist/store/store';
import { errorText } from '../shell/feedback-slice';
import { ControlModal } from './ControlModal';
import { formatClock } from './format';
import { formatDuration } from '../../../../shared/format';
import { HoldButton } from './HoldButton';
import { RollbackTimeline } from './RollbackTimeline';
import { followRollbackWords } from '../../../../shared/team-words';
import { useTeam } from '../team/team-store';

export function RollbackDialog() {
  const control = useControl((s) => s.control);
  const loadError = useControl((s) => s.loadError);
  const close = () => useControl.getState().setRollbackOpen(false);
  const [startedId, setStartedId] = useState<string | null>(null);
  const trust = useStore((s) => s.cockpit?.trust?.state ?? null);
  const inReview = trust === 'untrusted' || trust === 'changed';
  // Someone else in the team holds the single flight for a rollback: follow theirs, never offer a second plan.
  const follow = useTeam((s) => followRollbackWords(s.team));

  const run = control?.rollback ?? null;
  const live = run && (run.outcome === 'running' || run.id === startedId) ? run : null;

  let body;
  if (live) body = <RollbackTimeline run={live} />;
  else if (!control) body = <p className="rollback-unavailable">Rollback is not available: {loadError ? formatError(loadError) : 'loading the control state…'}</p>;
  else if (!control.profile)
    body = <p className="rollback-unavailable">{control.profileError ? `The deployment profile did not load: ${control.profileError}` : 'This runbook has no deployment profile, so there is no rollback plan to run.'}</p>;
  else if (inReview)
    body = (
      <p className="rollback-unavailable" data-testid="rollback-review-mode">
        Review mode: this runbook is not trusted{trust === 'changed' ? ' since it changed' : ''}, so none of its rollback plans can run. Use “Review and trust…” in the live column first.
      </p>
    );
  else if (follow)
    body = (
      <p className="rollback-unavailable rollback-follow" data-testid="rollback-follow" role="status">
        {follow}
      </p>
    );
  else if (control.plans.length === 0) body = <p className="rollback-unavailable">The deployment profile defines no rollback plan.</p>;
  else body = <RollbackConfirm control={control} onStarted={setStartedId} />;

  return (
    <ControlModal title="Rollback" testId="rollback-dialog" className="rollback-dialog" onClose={close}>
      {control?.profile && (
        <p className="rollback-env">
          Environment <strong>{control.profile.environment}</strong>
        </p>
      )}
      {body}
      <div className="control-modal-actions">
        <button type="button" className="btn" onClick={close}>
          {live?.outcome === 'running' ? 'Close (the rollback keeps running)' : 'Close'}
        </button>
      </div>
    </ControlModal>
  );
}

function RollbackConfirm({ control, onStarted }: { control: ControlState; onStarted: (runId: string) => void }) {
  const [planName, setPlanName] = useState(control.defaultPlan ?? control.plans[0]!.name);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const connected = useConnected();
  const [attempt, setAttempt] = useState(0);
  const [typed, setTyped] = useState('');
  const plan = control.plans.find((p) => p.name === planName) ?? control.plans[0]!;
  const environment = control.profile?.environment ?? '';

  const start = async (confirmation: { kind: 'hold'; heldMs: number } | { kind: 'typed'; text: string }) => {
    setStarting(true);
    setError(null);
    try {
      const run = await startRollback({ plan: plan.name, confirmation });
      onStarted(run.id);
    } catch (err) {
      setError(errorText(err));
      setAttempt((n) => n + 1); // a fresh hold button for another try
      setTyped('');
    } finally {
      setStarting(false);
    }
  };

  const last = control.rollback;
  return (
    <div className="rollback-confirm">
      {control.plans.length > 1 && (
        <fieldset className="rollback-plans">
          <legend>Plan</legend>
          {control.plans.map((p) => (
            <label key={p.name} className={p.name === plan.name ? 'rollback-plan chosen' : 'rollback-plan'}>
              <input type="radio" name="rollback-plan" value={p.name} checked={p.name === plan.name} onChange={() => setPlanName(p.name)} data-testid="rollback-plan" />
              <span className="rollback-plan-name">
                {p.name}
                {p.name === control.defaultPlan && <span className="badge badge-muted">default</span>}
              </span>
              {p.description && <span className="rollback-plan-desc">{p.description}</span>}
            </label>
          ))}
        </fieldset>
      )}
      <PlanSteps plan={plan} />
      {error && (
        <p className="control-error" role="alert" data-testid="rollback-error">
          {error}
        </p>
      )}
      {plan.confirm === 'type' && control.confirm === 'hold' && (
        <p className="rollback-restore-note" data-testid="rollback-restore-note">
          This plan restores a database: type the environment name to confirm.
        </p>
      )}
      <NotConnectedNote />
      {plan.confirm === 'hold' ? (
        <HoldButton key={attempt} autoFocus label={`Hold to roll back (${plan.name})`} disabled={starting || !connected} onConfirm={(heldMs) => void start({ kind: 'hold', heldMs })} />
      ) : (
        <form
          className="rollback-typed"
          onSubmit={(event) => {
            event.preventDefault();
            if (typed.trim() === environment) void start({ kind: 'typed', text: typed.trim() });
          }}
        >
          <label htmlFor="rollback-typed-input">
            Type <strong className="mono">{environment}</strong> to roll back
          </label>
          <input id="rollback-typed-input" data-autofocus autoFocus data-testid="rollback-typed" autoComplete="off" spellCheck={false} value={typed} onChange={(e) => setTyped(e.target.value)} />
          <button type="submit" className="btn rollback-go" disabled={starting || !connected || typed.trim() !== environment} data-testid="rollback-typed-go">
            Roll back {plan.name}
          </button>
        </form>
      )}
      {last && (
        <p className="rollback-last muted" data-testid="rollback-last">
          Last rollback: plan {last.plan} at {formatClock(last.startedAt)}, {last.outcome}
          {last.pressToVerifiedMs !== null ? `, verified in ${formatDuration(last.pressToVerifiedMs)}` : ''}.
        </p>
      )}
    </div>
  );
}

function PlanSteps({ plan }: { plan: PlanView }) {
  return (
    <div className="rollback-plan-steps" data-testid="rollback-plan-steps">
      <div className="rollback-plan-title">
        {plan.severity && <span className="severity">{plan.severity}</span>} {plan.description ?? `Plan ${plan.name}`}
      </div>
      <ol>
        {plan.steps.map((step) => (
          <li key={step.index}>{step.title}</li>
        ))}
      </ol>
    </div>
  );
}
