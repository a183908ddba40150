/**
 * Accepting or turning down Flightdeck's offer to tick an item whose act
 * it performed (main: live-ticks.ts). The tick comes back as the journal
 * entry, folded like any tick; the offer leaves with the next control state.
 */
import { api } from '../../api';
import { receiveEntry } from './store/sync';
import { useControl } from '../control/control-store';
import { useStore } from './store/store';

export async function acceptTickOffer(itemId: string): Promise<void> {
  const entry = await api.acceptTickOffer({ itemId });
  receiveEntry(entry, null);
}

export async function dismissTickOffer(itemId: string): Promise<void> {
  await api.dismissTickOffer({ itemId });
}

/** The offer standing for the item, if any. */
export function useTickOffer(itemId: string) {
  return useControl((s) => s.control?.tickOffers.find((offer) => offer.itemId === itemId) ?? null);
}

/** The "a" key: accepts the focused item's offer; false when it has none. */
export function acceptFocusedOffer(itemId: string | null): boolean {
  if (!itemId || !useControl.getState().control?.tickOffers.some((offer) => offer.itemId === itemId)) return false;
  void acceptTickOffer(itemId).catch((err: unknown) => useStore.getState().showError(err));
  return true;
}
