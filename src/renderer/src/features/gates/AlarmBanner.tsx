/**
 * The alarm: a red banner across the top of the window, under the top
 * bar, whenever a rollback trigger has held for its duration and nobody
 * has acknowledged it, and main's window state (features/gates/window-store.ts)
 * does not already know a rollback answers it. The most severe trigger comes
 * first (shared/alarm-rule.ts). It names the condition, the value beside its
 * line and how long it has held; once a rollback ran, the window row says
 * what ran, by whom, and how the metric comes back. It offers the two
 * answers: roll back now (the rollback dialog, with its hold; never while a
 * rollback already answers it) or acknowledge with a reason. When the profile
 * opted the trigger in, it shows the countdown to the automatic rollback
 * with a big Cancel (a reason is asked, as for every act that is
 * journaled). The mute switch for the beeps lives here too, where it is
 * seen. Always rendered (empty when quiet) so the layout does not jump.
 */
import { useRef, useState } from 'react';
import type { TriggerView } from '../../../../shared/gate-model';
import { useControl } from '../control/control-store';
import { errorText } from '../shell/feedback-slice';
import { alarmDetail, alarmingTriggers, lineText } from './gates-alarm';
import { offersRollback } from '../../../../shared/window-words';
import { useWindowState } from './window-store';
import { showsWindowRow, WindowRow } from './WindowRow';
import { acknowledgeTrigger, cancelAutoRollback } from './gates-calls';
import { secondsLeft } from './gates-format';
import { useGates } from './gates-store';
import { useStore } from '../checklist/store/store';
import { AlarmEffects, NotifyButton } from './AlarmEffects';
import { FlagAlarmRow, useFlagAlarms } from './FlagAlarms';
import { useNow } from './useNow';
import { useReasonField } from './useReasonField';
import './gates.css';

export function AlarmBanner() {
  const state = useGates((s) => s.gates);
  const windowView = useWindowState((s) => s.window);
  // Main's window state knows when a rollback already answers the alarm (running, or verified and recovering): then no alarm asks again.
  const offer = offersRollback(windowView?.state ?? null);
  const alarming = offer ? alarmingTriggers(state) : [];
  const windowTrigger = state?.triggers.find((t) => t.id === windowView?.triggerId) ?? null;
  // A countdown also shows for a trigger already acknowledged: until it is cancelled, the rollback will run.
  const counting = state?.triggers.filter((t) => t.countdownEndsAt !== null && !alarming.includes(t)) ?? [];
  const shown = [...alarming, ...counting];
  const flagAlarms = useFlagAlarms();
  const now = useNow(250, shown.length > 0);
  return (
    <div className="alarm-slot">
      <AlarmEffects alarming={alarming.length > 0 || flagAlarms.shown.length > 0} />
      {showsWindowRow(windowView) && <WindowRow view={windowView} trigger={windowTrigger} />}
      {shown.length + flagAlarms.shown.length > 0 && (
        <div className="alarm-banner" role="alert" data-testid="alarm-banner">
          <div className="alarm-list">
            {shown.map((t) => (
              <AlarmRow key={t.id} trigger={t} now={now} offerRollback={offer} />
            ))}
            {flagAlarms.shown.map((a) => (
              <FlagAlarmRow key={a.id} alert={a} onDismiss={() => flagAlarms.dismiss(a.id)} />
            ))}
          </div>
          <AlarmSwitches />
        </div>
      )}
    </div>
  );
}

function AlarmRow({ trigger, now, offerRollback }: { trigger: TriggerView; now: number; offerRollback: boolean }) {
  const [acknowledging, setAcknowledging] = useState(false);
  return (
    <div className="alarm-row" data-testid="alarm" data-trigger={trigger.id}>
      <div className="alarm-text">
        <span className="alarm-word">ALARM</span>
        <span className="alarm-condition" data-testid="alarm-condition">
          {trigger.text}
        </span>
        {/* Not re-announced each second: the alert region speaks the condition when it appears. */}
        <span className="alarm-detail mono" data-testid="alarm-detail" aria-live="off">
          {alarmDetail(trigger)}
        </span>
        {lineText(trigger) && (
          <span className="alarm-line" data-testid="alarm-threshold">
            line {lineText(trigger)}
          </span>
        )}
        {trigger.line !== null && <span className="alarm-line">runbook line {trigger.line}</span>}
        {trigger.acknowledged && <span className="alarm-line">acknowledged</span>}
      </div>
      {trigger.countdownEndsAt !== null && <Countdown trigger={trigger} endsAt={trigger.countdownEndsAt} now={now} />}
      <div className="alarm-actions">
        {offerRollback && (
          <button type="button" className="btn alarm-rollback" data-testid="alarm-rollback" onClick={() => useControl.getState().setRollbackOpen(true)}>
            Roll back now…
          </button>
        )}
        {!trigger.acknowledged && (
          <button type="button" className="btn alarm-ack" data-testid="alarm-acknowledge" aria-expanded={acknowledging} onClick={() => setAcknowledging(!acknowledging)}>
            Acknowledge…
          </button>
        )}
      </div>
      {acknowledging && (
        <ReasonForm
          testId="acknowledge-form"
          label="Why acknowledge instead of rolling back?"
          submitLabel="Acknowledge"
          send={(reason) => acknowledgeTrigger(trigger.id, reason)}
          onDone={() => setAcknowledging(false)}
        />
      )}
    </div>
  );
}

function Countdown({ trigger, endsAt, now }: { trigger: TriggerView; endsAt: number; now: number }) {
  const left = secondsLeft(endsAt, now);
  return (
    <div className="alarm-countdown" data-testid="autorollback-countdown" data-seconds={left}>
      <span className="countdown-text" aria-live="off">
        Automatic rollback in <strong className="countdown-seconds">{left} s</strong>
      </span>
      <ReasonForm
        testId="cancel-autorollback-form"
        label="Why cancel the automatic rollback?"
        submitLabel="Cancel automatic rollback"
        big
        send={(reason) => cancelAutoRollback(trigger.id, reason)}
      />
    </div>
  );
}

interface ReasonFormProps {
  testId: string;
  label: string;
  submitLabel: string;
  send: (reason: string) => Promise<void>;
  onDone?: () => void;
  big?: boolean;
}

/** A reason and a button: the journal gets the reason, and an empty one is refused here before main refuses it too. */
function ReasonForm({ testId, label, submitLabel, send, onDone, big = false }: ReasonFormProps) {
  const { reason, setReason, problem, setProblem, fieldProps, labelProps } = useReasonField();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const submit = async () => {
    if (!reason.trim()) {
      setProblem('Say why first: it goes into the journal.');
      input.current?.focus();
      return;
    }
    setBusy(true);
    try {
      await send(reason);
      setReason('');
      setProblem(null);
      onDone?.();
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className={big ? 'alarm-reason big' : 'alarm-reason'}
      data-testid={testId}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <label className="alarm-reason-label" {...labelProps}>
        {label}
      </label>
      <input
        ref={input}
        data-testid="reason-input"
        {...fieldProps}
      />
      <button type="submit" className={big ? 'btn alarm-cancel' : 'btn'} data-testid="reason-submit" disabled={busy}>
        {busy ? 'Recording…' : submitLabel}
      </button>
      {problem && (
        <span className="alarm-problem" role="alert">
          {problem}
        </span>
      )}
    </form>
  );
}

function AlarmSwitches() {
  const muted = useGates((s) => s.muted);
  const browserMode = useStore((s) => s.cockpit?.app.mode === 'browser');
  return (
    <div className="alarm-switches">
      <button
        type="button"
        className="btn btn-small alarm-mute"
        data-testid="alarm-mute"
        aria-pressed={muted}
        title={muted ? 'The alarm sound is muted (remembered); the banner stays' : 'Mute the alarm sound (remembered); the banner stays'}
        onClick={() => useGates.getState().setMuted(!muted)}
      >
        {muted ? 'Sound muted' : 'Sound on'}
      </button>
      {browserMode && <NotifyButton />}
    </div>
  );
}
