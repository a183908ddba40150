/**
 * What a runbook and its profile would do once trusted (the capability
 * manifest), and whether a person approved exactly that. Main derives the
 * manifest (src/main/services/trust/); the renderer shows it on the
 * approval screen and the CLI prints it. Everything here is data: names,
 * destinations and argv, never a secret value.
 */

/** A host the cockpit would contact, and the vault secrets it would send there. */
export interface ManifestHost {
  /** "https://api.example.com", "db.internal:5432" (see vault/destination.ts). */
  destination: string;
  /** What contacts it: "probe api", "flag checkout_v2", "backup main-db". */
  purpose: string;
  /** Vault secret names sent to it. */
  secrets: string[];
}

export interface ManifestProgram {
  /** The exact argv; argv[0] is looked up on PATH among the allowlist. */
  argv: string[];
  /** "commands.named.undo-web", "rollback plan P0 step 2", "runbook line 42". */
  source: string;
  /** Vault secrets put into its environment, as VARIABLE=secret name. */
  env: string[];
}

export interface ManifestFlag {
  flag: string;
  destination: string;
  steps: number[];
}

export interface ManifestPlan {
  name: string;
  steps: string[];
}

/** A trigger that starts a rollback with nobody pressing anything. */
export interface ManifestAutomatic {
  trigger: string;
  /** "error_rate > 2 % for 5 min", or the profile's words when the runbook states no such trigger. */
  condition: string;
  plan: string;
  countdownSeconds: number;
}

export interface ManifestRestore {
  plan: string;
  backup: string;
  destination: string;
}

export interface CapabilityManifest {
  version: 1;
  /** Programs that may run at all (the profile's allowlist). */
  allowlist: string[];
  hosts: ManifestHost[];
  programs: ManifestProgram[];
  flags: ManifestFlag[];
  plans: ManifestPlan[];
  automatic: ManifestAutomatic[];
  restores: ManifestRestore[];
}

/** One line of what changed since the approval, by section. */
export interface ManifestChange {
  section: keyof Omit<CapabilityManifest, 'version'>;
  change: 'added' | 'removed';
  /** The entry as it is shown on the approval screen. */
  text: string;
}

export type TrustState =
  /** Nothing in the runbook or profile can act: no profile, or one with no powers. */
  | 'inert'
  /** Approved exactly as it is now (or the bundled demo). */
  | 'trusted'
  /** Never approved: review mode. */
  | 'untrusted'
  /** Approved once, but it would now do something else: review mode, with the diff. */
  | 'changed';

export interface TrustView {
  state: TrustState;
  /** The file whose approval this is (the profile file, or the runbook for front matter). */
  subject: string | null;
  manifest: CapabilityManifest;
  /** sha256 of the canonical manifest: the identity of an approval. */
  hash: string;
  /** Against the last approval of the same subject, when state is 'changed'. */
  changes: ManifestChange[];
  approvedAt: string | null;
  approvedBy: string | null;
  /** Why it is trusted without an approval ("the bundled demo"). */
  implicit: string | null;
}

/** Whether a manifest asks for any power at all. */
export function hasPowers(manifest: CapabilityManifest): boolean {
  return (
    manifest.allowlist.length > 0 ||
    manifest.hosts.length > 0 ||
    manifest.programs.length > 0 ||
    manifest.flags.length > 0 ||
    manifest.plans.length > 0 ||
    manifest.automatic.length > 0 ||
    manifest.restores.length > 0
  );
}

/** How each entry reads on the approval screen and in the CLI; the diff compares these texts. */
export function manifestLines(manifest: CapabilityManifest): Array<{ section: ManifestChange['section']; text: string }> {
  const lines: Array<{ section: ManifestChange['section']; text: string }> = [];
  for (const host of manifest.hosts) lines.push({ section: 'hosts', text: `${host.destination} (${host.purpose})${host.secrets.length ? ` ← secrets: ${host.secrets.join(', ')}` : ''}` });
  for (const program of manifest.allowlist) lines.push({ section: 'allowlist', text: program });
  for (const p of manifest.programs) lines.push({ section: 'programs', text: `${JSON.stringify(p.argv)} (${p.source})${p.env.length ? ` env: ${p.env.join(', ')}` : ''}` });
  for (const f of manifest.flags) lines.push({ section: 'flags', text: `${f.flag} at ${f.destination}, steps ${f.steps.join(' → ')} %` });
  for (const plan of manifest.plans) lines.push({ section: 'plans', text: `${plan.name}: ${plan.steps.join('; ')}` });
  for (const a of manifest.automatic) lines.push({ section: 'automatic', text: `"${a.trigger}" (${a.condition}) starts plan ${a.plan} after a ${a.countdownSeconds} s countdown` });
  for (const r of manifest.restores) lines.push({ section: 'restores', text: `plan ${r.plan} restores backup ${r.backup} into ${r.destination}` });
  return lines;
}

export const MANIFEST_SECTION_TITLES: Record<ManifestChange['section'], string> = {
  hosts: 'Hosts it contacts',
  allowlist: 'Programs it may run',
  programs: 'Commands, argv exactly',
  flags: 'Flags it may change',
  plans: 'Rollback plans',
  automatic: 'Automatic actions',
  restores: 'Restores',
};
