/**
 * The press-and-hold that guards the rollback button, as a pure state
 * machine so its rules are tested without a DOM: a hold completes only
 * after the full duration, releasing early cancels (and says how long it
 * was held, so the operator learns why nothing happened), and a key that
 * auto-repeats cannot restart the count. The component feeds it timestamps
 * from performance.now() and sends the measured heldMs to main.
 */

/** How long the rollback button must be held. */
export const HOLD_MS = 1500;

export type HoldInput = 'pointer' | 'key';

export type HoldState =
  | { phase: 'idle'; cancelledAfterMs: number | null }
  | { phase: 'holding'; since: number; by: HoldInput }
  | { phase: 'done'; heldMs: number };

export const IDLE: HoldState = { phase: 'idle', cancelledAfterMs: null };

/** A press starts the count; a second press while holding (key repeat, another pointer) changes nothing. */
export function press(state: HoldState, now: number, by: HoldInput): HoldState {
  if (state.phase !== 'idle') return state;
  return { phase: 'holding', since: now, by };
}

/** Moves a hold that has lasted long enough to done; called on every animation frame. */
export function advance(state: HoldState, now: number, requiredMs: number = HOLD_MS): HoldState {
  if (state.phase !== 'holding') return state;
  const held = now - state.since;
  return held >= requiredMs ? { phase: 'done', heldMs: held } : state;
}

/**
 * The press ends. A hold that reached the duration counts even when no
 * frame ran in between (a busy renderer); anything shorter is cancelled.
 */
export function release(state: HoldState, now: number, requiredMs: number = HOLD_MS): HoldState {
  if (state.phase !== 'holding') return state;
  const held = now - state.since;
  return held >= requiredMs ? { phase: 'done', heldMs: held } : { phase: 'idle', cancelledAfterMs: held };
}

/** 0..1, for the filling ring. */
export function holdProgress(state: HoldState, now: number, requiredMs: number = HOLD_MS): number {
  if (state.phase === 'done') return 1;
  if (state.phase === 'idle') return 0;
  return Math.min(1, Math.max(0, (now - state.since) / requiredMs));
}
