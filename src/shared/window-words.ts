/**
 * The window's state in words, one sentence for the banner's headline and
 * the notification alike: what ran, when and by whom, and where the
 * metrics are. "Verified" (the rollback's own steps checked their result:
 * the flag read back, health answering) is kept apart from "recovered"
 * (the metrics back inside their lines), which is said only when it happens.
 */
import { formatClock } from './format';
import type { WindowRollback, WindowStateName, WindowView } from './window-model';

/** "Rolled back by Ada at 02:14", "Rolled back automatically at 02:14". */
export function rolledBackBy(rollback: WindowRollback, verb = 'Rolled back'): string {
  return `${verb} ${rollback.automatic ? 'automatically' : `by ${rollback.by ?? 'someone'}`} at ${formatClock(rollback.startedAt)}`;
}

/** "plan P0, 2 steps verified (checkout_v2 read back 0; shop-health answering)". */
export function stepsVerified(rollback: WindowRollback): string {
  const ok = rollback.steps.filter((s) => s.outcome === 'ok');
  const checks = ok.map((s) => s.message).filter((m) => m.trim() !== '');
  return `plan ${rollback.plan}, ${ok.length} of ${rollback.steps.length} step${rollback.steps.length === 1 ? '' : 's'} verified${checks.length > 0 ? ` (${checks.join('; ')})` : ''}`;
}

export function windowHeadline(view: WindowView): { title: string; body: string } {
  const rollback = view.rollback;
  switch (view.state) {
    case 'rolling-back':
      return rollback
        ? { title: `${rolledBackBy(rollback, 'Rolling back: started')}`, body: `plan ${rollback.plan}, step ${Math.min(rollback.steps.filter((s) => s.outcome !== 'pending').length, rollback.steps.length)} of ${rollback.steps.length}` }
        : { title: 'Rolling back', body: view.cause };
    case 'recovering':
      return rollback ? { title: `${rolledBackBy(rollback)}: metrics recovering`, body: stepsVerified(rollback) } : { title: 'Metrics recovering', body: view.cause };
    case 'recovered':
      return { title: `Recovered at ${formatClock(view.recoveredAt ?? view.since)}: metrics back inside their lines`, body: rollback ? `${rolledBackBy(rollback)}, ${stepsVerified(rollback)}` : view.cause };
    case 'rollback-failed':
      return { title: rollback ? `Rollback ${rollback.plan} failed: roll back again or act by hand` : 'Rollback failed', body: rollback?.message || view.cause };
    default:
      return { title: view.cause, body: '' };
  }
}

/**
 * Whether the banner may offer "Roll back now": never for an act already
 * done, unless it failed or the condition holds again. Kept here, free of
 * zod, so the renderer can ask it.
 */
export function offersRollback(state: WindowStateName | null): boolean {
  return state !== 'rolling-back' && state !== 'recovering';
}

/** The window states a person is told about (a notification) when they begin; the alarm itself is told per trigger. */
export function toldOnEntering(state: WindowStateName): boolean {
  return state === 'recovering' || state === 'recovered' || state === 'rollback-failed';
}
