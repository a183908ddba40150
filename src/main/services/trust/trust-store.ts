/**
 * Approvals of capability manifests, kept in the data directory (never
 * beside the runbook, so a repository cannot ship its own approval), in
 * one file only its owner reads. An approval is keyed by its subject (the
 * file the profile lives in) and pinned to the manifest's hash; the whole
 * manifest is kept too, so a changed one can be shown as a diff.
 *
 * `check` is the only way to obtain a TrustedProfile, and the session scope
 * factory takes nothing else: power is armed in one place.
 */
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { FlightdeckError } from '../../../shared/errors';
import type { RunbookDoc } from '../../../shared/runbook-model';
import { hasPowers, manifestLines, type CapabilityManifest, type ManifestChange, type TrustView } from '../../../shared/trust-model';
import type { LoadedProfile } from '../profile/profile-loader';
import type { Profile } from '../profile/profile-schema';
import { writeFileAtomic } from '../storage/durable-fs';
import { deriveManifest, manifestHash, profileManifest, secretPairs } from './capability-manifest';

export const TRUST_DIR = 'trust';
export const APPROVALS_FILE = 'approvals.json';

const ManifestSchema = z.custom<CapabilityManifest>((value) => typeof value === 'object' && value !== null && (value as { version?: unknown }).version === 1);

const ApprovalSchema = z
  .object({
    subject: z.string().min(1),
    /** Hash of the whole manifest (profile and runbook) as approved. */
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    /** Hash of the profile's part alone: what the CLI, which never reads the runbook, checks. */
    profileHash: z.string().regex(/^[0-9a-f]{64}$/),
    manifest: ManifestSchema,
    approvedAt: z.string(),
    approvedBy: z.string(),
  })
  .strict();
export type Approval = z.infer<typeof ApprovalSchema>;

const ApprovalsFileSchema = z.object({ format: z.literal('flightdeck-approvals'), version: z.literal(1), approvals: z.array(ApprovalSchema) }).strict();

declare const trustedBrand: unique symbol;
/** A profile a person approved exactly as it is; only TrustStore.check (or the demo rule) makes one. */
export type TrustedProfile = { readonly [trustedBrand]: true; profile: Profile; file: string | null; manifest: CapabilityManifest; hash: string; view: TrustView };

/** What the check found: the view for the UI, and the trusted profile when power may be armed. */
export interface TrustCheck {
  view: TrustView;
  trusted: TrustedProfile | null;
}

export interface CheckInput {
  /** The file whose approval this is; null for a runbook that arrived as bytes. */
  subject: string | null;
  profile: LoadedProfile | null;
  /** The runbook whose text adds commands and automatic triggers; null from the CLI. */
  doc: RunbookDoc | null;
  /** Trusted without an approval, and why (the bundled demo). */
  implicit?: string | null;
}

export class TrustStore {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, TRUST_DIR, APPROVALS_FILE);
  }

  get path(): string {
    return this.file;
  }

  list(): Approval[] {
    return this.read();
  }

  /** Whether `input` may act, and what the approval screen shows. */
  check(input: CheckInput): TrustCheck {
    const profile = input.profile?.profile ?? null;
    const manifest = deriveManifest(input.doc, profile);
    const hash = manifestHash(manifest);
    const base: TrustView = { state: 'untrusted', subject: input.subject, manifest, hash, changes: [], approvedAt: null, approvedBy: null, implicit: null };
    if (!profile || !hasPowers(manifest)) return { view: { ...base, state: 'inert' }, trusted: profile ? mint(profile, input, manifest, hash, { ...base, state: 'inert' }) : null };
    if (input.implicit) {
      const view: TrustView = { ...base, state: 'trusted', implicit: input.implicit };
      return { view, trusted: mint(profile, input, manifest, hash, view) };
    }
    const approval = input.subject ? this.find(input.subject) : undefined;
    if (!approval) return { view: base, trusted: null };
    // The CLI reads no runbook: the profile's own part is what it acts through.
    const matches = input.doc ? approval.hash === hash : approval.profileHash === manifestHash(profileManifest(profile));
    if (matches) {
      const view: TrustView = { ...base, state: 'trusted', approvedAt: approval.approvedAt, approvedBy: approval.approvedBy };
      return { view, trusted: mint(profile, input, manifest, hash, view) };
    }
    return { view: { ...base, state: 'changed', changes: diffManifests(approval.manifest, manifest), approvedAt: approval.approvedAt, approvedBy: approval.approvedBy }, trusted: null };
  }

  /**
   * Records that `by` approved exactly `expectedHash` for the subject. The
   * hash is the one the person was shown: if the files changed in between,
   * the approval is refused rather than granted to something unseen.
   */
  approve(input: CheckInput, expectedHash: string, by: string, now = new Date()): TrustCheck {
    if (!input.subject) throw new FlightdeckError('unsupported', 'A runbook opened as an upload has no file to pin an approval to; open it from disk to trust it.');
    if (!input.profile) throw new FlightdeckError('bad-input', 'There is no deployment profile to trust.', { file: input.subject });
    const manifest = deriveManifest(input.doc, input.profile.profile);
    const hash = manifestHash(manifest);
    if (hash !== expectedHash) {
      throw new FlightdeckError('conflict', 'The runbook or its profile changed while you reviewed it; review the new list and approve again.', { file: input.subject });
    }
    const approval: Approval = {
      subject: input.subject,
      hash,
      profileHash: manifestHash(profileManifest(input.profile.profile)),
      manifest,
      approvedAt: now.toISOString(),
      approvedBy: by,
    };
    this.write([...this.read().filter((a) => a.subject !== input.subject), approval]);
    return this.check(input);
  }

  /** Removes the subject's approval; true when there was one. */
  revoke(subject: string): boolean {
    const approvals = this.read();
    const kept = approvals.filter((a) => a.subject !== subject);
    if (kept.length === approvals.length) return false;
    this.write(kept);
    return true;
  }

  private find(subject: string): Approval | undefined {
    return this.read().find((a) => a.subject === subject);
  }

  private read(): Approval[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new FlightdeckError('bad-input', 'The approvals file is not JSON; move it aside to start again (every runbook will need approving anew).', { file: this.file });
    }
    const parsed = ApprovalsFileSchema.safeParse(json);
    if (!parsed.success) throw new FlightdeckError('bad-input', `The approvals file is damaged (${parsed.error.issues[0]?.message ?? 'invalid'}); move it aside to start again.`, { file: this.file });
    return parsed.data.approvals;
  }

  private write(approvals: Approval[]): void {
    const dir = dirname(this.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    writeFileAtomic(this.file, `${JSON.stringify({ format: 'flightdeck-approvals', version: 1, approvals }, null, 2)}\n`, 0o600);
  }
}

/** The approved secret pairings of a trusted profile: what the CLI may release without a vault scope. */
export function approvedSecretPairs(trusted: TrustedProfile): (secret: string, destination: string) => boolean {
  const pairs = new Set(secretPairs(trusted.manifest).map(([s, d]) => `${s}\u0000${d}`));
  return (secret, destination) => pairs.has(`${secret}\u0000${destination}`);
}

/** Lines added and removed between the approved manifest and the current one. */
export function diffManifests(before: CapabilityManifest, after: CapabilityManifest): ManifestChange[] {
  const key = (l: { section: string; text: string }) => `${l.section}\u0000${l.text}`;
  const old = new Map(manifestLines(before).map((l) => [key(l), l]));
  const now = new Map(manifestLines(after).map((l) => [key(l), l]));
  const changes: ManifestChange[] = [];
  for (const [k, l] of now) if (!old.has(k)) changes.push({ section: l.section, change: 'added', text: l.text });
  for (const [k, l] of old) if (!now.has(k)) changes.push({ section: l.section, change: 'removed', text: l.text });
  return changes;
}

function mint(profile: Profile, input: CheckInput, manifest: CapabilityManifest, hash: string, view: TrustView): TrustedProfile {
  return { profile, file: input.profile?.file ?? null, manifest, hash, view } as TrustedProfile;
}
