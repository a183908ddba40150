/**
 * The steps of a rollback plan, as the profile writes them, turned into
 * titles, an idempotency verdict (may it run again after a crash?) and the
 * inputs that make a re-run exact. A P1 "last stable step" is resolved to
 * an absolute value before it is journaled, so a re-run after a crash sets
 * the same value instead of dropping one step further.
 */
import type { FlagValue } from '../flags/flag-backend';
import type { RollbackStepConfig } from '../profile/actions-schema';
import type { Profile } from '../profile/profile-schema';

export function stepTitle(step: RollbackStepConfig): string {
  if ('set' in step) return `Set ${step.flag} to ${String(step.set)}`;
  if ('lastStableStep' in step) return `Drop ${step.flag} to its last stable step`;
  if ('command' in step) return typeof step.command === 'string' ? `Run ${step.command}` : `Run ${step.command.join(' ')}`;
  if ('restore' in step) return `Restore ${step.restore} from its newest verified backup${step.clean ? ' (clean: drop objects first)' : ''}`;
  return `Wait until ${step.waitForHealth.join(', ')} ${step.waitForHealth.length > 1 ? 'are' : 'is'} up`;
}

/**
 * Whether running the step again cannot do harm: writing an absolute flag
 * value and waiting for health can; a command or a restore only when the
 * profile says so.
 */
export function isIdempotent(step: RollbackStepConfig): boolean {
  if ('command' in step || 'restore' in step) return step.idempotent === true;
  return true;
}

/**
 * A plan that restores a database asks for more than the usual act: the
 * environment's name typed, whatever rollback.confirm says, because it
 * overwrites data.
 */
export function needsTypedConfirmation(plan: { steps: readonly RollbackStepConfig[] }): boolean {
  return plan.steps.some((step) => 'restore' in step);
}

/** The argv and deadline of a command step. */
export function commandOf(step: Extract<RollbackStepConfig, { command: unknown }>, commands: Profile['commands']): { argv: string[]; timeoutMs: number } {
  if (typeof step.command === 'string') {
    const named = commands.named[step.command]!;
    return { argv: [...named.argv], timeoutMs: (step.timeoutSeconds ?? named.timeoutSeconds ?? commands.timeoutSeconds) * 1000 };
  }
  return { argv: [...step.command], timeoutMs: (step.timeoutSeconds ?? commands.timeoutSeconds) * 1000 };
}

/**
 * P1: the highest rollout step below the current value. null when the flag
 * is already at or below its lowest step (nothing to drop to).
 */
export function lastStableStep(steps: readonly number[], current: number): number | null {
  const lower = steps.filter((step) => step < current);
  return lower.length > 0 ? Math.max(...lower) : null;
}

/** Reads a percentage out of a flag value as backends return it (50, "50", " 50 "). */
export function percentOf(value: FlagValue): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

/** Flag values travel through the journal as JSON, so a re-run writes the same type. */
export function encodeValue(value: FlagValue): string {
  return JSON.stringify(value);
}

export function decodeValue(text: string | undefined): FlagValue | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || ['number', 'string', 'boolean'].includes(typeof value)) return value as FlagValue;
  } catch {
    // not JSON: not ours
  }
  return undefined;
}
