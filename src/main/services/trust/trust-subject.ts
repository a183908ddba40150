/**
 * Which file an approval belongs to: the profile file beside the runbook,
 * or the runbook itself when its front matter is the profile. A runbook
 * that arrived as bytes (browser mode's picker) has no path; its approval
 * is pinned to its name, so the next upload of an edited copy is shown as
 * a change against it.
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import type { RunbookDoc } from '../../../shared/runbook-model';
import type { LoadedProfile } from '../profile/profile-loader';

export function trustSubject(doc: RunbookDoc, profile: LoadedProfile | null): string | null {
  if (!profile) return null;
  if (profile.origin === 'file') return canonicalPath(profile.file);
  // An uploaded profile is pinned to its runbook's and its own name, like an uploaded runbook.
  if (profile.origin === 'upload') return `upload:${doc.source.name}+${profile.file}`;
  return doc.source.path ? canonicalPath(doc.source.path) : `upload:${doc.source.name}`;
}

/** The same file however it was named on the command line. */
export function canonicalPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}
