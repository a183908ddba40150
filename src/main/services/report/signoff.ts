/**
 * Recording a sign-off: a person signs for a role the runbook asks for
 * (its sign-off lines and table rows), optionally with their own Ed25519
 * key on this laptop, whose public key the journal keeps so the evidence
 * bundle can carry their signature. Shared by the cockpit and
 * `flightdeck signoff`.
 */
import { FlightdeckError } from '../../../shared/errors';
import { checkPersonName } from '../../../shared/person-name';
import type { RunbookDoc, SignOff } from '../../../shared/runbook-model';
import type { JournalEntry } from '../../../shared/session-model';
import type { ActionJournal } from '../actions/action-journal';
import type { SigningIdentities } from '../signing/signing-identity';

export interface SignoffRequest {
  /** A runbook role ("Engineering Lead", any case) or a sign-off id. */
  role: string;
  name: string;
  /** Sign with this person's own key (made on first use). */
  ownKey: boolean;
}

const MAX_FIELD = 120;

/** The runbook's sign-off for a role; a runbook that names no roles accepts any role. */
export function resolveSignoffRole(doc: RunbookDoc, role: string): { signoffId: string | null; role: string } {
  const wanted = role.trim();
  if (!wanted || wanted.length > MAX_FIELD) throw new FlightdeckError('bad-input', `A sign-off needs a role of 1 to ${MAX_FIELD} characters.`, { field: 'role' });
  if (doc.signoffs.length === 0) return { signoffId: null, role: wanted };
  const found = doc.signoffs.find((s: SignOff) => s.id === wanted || s.role.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    const roles = [...new Set(doc.signoffs.map((s) => s.role))].map((r) => `"${r}"`).join(', ');
    throw new FlightdeckError('not-found', `The runbook asks for no sign-off by "${wanted}"; it asks for ${roles}.`, { field: 'role' });
  }
  return { signoffId: found.id, role: found.role };
}

export function recordSignoff(journal: ActionJournal, doc: RunbookDoc, request: SignoffRequest, by: string | null, identities: SigningIdentities | null): JournalEntry {
  const name = checkPersonName(request.name.trim(), 'The sign-off name', 'name');
  if (!name || name.length > MAX_FIELD) throw new FlightdeckError('bad-input', `A sign-off needs the signer's name (1 to ${MAX_FIELD} characters).`, { field: 'name' });
  const { signoffId, role } = resolveSignoffRole(doc, request.role);
  let publicKey: string | null = null;
  if (request.ownKey) {
    if (!identities) throw new FlightdeckError('locked', 'Signing with your own key needs the vault: unlock it first.', { field: 'ownKey' });
    publicKey = identities.signerKey(name, { create: true })?.publicKey ?? null;
  }
  return journal.record('signoff.recorded', by, { signoffId, role, name, publicKey });
}
