/**
 * The one rule for links leaving the app: https, a host, no credentials in
 * the address. The parser uses it to decide which checklist links are
 * clickable, main uses it before handing a URL to the system browser, and
 * the Electron window uses it in its navigation guards.
 */
export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.hostname !== '';
}
