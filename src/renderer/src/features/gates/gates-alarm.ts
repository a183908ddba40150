/**
 * The alarm as the renderer asks it: the rule itself (what alarms, which
 * trigger a headline names, the value it shows) lives in
 * src/shared/alarm-rule.ts, shared with main's notifications and window
 * state, so banner, beeps, button and notifications can never disagree.
 * Here only the words for a trigger's state in the gate panel.
 */
import type { TriggerView } from '../../../../shared/gate-model';
import { formatSeconds } from '../../../../shared/format';

export { alarmDetail, alarmIds, alarmingTriggers, alarmNotice, alarmValue, firingTriggers, lineText, mostSevereFiring, newAlarms } from '../../../../shared/alarm-rule';

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
