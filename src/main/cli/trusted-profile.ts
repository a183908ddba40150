/**
 * The CLI's side of the trust gate: a command that would act through a
 * profile (flag, rollback, backup) gets the profile only as a
 * TrustedProfile, checked against the approvals in the data directory
 * before any connection is made or program started. An untrusted or changed
 * profile exits 2 naming the file and the command that reviews it.
 * Commands given a bare target on their own command line do not come here:
 * the person typed the target.
 */
import { FlightdeckError } from '../../shared/errors';
import { defaultDataDir } from '../app/paths';
import { loadProfileFile } from '../services/profile/profile-loader';
import { TrustStore, approvedSecretPairs, type TrustedProfile } from '../services/trust/trust-store';
import { canonicalPath } from '../services/trust/trust-subject';

export async function trustedProfileFile(file: string, env: NodeJS.ProcessEnv): Promise<TrustedProfile> {
  const loaded = await loadProfileFile(file);
  const check = new TrustStore(defaultDataDir(env)).check({ subject: canonicalPath(loaded.file), profile: loaded, doc: null });
  if (check.trusted) return check.trusted;
  const why = check.view.state === 'changed' ? `it changed since it was approved (${check.view.changes.length} change${check.view.changes.length === 1 ? '' : 's'})` : 'it has not been approved';
  throw new FlightdeckError('forbidden', `is not trusted: ${why}, so nothing in it may act. Run \`flightdeck trust ${file}\` to review what it would do and approve it.`, { file });
}

/** What an approval vouches for, for environment secrets that carry no scope of their own. */
export { approvedSecretPairs };
