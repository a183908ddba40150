/**
 * The fallback of live reload (issue 15): main watches the runbook's folder,
 * but a watch can fail (no inotify watches left, a network mount) or miss an
 * edit made while the laptop slept. So when the window gets the focus back,
 * which is when someone returns from their editor, main is asked to read the
 * files again. Main answers "nothing changed" cheaply, and whatever changed
 * arrives as the usual cockpit event. A failure here is not the user's
 * action: the notices main sets say what is wrong with the files.
 */
import type { FlightdeckApi } from '../../../../shared/api';

export function startReloadOnFocus(api: Pick<FlightdeckApi, 'reloadFiles'>): () => void {
  let asking = false;
  const onFocus = () => {
    if (asking) return;
    asking = true;
    void api
      .reloadFiles({})
      .catch(() => undefined)
      .finally(() => {
        asking = false;
      });
  };
  window.addEventListener('focus', onFocus);
  return () => window.removeEventListener('focus', onFocus);
}
