/**
 * Press and hold to confirm, with a ring that fills while held. Mouse,
 * touch and pen hold the pointer; Space or Enter hold from the keyboard.
 * Letting go early cancels and says after how long, so a stray click or
 * a bumped key can never start a rollback. The held time is measured here
 * and sent along, so main can refuse a hold that was too short.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { advance, HOLD_MS, holdProgress, IDLE, press, release, type HoldInput, type HoldState } from './hold';
import { formatDuration } from '../../../../shared/format';

interface Props {
  label: string;
  disabled?: boolean;
  onConfirm: (heldMs: number) => void;
  requiredMs?: number;
  /** What the button says once held (the act under way). */
  doneLabel?: string;
  testId?: string;
  /** Takes the focus when it appears (the rollback dialog: Shift+R, then hold Space). */
  autoFocus?: boolean;
}

const RADIUS = 26;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

export function HoldButton({ label, disabled = false, onConfirm, requiredMs = HOLD_MS, doneLabel = 'Rolling back…', testId = 'rollback-hold', autoFocus = false }: Props) {
  const [hold, setHold] = useState<HoldState>(IDLE);
  const [progress, setProgress] = useState(0);
  const holdRef = useRef<HoldState>(IDLE);
  const buttonRef = useRef<HTMLButtonElement>(null);
  // Also when it appears after its dialog opened (the plan loaded late, or a fresh button after a failed try).
  useEffect(() => {
    if (autoFocus) buttonRef.current?.focus();
  }, [autoFocus]);
  const confirmRef = useRef(onConfirm);
  useEffect(() => {
    confirmRef.current = onConfirm;
  }, [onConfirm]);

  const commit = (next: HoldState, now: number) => {
    const before = holdRef.current;
    if (next === before) return;
    holdRef.current = next;
    setHold(next);
    setProgress(holdProgress(next, now, requiredMs));
    if (next.phase === 'done' && before.phase === 'holding') confirmRef.current(next.heldMs);
  };

  // While held, each frame fills the ring and completes the hold on time, without waiting for the release.
  const holding = hold.phase === 'holding';
  useEffect(() => {
    if (!holding) return;
    let frame = requestAnimationFrame(function tick() {
      const now = performance.now();
      const next = advance(holdRef.current, now, requiredMs);
      commit(next, now);
      if (next.phase === 'holding') {
        setProgress(holdProgress(next, now, requiredMs));
        frame = requestAnimationFrame(tick);
      }
    });
    return () => cancelAnimationFrame(frame);
    // commit only reads refs and stable setters.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [holding, requiredMs]);

  // A disabled button drops a hold in progress.
  useEffect(() => {
    if (disabled && holdRef.current.phase === 'holding') commit(IDLE, performance.now());
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [disabled]);

  const start = (by: HoldInput, at: number) => {
    // A finished hold stays finished (the parent remounts this button to allow another); a cancelled one may be tried again.
    if (!disabled) commit(press(holdRef.current, at, by), at);
  };
  const end = (at: number) => commit(release(holdRef.current, at, requiredMs), at);

  const onPointerDown = (event: PointerEvent<HTMLButtonElement>) => {
    if (event.button !== 0) return;
    event.preventDefault();
    event.currentTarget.setPointerCapture(event.pointerId);
    event.currentTarget.focus();
    start('pointer', event.timeStamp);
  };
  const isHoldKey = (event: KeyboardEvent) => event.key === ' ' || event.key === 'Enter';
  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!isHoldKey(event)) return;
    event.preventDefault();
    if (!event.repeat) start('key', event.timeStamp);
  };
  const onKeyUp = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (!isHoldKey(event)) return;
    event.preventDefault();
    end(event.timeStamp);
  };

  const cancelledAfter = hold.phase === 'idle' ? hold.cancelledAfterMs : null;
  return (
    <div className="hold">
      <button
        ref={buttonRef}
        type="button"
        className="hold-button"
        data-autofocus={autoFocus || undefined}
        data-testid={testId}
        data-state={hold.phase}
        disabled={disabled}
        aria-describedby="hold-help"
        onPointerDown={onPointerDown}
        onPointerUp={(event) => end(event.timeStamp)}
        onPointerCancel={(event) => end(event.timeStamp)}
        onLostPointerCapture={(event) => end(event.timeStamp)}
        onKeyDown={onKeyDown}
        onKeyUp={onKeyUp}
        onBlur={() => end(performance.now())}
        onClick={(event) => event.preventDefault()}
        onContextMenu={(event) => event.preventDefault()}
      >
        <svg className="hold-ring" viewBox="0 0 60 60" aria-hidden="true">
          <circle className="hold-ring-track" cx="30" cy="30" r={RADIUS} />
          <circle className="hold-ring-fill" cx="30" cy="30" r={RADIUS} strokeDasharray={CIRCUMFERENCE} strokeDashoffset={CIRCUMFERENCE * (1 - progress)} />
        </svg>
        <span className="hold-label">{hold.phase === 'done' ? doneLabel : label}</span>
      </button>
      <p id="hold-help" className="hold-help" role="status">
        {cancelledAfter !== null ? (
          <span data-testid={`${testId}-cancelled`}>
            Released after {formatDuration(cancelledAfter)}: nothing was started. Hold for the full {formatDuration(requiredMs)}.
          </span>
        ) : hold.phase === 'holding' ? (
          'Keep holding…'
        ) : hold.phase === 'done' ? (
          `Held ${formatDuration(hold.heldMs)}.`
        ) : (
          `Press and hold for ${formatDuration(requiredMs)} (mouse, or Space/Enter). Letting go early cancels.`
        )}
      </p>
    </div>
  );
}
