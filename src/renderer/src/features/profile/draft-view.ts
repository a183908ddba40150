/**
 * What the form shows of a proposal, computed from the draft and the
 * person's choices: its target with placeholders filled so far, and the
 * one origin a "Test connection" would contact.
 */
import { FIELD_TOKEN, type DraftProposal } from '../../../../shared/profile-draft';

export type Values = Record<string, string>;

/** Text with every `<KEY>` it holds filled from values (unfilled tokens stay). */
export function fill(text: string, values: Values): string {
  return text.replace(FIELD_TOKEN, (token, key: string) => values[key]?.trim() || token);
}

/** The target a proposal names, as written in its entry, tokens and all. */
export function targetOf(p: DraftProposal): string {
  const e = p.entry as Record<string, unknown>;
  const backend = e.backend as Record<string, unknown> | undefined;
  switch (p.kind) {
    case 'probe':
    case 'backup':
      return String(e.url);
    case 'flag':
      return backend?.type === 'http' ? `${String(backend.url)} field ${String(backend.field)}` : `${String(backend?.type)} variable ${String(backend?.var)}${backend?.app ? ` of app ${String(backend.app)}` : ''}`;
    case 'command':
      return (e.argv as string[]).join(' ');
    case 'rollback':
      return (e.steps as Array<Record<string, unknown>>)
        .map((s) => ('set' in s ? `flag to ${String(s.set)}` : 'lastStableStep' in s ? 'flag to its last stable step' : 'command' in s ? `run ${String(s.command)}` : 'waitForHealth' in s ? 'wait for health' : 'step'))
        .join(', then ');
    case 'trigger':
      return `${String(e.metric)} ${String(e.op)} ${String(e.value)}${e.forSeconds ? ` for ${String(e.forSeconds)} s` : ''}`;
  }
}

/** The URL of an entry the person may change in the form (a probe's, a backup's, an http flag's); null otherwise. */
export function editableUrl(p: DraftProposal): string | null {
  const e = p.entry as Record<string, unknown>;
  const backend = e.backend as Record<string, unknown> | undefined;
  if ((p.kind === 'probe' || p.kind === 'backup') && typeof e.url === 'string') return e.url;
  if (p.kind === 'flag' && backend?.type === 'http' && typeof backend.url === 'string') return backend.url;
  return null;
}

/** The origin a test of this proposal would contact, once filled (or with the URL as the person changed it); null when it cannot be tested here. */
export function testOrigin(p: DraftProposal, values: Values, changedUrl?: string): string | null {
  let url: string | null = null;
  const e = p.entry as Record<string, unknown>;
  const backend = e.backend as Record<string, unknown> | undefined;
  if (p.kind === 'probe' && (e.kind === 'http' || e.kind === 'prometheus')) url = changedUrl ?? String(e.url);
  if (p.kind === 'flag' && backend?.type === 'http') url = changedUrl ?? String(backend.url);
  if (url === null) return null;
  const filled = fill(url, values);
  if (filled.match(FIELD_TOKEN)) return null;
  try {
    return new URL(filled).origin;
  } catch {
    return null;
  }
}

/**
 * Where a secret for this proposal would go, as main drafted it (filled), or
 * else the host:port the filled URL names; main normalises and checks it.
 */
export function secretDestination(p: DraftProposal, values: Values): string {
  if (p.secret?.destination) return fill(p.secret.destination, values);
  const e = p.entry as Record<string, unknown>;
  const match = /^[a-z+]+:\/\/(?:[^@/]*@)?([^/?#,]+:\d+)/i.exec(fill(String(e.url ?? ''), values));
  return match ? match[1]! : '';
}
