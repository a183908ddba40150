/**
 * What makes an alarm: a rollback trigger that has held for its stated
 * duration and that nobody has acknowledged. The banner, the pulsing
 * rollback button, the beeps and the notifications all ask these
 * functions, so they can never disagree about whether there is an alarm.
 */
import type { GatesState, TriggerView } from '../../../../shared/gate-model';
import { formatSeconds, formatValue } from '../../../../shared/format';

/** Triggers that sound the alarm: red, firing and not acknowledged (a yellow flag is a warning, not an alarm). */
export function alarmingTriggers(state: GatesState | null): TriggerView[] {
  return state ? state.triggers.filter((t) => t.severity === 'red' && t.state === 'firing' && !t.acknowledged) : [];
}

/**
 * Triggers that started alarming since `known` (the ids that alarmed
 * before): each is notified once, not on every evaluation. A trigger that
 * stops and fires again alarms again.
 */
export function newAlarms(known: ReadonlySet<string>, state: GatesState | null): TriggerView[] {
  return alarmingTriggers(state).filter((t) => !known.has(t.id));
}

/** The ids alarming now: the next `known`. */
export function alarmIds(state: GatesState | null): Set<string> {
  return new Set(alarmingTriggers(state).map((t) => t.id));
}

/** "error_rate 4.31 % for 6 s (fires after 5 s)": the value and how long it has held, for the banner and the notification. */
export function alarmDetail(trigger: TriggerView): string {
  return `${trigger.metric} ${formatValue(trigger.value, trigger.unit)} for ${formatSeconds(trigger.heldSeconds)} (fires after ${formatSeconds(trigger.forSeconds)})`;
}

/** The notification: the condition as the runbook says it, then the value and the time. */
export function alarmNotice(trigger: TriggerView): { title: string; body: string } {
  return { title: `Rollback condition: ${trigger.text}`, body: `${alarmDetail(trigger)}${trigger.line !== null ? ` · runbook line ${trigger.line}` : ''}` };
}

/** The state of a trigger in words; a colour alone never carries it. */
export function triggerStateText(trigger: TriggerView): string {
  switch (trigger.state) {
    case 'quiet':
      return 'quiet';
    case 'unknown':
      return 'unknown: no data';
    case 'pending':
      return `holding ${formatSeconds(trigger.heldSeconds)} of ${formatSeconds(trigger.forSeconds)}`;
    case 'firing':
      if (trigger.severity === 'yellow') return `yellow flag for ${formatSeconds(trigger.heldSeconds)}`;
      return trigger.acknowledged ? `firing for ${formatSeconds(trigger.heldSeconds)}, acknowledged` : `FIRING for ${formatSeconds(trigger.heldSeconds)}`;
  }
}
