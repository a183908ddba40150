/**
 * Events and call answers travel on different channels (IPC or HTTP for
 * calls, the event stream for events), so a getControl answer can arrive
 * after events that are newer than it. These rules keep the newest truth:
 * a record never goes back from finished to running, nor from settled
 * (ok, failed) to unknown, and a rollback never loses a finished step.
 */
import type { ActionRecord, ControlState, RollbackRun } from '../../../../shared/control-model';

/** How many recent actions the panel keeps (main sends its own bounded list). */
export const ACTIONS_KEPT = 100;

const ACTION_PROGRESS: Record<ActionRecord['outcome'], number> = { running: 0, unknown: 1, ok: 2, failed: 2 };

/** The record to keep when two versions of one action meet: the incoming one unless it is behind. */
export function fresherAction(current: ActionRecord, incoming: ActionRecord): ActionRecord {
  return ACTION_PROGRESS[incoming.outcome] < ACTION_PROGRESS[current.outcome] ? current : incoming;
}

function runProgress(run: RollbackRun): number {
  let progress = run.endedAt ? 1_000_000 : 0;
  for (const step of run.steps) {
    if (step.outcome === 'running') progress += 1;
    else if (step.outcome !== 'pending') progress += 2;
  }
  return progress;
}

/** The run to show: a newer run replaces an older one; one run's updates never go backwards. */
export function fresherRun(current: RollbackRun | null, incoming: RollbackRun | null): RollbackRun | null {
  if (!current || !incoming) return incoming ?? current;
  if (current.id !== incoming.id) return incoming.startedAt >= current.startedAt ? incoming : current;
  return runProgress(incoming) < runProgress(current) ? current : incoming;
}

/** Adds or updates an action, keeping arrival order (newest last) and the newest ACTIONS_KEPT. */
export function upsertAction(actions: readonly ActionRecord[], incoming: ActionRecord): ActionRecord[] {
  const index = actions.findIndex((a) => a.id === incoming.id);
  if (index === -1) return [...actions, incoming].slice(-ACTIONS_KEPT);
  const next = actions.slice();
  next[index] = fresherAction(actions[index]!, incoming);
  return next;
}

/**
 * A whole control state from main, folded over what the panel already
 * knows: main's lists win, except where an event already brought a newer
 * version of the same action or run.
 */
export function mergeControl(current: ControlState | null, incoming: ControlState): ControlState {
  // Another profile (a different runbook was opened): nothing carries over.
  if (!current || current.profile?.file !== incoming.profile?.file) return incoming;
  // Older than what an event already brought: keep ours.
  if (incoming.revision < current.revision) return current;
  const known = new Map(current.actions.map((a) => [a.id, a]));
  const actions = incoming.actions.map((a) => {
    const mine = known.get(a.id);
    return mine ? fresherAction(mine, a) : a;
  });
  return { ...incoming, actions, rollback: fresherRun(current.rollback, incoming.rollback) };
}
