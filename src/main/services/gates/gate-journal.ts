/**
 * What the session journal says about gates, folded from its entries:
 * answers, decisions, acknowledgements, triggers fired and cleared,
 * cancelled countdowns, ticks, sign-offs, and the flag values written. The
 * live gate service keeps one of these, fed every entry in order, so a
 * reopened session shows the same answers and decisions as before.
 */
import type { DecisionView } from '../../../shared/gate-model';
import type { EntryDataOf, JournalEntry } from '../../../shared/session-model';
import type { Answer } from './gate-evaluator';

export interface FlagWrite {
  flag: string;
  percent: number;
  at: number;
}

export class GateJournal {
  readonly answers = new Map<string, Answer>();
  readonly decisions = new Map<string, DecisionView & { at: string }>();
  /** Trigger ids acknowledged since they last fired. */
  readonly acknowledged = new Set<string>();
  /** Every firing: trigger id, words and when (epoch ms). */
  readonly fired: Array<{ triggerId: string; text: string; line: number | null; at: number }> = [];
  readonly ticked = new Map<string, boolean>();
  readonly signedRoles = new Set<string>();
  /** Latest successful write per flag (a rollback's write counts too). */
  readonly flags = new Map<string, FlagWrite>();
  private readonly startedFlagWrites = new Map<string, { flag: string; percent: number }>();

  static key(gateId: string, criterionId: string): string {
    return `${gateId}\u0000${criterionId}`;
  }

  add(entry: JournalEntry): void {
    const at = Date.parse(entry.ts);
    switch (entry.type) {
      case 'gate.answered': {
        const d = entry.data as EntryDataOf<'gate.answered'>;
        this.answers.set(GateJournal.key(d.gateId, d.criterionId), { answer: d.answer, by: entry.by, at: entry.ts, note: d.note });
        break;
      }
      case 'gate.decided': {
        const d = entry.data as EntryDataOf<'gate.decided'>;
        this.decisions.set(d.gateId, { decision: d.decision, reason: d.reason, by: entry.by, at: entry.ts });
        break;
      }
      case 'trigger.fired': {
        const d = entry.data as EntryDataOf<'trigger.fired'>;
        this.acknowledged.delete(d.triggerId);
        this.fired.push({ triggerId: d.triggerId, text: d.text, line: d.line, at });
        break;
      }
      case 'trigger.acknowledged':
        this.acknowledged.add((entry.data as EntryDataOf<'trigger.acknowledged'>).triggerId);
        break;
      case 'trigger.cleared':
        this.acknowledged.delete((entry.data as EntryDataOf<'trigger.cleared'>).triggerId);
        break;
      case 'item.ticked': {
        const d = entry.data as EntryDataOf<'item.ticked'>;
        this.ticked.set(d.itemId, d.checked);
        break;
      }
      case 'signoff.recorded':
        this.signedRoles.add((entry.data as EntryDataOf<'signoff.recorded'>).role);
        break;
      case 'action.started': {
        const d = entry.data as EntryDataOf<'action.started'>;
        const percent = Number(d.inputs.to);
        if (d.inputs.flag && Number.isFinite(percent)) this.startedFlagWrites.set(d.actionId, { flag: d.inputs.flag, percent });
        break;
      }
      case 'action.finished':
      case 'action.settled': {
        const d = entry.data as { actionId: string; outcome: string };
        const write = this.startedFlagWrites.get(d.actionId);
        if (write && d.outcome === 'ok') this.flags.set(write.flag, { ...write, at });
        if (write && d.outcome !== 'unknown') this.startedFlagWrites.delete(d.actionId);
        break;
      }
      default:
        break;
    }
  }
}
