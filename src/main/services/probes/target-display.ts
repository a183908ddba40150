/**
 * What a user sees of a probe's target: the URL without user:password@ and
 * without query parameters that look like credentials. Targets appear in
 * status lights, events, journal entries and CLI output, none of which may
 * carry a secret.
 */

const SECRET_PARAM = /pass|pwd|secret|token|key|auth|credential|signature|sig$/i;

export function displayTarget(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Not a URL: drop anything that looks like user info before an "@".
    return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  }
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()]) if (SECRET_PARAM.test(name)) url.searchParams.set(name, 'redacted');
  return url.toString();
}

/** A target whose whole connection string is a vault secret: named by the secret, never resolved. */
export function secretTarget(kind: string, secretName: string): string {
  return `${kind} (connection string in secret ${secretName})`;
}

/** scheme://host:port, the unit of trust for redirects. */
export function originOf(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '');
  return `${url.protocol}//${url.hostname}${port ? `:${port}` : ''}`;
}

/** Removes every given secret value from a message before it leaves the probe. */
export function scrub(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) if (secret.length >= 3) out = out.split(secret).join('«redacted»');
  return out;
}
