/**
 * Approving and withdrawing trust: main answers with the whole cockpit
 * (rebuilt armed, or back in review mode), which replaces the store's.
 */
import { api } from '../../api';
import { useStore } from '../checklist/store/store';

export async function approveTrust(hash: string): Promise<void> {
  useStore.getState().replaceCockpit(await api.approveTrust({ hash }));
}

export async function revokeTrust(): Promise<void> {
  useStore.getState().replaceCockpit(await api.revokeTrust());
}
