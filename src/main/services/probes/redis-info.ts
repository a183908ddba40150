/**
 * Redis INFO is "key:value" lines in "# Section" blocks. Only numbers are
 * needed here; the numbers a probe reports are named once, below.
 */

export function parseRedisInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

export function infoNumber(fields: Map<string, string>, name: string): number | null {
  const raw = fields.get(name);
  if (raw === undefined) return null;
  const value = Number(raw);
  return Number.isFinite(value) ? value : null;
}
