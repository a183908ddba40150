/**
 * The alarm's mute switch, remembered in the renderer across restarts
 * (localStorage), because a release manager who muted the beeps on purpose
 * should not be startled again by a reload. Muting silences the sound
 * only: the banner, the pulsing button and the notifications stay.
 */

const KEY = 'flightdeck.alarm.muted';

/** The part of Storage used here, so tests pass a Map-backed one. */
export interface MuteStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Whether the alarm was muted; a storage that throws (private mode, quota) counts as not muted, so the alarm is heard. */
export function readMuted(storage: MuteStorage | null): boolean {
  try {
    return storage?.getItem(KEY) === 'true';
  } catch {
    return false;
  }
}

/** Remembers the choice; false when it could not be stored (the switch still works for this window). */
export function writeMuted(storage: MuteStorage | null, muted: boolean): boolean {
  try {
    if (!storage) return false;
    storage.setItem(KEY, muted ? 'true' : 'false');
    return true;
  } catch {
    return false;
  }
}
