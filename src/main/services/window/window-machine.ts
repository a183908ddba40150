/**
 * The deployment window's state machine (shared/window-model.ts), as a
 * fold over what main already knows: journal entries (a rollback started,
 * its steps, how it ended, a trigger that fired anew) and the gates'
 * evaluations (which red triggers hold, fire, are acknowledged). No clock
 * and no I/O inside: the caller journals each transition it returns, so a
 * recorded journal and the live stream run through the same code.
 *
 *   healthy → holding → firing → acknowledged | rolling-back
 *   rolling-back → recovering (its steps' own checks passed) | rollback-failed
 *   recovering → recovered (every red trigger that fired is quiet again)
 *
 * The two halves of "verified" are kept apart on purpose: a rollback whose
 * steps read back their values is verified, but the window is not healthy
 * until the metrics are back inside their lines. While a rollback runs or
 * the metrics recover, the alarm that caused it is known to be answered,
 * so nothing asks for a second rollback; only a trigger that fires anew
 * after the rollback verified (or a failed rollback) asks again.
 */
import type { GatesState, TriggerView } from '../../../shared/gate-model';
import type { EntryDataOf, JournalEntry } from '../../../shared/session-model';
import type { WindowRollback, WindowStateName, WindowView } from '../../../shared/window-model';
import { alarmingTriggers, bySeverity } from '../../../shared/alarm-rule';

export interface WindowTransition {
  from: WindowStateName;
  to: WindowStateName;
  cause: string;
  triggerId: string | null;
  runId: string | null;
  at: string;
}

const AUTOMATIC = /^started automatically/;

export class WindowMachine {
  private current: WindowStateName = 'healthy';
  private since: string;
  private cause = 'nothing holds';
  private triggerId: string | null = null;
  private rollback: WindowRollback | null = null;
  private recoveredAt: string | null = null;
  private revision = 0;
  /** Rollback step actions: action id → step index. */
  private readonly stepActions = new Map<string, number>();
  /** Red triggers that held or fired since the window was last healthy or recovered: all must be quiet to call it recovered. */
  private readonly episode = new Set<string>();
  /** The red triggers' ids, from the latest evaluation: a yellow flag firing never moves the window. */
  private red = new Set<string>();

  constructor(startedAt: string) {
    this.since = startedAt;
  }

  get state(): WindowStateName {
    return this.current;
  }

  view(): WindowView {
    return { revision: this.revision, state: this.current, since: this.since, cause: this.cause, triggerId: this.triggerId, rollback: this.rollback, recoveredAt: this.recoveredAt };
  }

  /**
   * One journal entry. `replay` (reopening a session): a `window.state`
   * entry restores the state it recorded instead of being ignored, and no
   * transition is returned for what the journal already holds.
   */
  entry(entry: JournalEntry, replay = false): WindowTransition[] {
    switch (entry.type) {
      case 'window.state': {
        if (!replay) return [];
        const d = entry.data as EntryDataOf<'window.state'>;
        this.set(d.to, d.cause, d.triggerId, entry.ts);
        if (d.to === 'recovered') this.recoveredAt = entry.ts;
        return [];
      }
      case 'rollback.started': {
        const d = entry.data as EntryDataOf<'rollback.started'>;
        const automatic = AUTOMATIC.test(d.confirmation);
        this.rollback = {
          runId: d.runId,
          plan: d.plan,
          by: automatic ? null : entry.by,
          automatic,
          startedAt: d.pressedAt || entry.ts,
          endedAt: null,
          outcome: 'running',
          steps: d.steps.map((title) => ({ title, outcome: 'pending', message: '' })),
          message: '',
        };
        this.recoveredAt = null;
        this.stepActions.clear();
        return this.go(replay, 'rolling-back', `rollback ${d.plan} started ${automatic ? 'automatically' : `by ${entry.by ?? 'someone'}`}`, this.triggerId, entry.ts);
      }
      case 'action.started': {
        const d = entry.data as EntryDataOf<'action.started'>;
        if (!this.rollback || d.runId !== this.rollback.runId || d.step === undefined) return [];
        this.stepActions.set(d.actionId, d.step);
        this.step(d.step, { outcome: 'running' });
        return [];
      }
      case 'action.finished':
      case 'action.settled': {
        const d = entry.data as { actionId: string; outcome: 'ok' | 'failed' | 'unknown'; message: string; readBack?: string | null };
        const index = this.stepActions.get(d.actionId);
        if (index !== undefined) this.step(index, { outcome: d.outcome, message: d.message });
        return [];
      }
      case 'rollback.finished': {
        const d = entry.data as EntryDataOf<'rollback.finished'>;
        if (!this.rollback || d.runId !== this.rollback.runId) return [];
        this.rollback = { ...this.rollback, outcome: d.outcome, endedAt: entry.ts, message: d.message };
        if (d.outcome === 'ok') {
          const checks = this.rollback.steps.length;
          return this.go(replay, 'recovering', `rollback ${this.rollback.plan} verified: ${checks} step${checks === 1 ? '' : 's'} checked; metrics recovering`, this.triggerId, entry.ts);
        }
        return this.go(replay, 'rollback-failed', `rollback ${this.rollback.plan} ${d.outcome === 'failed' ? 'failed' : 'ended unknown'}: ${d.message}`, this.triggerId, entry.ts);
      }
      case 'trigger.fired': {
        // A trigger firing anew once the rollback verified: the condition holds again, so the window asks again.
        // One that was already holding before (its hold ran out on readings from before the rollback) is the same incident.
        const d = entry.data as EntryDataOf<'trigger.fired'>;
        if (this.current !== 'recovering' || this.episode.has(d.triggerId) || !this.red.has(d.triggerId)) return [];
        this.episode.add(d.triggerId);
        return this.go(replay, 'firing', `"${d.text}" fired again after the rollback`, d.triggerId, entry.ts);
      }
      case 'trigger.cleared':
        // Cleared while recovering: if it fires after this, the condition holds again.
        if (this.current === 'recovering') this.episode.delete((entry.data as EntryDataOf<'trigger.cleared'>).triggerId);
        return [];
      default:
        return [];
    }
  }

  /** One evaluation of the gates at `at` (ISO). */
  gates(state: GatesState, at: string): WindowTransition[] {
    const red = state.triggers.filter((t) => t.severity === 'red');
    this.red = new Set(red.map((t) => t.id));
    const active = red.filter((t) => t.state === 'firing' || t.state === 'pending');
    // Every red trigger holding before the rollback verified belongs to this incident.
    if (this.current !== 'recovering') for (const t of active) this.episode.add(t.id);
    switch (this.current) {
      case 'rolling-back':
      case 'rollback-failed':
        // A rollback under way is not asked for again; a failed one stays said until another rollback runs.
        return [];
      case 'recovering': {
        const back = [...this.episode].every((id) => red.find((t) => t.id === id)?.state === 'quiet');
        if (active.length > 0 || !back) return [];
        this.episode.clear();
        this.recoveredAt = at;
        return this.go(false, 'recovered', 'metrics back inside their lines', this.triggerId, at);
      }
      default: {
        const alarming = alarmingTriggers(state);
        const firing = bySeverity(red.filter((t) => t.state === 'firing'));
        const pending = bySeverity(red.filter((t) => t.state === 'pending'));
        if (alarming.length > 0) return this.go(false, 'firing', `"${alarming[0]!.text}" fired`, alarming[0]!.id, at);
        if (firing.length > 0) return this.go(false, 'acknowledged', `"${firing[0]!.text}" acknowledged`, firing[0]!.id, at);
        if (pending.length > 0) return this.go(false, 'holding', `"${pending[0]!.text}" holding`, pending[0]!.id, at);
        if (this.current === 'recovered') return [];
        this.episode.clear();
        return this.go(false, 'healthy', this.current === 'healthy' ? this.cause : 'no red trigger holds', null, at);
      }
    }
  }

  private step(index: number, change: Partial<WindowRollback['steps'][number]>): void {
    if (!this.rollback || !this.rollback.steps[index]) return;
    const steps = this.rollback.steps.map((s, i) => (i === index ? { ...s, ...change } : s));
    this.rollback = { ...this.rollback, steps };
    this.revision += 1;
  }

  private go(replay: boolean, to: WindowStateName, cause: string, triggerId: string | null, at: string): WindowTransition[] {
    const from = this.current;
    if (from === to) return [];
    this.set(to, cause, triggerId, at);
    if (replay) return [];
    return [{ from, to, cause, triggerId, runId: this.rollback?.runId ?? null, at }];
  }

  private set(to: WindowStateName, cause: string, triggerId: string | null, at: string): void {
    this.current = to;
    this.cause = cause;
    this.triggerId = triggerId;
    this.since = at;
    this.revision += 1;
  }
}

/** The red trigger a window state is about, from the gates state (for words in notices). */
export function triggerOf(state: GatesState | null, id: string | null): TriggerView | null {
  return (id && state?.triggers.find((t) => t.id === id)) || null;
}
