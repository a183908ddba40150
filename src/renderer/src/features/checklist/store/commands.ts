/**
 * What the operator can ask main to do. Every command reports its failure
 * in the error banner and changes the store only with main's answer: a tick
 * shows as ticked once it is on disk, never before.
 */
import type { Cockpit } from '../../../../../shared/contract';
import { LIMITS } from '../../../../../shared/contract-names';
import { FlightdeckError } from '../../../../../shared/errors';
import { formatBytesOver } from '../../../../../shared/format';
import { isChecked } from '../../../../../shared/session-state';
import { api } from '../../../api';
import { NOT_CONNECTED_REASON, useConnection } from '../../connection/connection';
import { indexRunbook } from './derived';
import { step } from './navigation';
import { selectChecked } from './selectors';
import { useStore } from './store';
import { receiveEntry } from './sync';
import { teamChecked } from '../../../../../shared/team-words';
import { useTeam } from '../../team/team-store';

const store = () => useStore.getState();

/** Runs a call, reporting a failure in the banner; resolves undefined on failure. */
async function attempt<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    store().showError(err);
    return undefined;
  }
}

function adopt(cockpit: Cockpit | null | undefined): void {
  if (cockpit) store().replaceCockpit(cockpit);
}

/** Tick or untick; the row shows "pending" until the entry is durable. */
export async function toggleItem(itemId: string): Promise<void> {
  const s = store();
  if (itemId in s.pendingTicks) return; // one call per item at a time
  // The space key reaches here too, past the disabled box: say why nothing happens.
  if (useConnection.getState().state !== 'connected') return store().showError(new FlightdeckError('timeout', NOT_CONNECTED_REASON));
  const item = indexRunbook(s.cockpit?.runbook).itemsById.get(itemId);
  if (!item) return;
  // The box shows the team's merged state when joined (TaskItemRow): pressing it turns that state over.
  const checked = !(teamChecked(useTeam.getState().team?.items[itemId]) ?? isChecked(s.cockpit?.session ?? null, itemId, item.checked));
  s.setPendingTick(itemId, checked);
  try {
    const entry = await api.tickItem({ itemId, checked });
    receiveEntry(entry, null);
    advancePastFiltered(itemId);
  } catch (err) {
    store().showError(err);
  } finally {
    store().setPendingTick(itemId, null);
  }
}

/**
 * With "Unchecked only" on, the item just ticked leaves the list; the
 * focus moves on to the next open item so Space can keep going.
 */
function advancePastFiltered(itemId: string): void {
  const s = store();
  if (!s.uncheckedOnly || s.focusedItemId !== itemId || !selectChecked(s, itemId)) return;
  const next = step(s, 1) ?? step(s, -1);
  if (next) s.select(next.selectedPhaseId, next.focusedItemId);
}

/** Adds a note; true once it is on disk (the editor then closes). Main's notice (a secret taken out) is shown. */
export async function addNote(itemId: string, text: string): Promise<boolean> {
  const result = await attempt(() => api.addNote({ itemId, text }));
  if (!result) return false;
  receiveEntry(result.entry, null);
  if (result.notice) store().showNotice(result.notice);
  return true;
}

export async function setOperator(name: string): Promise<void> {
  const prefs = await attempt(() => api.setOperator({ name }));
  if (prefs) store().setPrefs(prefs);
}

export async function setTheme(theme: 'dark' | 'light'): Promise<void> {
  const prefs = await attempt(() => api.setTheme({ theme }));
  if (prefs) store().setPrefs(prefs);
}

export async function openDemo(): Promise<void> {
  adopt(await attempt(() => api.openDemo()));
}

/** The native File > Open dialog (desktop); null answer means cancelled. */
export async function chooseRunbook(): Promise<void> {
  adopt(await attempt(() => api.chooseRunbook()));
}

/** A deployment profile dropped or picked beside a runbook: `<name>.flightdeck.yaml`, `flightdeck.yaml`. */
export const PROFILE_FILE = /(?:^|\.)flightdeck\.ya?ml$/i;

/**
 * Files from the picker or a drop. In the desktop app a dropped file has a
 * path, which lets main write ticks back and find the profile beside it;
 * otherwise its bytes are sent and main treats it as an import, with the
 * profile that was dropped or picked with it (an upload has no folder).
 */
export async function openFiles(files: readonly File[]): Promise<void> {
  const profile = files.find((f) => PROFILE_FILE.test(f.name)) ?? null;
  const file = files.find((f) => f !== profile);
  if (!file) {
    if (profile) store().showError(new FlightdeckError('bad-input', 'is a deployment profile: drop or pick it together with its runbook.', { file: profile.name }));
    return;
  }
  const path = api.pathForFile(file);
  if (path) {
    adopt(await attempt(() => api.openRunbookPath({ path })));
    return;
  }
  if (file.size > LIMITS.runbookBytes) {
    const [is, limit] = formatBytesOver(file.size, LIMITS.runbookBytes);
    store().showError(new FlightdeckError('too-large', `is ${is}; a runbook may be at most ${limit}.`, { file: file.name }));
    return;
  }
  adopt(
    await attempt(async () => {
      // Bytes, not text: main checks the encoding and names the line of a bad byte.
      const base64 = toBase64(new Uint8Array(await file.arrayBuffer()));
      const withProfile = profile ? { profile: { name: profile.name, base64: toBase64(new Uint8Array(await profile.arrayBuffer())) } } : {};
      return api.openRunbookUpload({ name: file.name || 'runbook.md', base64, ...withProfile });
    }),
  );
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode takes its arguments on the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export async function startNewSession(): Promise<void> {
  adopt(await attempt(() => api.startNewSession()));
}

export async function writeTicksToFile(): Promise<void> {
  const result = await attempt(() => api.writeTicksToFile());
  if (result) store().showConfirmation(`${result.changed} tick${result.changed === 1 ? '' : 's'} written to ${result.path}`);
}

/** Only ever called with an https href the parser kept; main checks again. */
export async function openExternal(url: string): Promise<void> {
  const result = await attempt(() => api.openExternal({ url }));
  if (result && !result.opened) store().showError(new FlightdeckError('forbidden', `The link was not opened: ${url}`));
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch (err) {
    store().showError(new FlightdeckError('unsupported', `Could not copy to the clipboard: ${err instanceof Error ? err.message : String(err)}`));
    return false;
  }
}

