/**
 * The alarm rule, in one place for main (notifications, the window state
 * machine) and the renderer (banner, beeps, browser notifications), so
 * they can never disagree about whether there is an alarm, which trigger
 * it names, or what value it shows:
 *
 * - An alarm is a red rollback trigger that has held for its duration and
 *   that nobody acknowledged; a yellow flag is a warning, never an alarm.
 * - The headline names the most severe firing trigger: red over yellow,
 *   then the one furthest past its line (relative to the line).
 * - The value shown is consistent with its line: the reading now when it
 *   is past the line, else (hysteresis keeps a trigger firing while the
 *   value hovers just inside) the reading it fired at, formatted so that
 *   rounding never puts it on the line or on the other side.
 */
import type { GatesState, TriggerView } from './gate-model';
import { formatSeconds, formatValue, formatValueAgainst } from './format';
import { compare } from './metrics';

/** Red, firing and not acknowledged. */
export function isAlarming(trigger: TriggerView): boolean {
  return trigger.severity === 'red' && trigger.state === 'firing' && !trigger.acknowledged;
}

/** Triggers that sound the alarm, most severe first. */
export function alarmingTriggers(state: GatesState | null): TriggerView[] {
  return state ? bySeverity(state.triggers.filter(isAlarming)) : [];
}

/** Every firing trigger (red and yellow, acknowledged or not), most severe first: the headline is the first. */
export function firingTriggers(state: GatesState | null): TriggerView[] {
  return state ? bySeverity(state.triggers.filter((t) => t.state === 'firing')) : [];
}

/** The trigger a headline names: the most severe that fires, or null. */
export function mostSevereFiring(state: GatesState | null): TriggerView | null {
  return firingTriggers(state)[0] ?? null;
}

/** Red before yellow, then furthest past the line first; the runbook's order breaks ties. */
export function bySeverity(triggers: readonly TriggerView[]): TriggerView[] {
  return triggers
    .map((t, index) => ({ t, index, past: pastLine(t) }))
    .sort((a, b) => rank(b.t) - rank(a.t) || b.past - a.past || a.index - b.index)
    .map((x) => x.t);
}

function rank(t: TriggerView): number {
  return t.severity === 'red' ? 1 : 0;
}

/**
 * How far the shown value is past the line, as a fraction of the line
 * (0.5: half as much again); -Infinity when it cannot be told.
 */
export function pastLine(trigger: TriggerView): number {
  const value = alarmValue(trigger);
  if (value === null || trigger.op === undefined || trigger.threshold === undefined) return Number.NEGATIVE_INFINITY;
  const upward = trigger.op === '>' || trigger.op === '>=';
  const distance = upward ? value - trigger.threshold : trigger.threshold - value;
  return distance / Math.max(Math.abs(trigger.threshold), Number.EPSILON);
}

/** True when the reading now is on the trigger's side of its line. */
export function holdsNow(trigger: TriggerView): boolean {
  return trigger.value !== null && trigger.op !== undefined && trigger.threshold !== undefined && compare(trigger.value, trigger.op, trigger.threshold);
}

/** The value the alarm shows: now when it is past the line, else the one it fired at. */
export function alarmValue(trigger: TriggerView): number | null {
  if (trigger.op === undefined || trigger.threshold === undefined) return trigger.value;
  if (holdsNow(trigger)) return trigger.value;
  return trigger.state === 'firing' && trigger.firedValue !== undefined && trigger.firedValue !== null ? trigger.firedValue : trigger.value;
}

/** The line in words: "> 2 %". */
export function lineText(trigger: TriggerView): string | null {
  return trigger.op === undefined || trigger.threshold === undefined ? null : `${trigger.op} ${formatValue(trigger.threshold, trigger.unit)}`;
}

/**
 * "error_rate 4.31 % for 6 s (fires after 5 s)", or "error_rate 2.40 %
 * when it fired, now 1.96 % for …" once the reading has come back inside
 * while hysteresis holds the alarm. The line goes beside it (lineText).
 */
export function alarmDetail(trigger: TriggerView): string {
  const shown = alarmValue(trigger);
  const value = formatValueAgainst(shown, trigger.unit, trigger.threshold);
  const firedNote = shown !== trigger.value && trigger.value !== null ? ` when it fired, now ${formatValue(trigger.value, trigger.unit)}` : '';
  return `${trigger.metric} ${value}${firedNote} for ${formatSeconds(trigger.heldSeconds)} (fires after ${formatSeconds(trigger.forSeconds)})`;
}

/** The notification: the condition as the runbook says it, then the value, the time, and the countdown if one runs. */
export function alarmNotice(trigger: TriggerView): { triggerId: string; title: string; body: string } {
  const countdown = trigger.countdownEndsAt !== null ? ' · automatic rollback counting down: open Flightdeck to cancel' : '';
  return {
    triggerId: trigger.id,
    title: `Rollback condition: ${trigger.text}`,
    body: `${alarmDetail(trigger)}${lineText(trigger) ? ` · line ${lineText(trigger)}` : ''}${trigger.line !== null ? ` · runbook line ${trigger.line}` : ''}${countdown}`,
  };
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
