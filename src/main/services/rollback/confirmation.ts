/**
 * The deliberate act behind a rollback, checked in main whatever the
 * renderer claims: the button held for at least a second and a half, or
 * the environment's name typed exactly, as the profile's rollback.confirm
 * asks. The terminal's own act (`--yes`, or the name typed at a prompt) is
 * checked by the CLI and arrives here as kind "cli". A rollback trigger
 * whose countdown ran out uncancelled arrives as kind "automatic": only main
 * builds that one (the contract's startRollback accepts hold and typed
 * only), and the journal says it was automatic and why.
 */
import { FlightdeckError } from '../../../shared/errors';

export const HOLD_MS = 1500;

export type RollbackConfirmation =
  | { kind: 'hold'; heldMs: number }
  | { kind: 'typed'; text: string }
  | { kind: 'cli'; how: string }
  /** `why`: the trigger and the countdown that ran out, in words. */
  | { kind: 'automatic'; why: string };

/** Throws FlightdeckError('forbidden') naming what is missing; returns the act as the journal records it. */
export function checkConfirmation(confirmation: RollbackConfirmation, mode: 'hold' | 'type', environment: string): string {
  if (confirmation.kind === 'cli') return `confirmed on the command line (${confirmation.how})`;
  if (confirmation.kind === 'automatic') return `started automatically: ${confirmation.why}`;
  if (mode === 'hold') {
    if (confirmation.kind !== 'hold') {
      throw new FlightdeckError('forbidden', `Rollback not started: this profile confirms a rollback by holding the button for ${HOLD_MS / 1000} s (rollback.confirm: hold).`, { field: 'confirmation' });
    }
    if (!(confirmation.heldMs >= HOLD_MS)) {
      throw new FlightdeckError('forbidden', `Rollback not started: the button was held for ${Math.floor(confirmation.heldMs)} ms; hold it for at least ${HOLD_MS} ms.`, { field: 'confirmation.heldMs' });
    }
    return `held the button for ${Math.round(confirmation.heldMs)} ms`;
  }
  if (confirmation.kind !== 'typed') {
    throw new FlightdeckError('forbidden', `Rollback not started: this profile confirms a rollback by typing the environment name "${environment}" (rollback.confirm: type).`, { field: 'confirmation' });
  }
  if (confirmation.text !== environment) {
    throw new FlightdeckError('forbidden', `Rollback not started: type the environment name "${environment}" exactly to confirm.`, { field: 'confirmation.text' });
  }
  return `typed the environment name "${environment}"`;
}
