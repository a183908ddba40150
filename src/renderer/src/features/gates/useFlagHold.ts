/**
 * What holds a flag write now, as main published it (GatesState.flagHolds,
 * computed by main's gate policy). The comparison is the shared one main
 * runs before a write (shared/flag-holds.ts), so a button disabled here is
 * a write main would refuse. Null when nothing holds it, or when the
 * profile makes gates advisory (gates.enforce: false): then `advisory`
 * still names the hold, to be shown without disabling anything.
 */
import { holdsOnWrite } from '../../../../shared/flag-holds';
import { useGates } from './gates-store';

export interface FlagHoldView {
  /** The reason a write is refused without an override; null when it may go. */
  held: string | null;
  /** The same reason when gates are advisory; null otherwise. */
  advisory: string | null;
}

export function flagHoldOf(state: { flagHolds?: Parameters<typeof holdsOnWrite>[0]; enforce?: boolean } | null, flag: string, from: unknown, to: number): FlagHoldView {
  const holds = holdsOnWrite(state?.flagHolds ?? [], flag, from, to);
  const reason = holds.length === 0 ? null : holds.map((h) => h.reason).join(' ');
  return state?.enforce === false ? { held: null, advisory: reason } : { held: reason, advisory: null };
}

export function useFlagHold(flag: string, from: unknown, to: number): FlagHoldView {
  const held = useGates((s) => flagHoldOf(s.gates, flag, from, to).held);
  const advisory = useGates((s) => flagHoldOf(s.gates, flag, from, to).advisory);
  return { held, advisory };
}
