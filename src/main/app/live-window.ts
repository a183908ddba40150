/**
 * The window state machine (services/window/window-machine.ts) for
 * whatever session is open: rebuilt on each activation from the journal
 * (so a restart resumes the state it left), then driven by the domain
 * stream (cockpit.onEntry) and the gates' evaluations. Each transition is
 * journaled as `window.state` and every change goes to the renderers as
 * windowChanged; the banner and the notifications follow it.
 *
 * The renderers get the new state at once; journaling waits for a
 * microtask, because the inputs arrive inside another entry's publication
 * and the journal must hold that entry before the transition it caused.
 */
import type { GatesState } from '../../shared/gate-model';
import type { WindowView } from '../../shared/window-model';
import { WindowMachine, type WindowTransition } from '../services/window/window-machine';
import type { Activation, Cockpit } from './cockpit';
import type { EventSink } from './event-hub';
import type { Logger } from './log';

export interface LiveWindowDeps {
  cockpit: Cockpit;
  events: EventSink;
  /** The gates' change listener (LiveGates.onChange) and current state. */
  gates: { onChange(listener: (state: GatesState) => void): () => void; state(): GatesState };
  log: Logger;
  clock?: () => Date;
}

export class LiveWindow {
  private machine: WindowMachine;
  private activation: Activation | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private pending: WindowTransition[] = [];
  private flushQueued = false;
  private lastRevision = -1;
  private readonly clock: () => Date;

  constructor(private readonly deps: LiveWindowDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.machine = new WindowMachine(this.clock().toISOString());
    this.unsubscribe.push(deps.cockpit.onActivated((activation) => this.rebuild(activation)));
    this.unsubscribe.push(deps.cockpit.onEntry((entry) => this.push(this.machine.entry(entry))));
    this.unsubscribe.push(deps.gates.onChange((state) => this.push(this.machine.gates(state, this.clock().toISOString()))));
  }

  state(): WindowView {
    return this.machine.view();
  }

  close(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  private rebuild(activation: Activation): void {
    this.activation = activation;
    this.pending = [];
    const entries = activation.journal.entries();
    this.machine = new WindowMachine(entries[0]?.ts ?? this.clock().toISOString());
    for (const entry of entries) this.machine.entry(entry, true);
    // Revisions restart with the machine: the renderer takes whatever comes after a cockpitReplaced.
    this.lastRevision = -1;
    this.push(this.machine.gates(this.deps.gates.state(), this.clock().toISOString()));
  }

  private push(transitions: WindowTransition[]): void {
    // The screen first: the view is already decided, and the banner must not wait for the journal's fsync.
    const view = this.machine.view();
    if (view.revision !== this.lastRevision) {
      this.lastRevision = view.revision;
      this.deps.events.emit('windowChanged', view);
    }
    this.pending.push(...transitions);
    if (this.flushQueued || this.pending.length === 0) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  /** Journals the transitions once the entry that caused them has reached every listener and renderer. */
  private flush(): void {
    this.flushQueued = false;
    const transitions = this.pending.splice(0);
    const journal = this.activation?.journal;
    for (const t of transitions) {
      try {
        journal?.record('window.state', null, { from: t.from, to: t.to, cause: t.cause, triggerId: t.triggerId, runId: t.runId });
      } catch (error) {
        // A read-only (damaged) session cannot record it; the screen still follows the state.
        this.deps.log.error('the window state could not be journaled', error);
      }
    }
  }
}
