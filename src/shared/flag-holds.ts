/**
 * A held flag raise, as main computes it (main/services/gates/gate-policy.ts)
 * and the renderer draws it. One comparison decides whether a write is
 * held, here, so the buttons the renderer disables are exactly the writes
 * main refuses without an override. Free of zod: the renderer runs it
 * (gate-model.ts has the schema).
 */
export interface FlagHold {
  flag: string;
  /** Writes up to this percentage (or up to the flag's current value) pass; anything higher is held. */
  above: number;
  /** trigger: a red rollback trigger is firing; gate: a gate before the step has no go. */
  kind: 'trigger' | 'gate';
  /** One sentence: what holds it. */
  reason: string;
}

/**
 * The holds a write of `flag` from `from` to `to` runs into; empty when it
 * may go. Down, to 0, or to where the flag already is is never held. An
 * unknown or non-numeric current value counts as below any raise.
 */
export function holdsOnWrite(holds: readonly FlagHold[], flag: string, from: unknown, to: number): FlagHold[] {
  if (to <= 0) return [];
  const current = typeof from === 'number' && Number.isFinite(from) ? from : Number.NEGATIVE_INFINITY;
  if (to <= current) return [];
  return holds.filter((hold) => hold.flag === flag && to > hold.above);
}
