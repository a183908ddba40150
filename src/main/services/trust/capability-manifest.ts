/**
 * The one function that says what a runbook and its profile would do once
 * trusted: every host contacted and the secrets sent to each, every program
 * with its argv, every flag write, rollback plan, automatic trigger and
 * restore. It reads the parsed profile (so comments and whitespace change
 * nothing) and the runbook's recognised commands and triggers (the runbook
 * is untrusted text too). Destinations come from vault/destination.ts, the
 * same functions the services use when they connect.
 *
 * The manifest is split in two: what the profile alone grants (all the CLI
 * can act through) and what the runbook's text adds (code-block commands,
 * the conditions behind automatic rollbacks). Its canonical hash is the
 * identity of an approval.
 */
import { createHash } from 'node:crypto';
import type { RunbookDoc } from '../../../shared/runbook-model';
import type { CapabilityManifest, ManifestHost, ManifestProgram } from '../../../shared/trust-model';
import { CommandPolicy } from '../commands/command-policy';
import { profileCommands, recogniseContext, recogniseRunbook } from '../commands/recognise';
import { describeCondition } from '../gates/conditions';
import { canonicalJson } from '../journal/canonical-json';
import { extractGatePlan } from '../gates/extract-plan';
import type { Profile } from '../profile/profile-schema';
import { isSecretRef, type MaybeSecret } from '../profile/secret-ref';
import type { FlagBackendConfig } from '../profile/flags-schema';
import { withoutIgnoredCommands } from '../review/apply-overrides';
import { stepTitle } from '../rollback/rollback-steps';
import { destinationOfUrl, hostPort, httpDestination, programDestination } from '../vault/destination';

const SECRET_HOST = (name: string) => `the host inside secret ${name}`;

/** What the profile alone grants: hosts, programs it names, flags, plans, restores. */
export function profileManifest(profile: Profile): CapabilityManifest {
  const hosts = new HostList();
  for (const probe of profile.probes) {
    const purpose = `probe ${probe.name}`;
    switch (probe.kind) {
      case 'http':
        hosts.add(httpDestination(probe.url), purpose, headerSecrets(probe.headers));
        for (const origin of probe.allowRedirectsTo) hosts.add(httpDestination(origin), `${purpose} (redirect)`, []);
        break;
      case 'prometheus':
        hosts.add(httpDestination(probe.url), purpose, headerSecrets(probe.headers));
        break;
      case 'tls':
        hosts.add(hostPort(probe.host, probe.port), purpose, []);
        break;
      case 'redis':
      case 'postgres':
        hosts.add(destinationOfUrl(probe.url), purpose, probe.password ? [probe.password.secret] : []);
        break;
      case 'mongodb':
        if (isSecretRef(probe.url)) hosts.add(SECRET_HOST(probe.url.secret), purpose, [probe.url.secret]);
        else hosts.add(destinationOfUrl(probe.url), purpose, []);
        break;
    }
  }
  const flags = profile.flags.map((flag) => {
    const { destination, secrets } = flagTarget(flag.backend);
    hosts.add(destination, `flag ${flag.name}`, secrets);
    return { flag: flag.name, destination, steps: [...flag.steps] };
  });
  for (const backup of profile.backups) {
    hosts.add(destinationOfUrl(backup.url), `backup ${backup.name}`, backup.password ? [backup.password.secret] : []);
  }

  const env = envOf(profile);
  const programs: ManifestProgram[] = [];
  const context = recogniseContext(profile, (program) => new CommandPolicy(profile.commands.allow).isAllowed(program));
  for (const command of profileCommands(profile.commands.named, context)) {
    if (command.action?.kind === 'process') programs.push({ argv: command.action.argv, source: `commands.named.${command.title}`, env });
  }
  const restores: CapabilityManifest['restores'] = [];
  const plans = profile.rollback.plans.map((plan) => {
    plan.steps.forEach((step, index) => {
      if ('command' in step && Array.isArray(step.command)) programs.push({ argv: step.command, source: `rollback plan ${plan.name} step ${index + 1}`, env });
      if ('restore' in step) {
        const target = profile.backups.find((b) => b.name === step.restore);
        restores.push({ plan: plan.name, backup: step.restore, destination: target ? destinationOfUrl(target.url) : 'unknown' });
      }
    });
    return { name: plan.name, steps: plan.steps.map(stepTitle) };
  });
  const automatic = profile.gates.triggers
    .filter((t) => t.autoRollback)
    .map((t) => ({
      trigger: t.match ?? t.text ?? (t.metric && t.op && t.value !== undefined ? `${t.metric} ${t.op} ${t.value}` : ''),
      condition: t.metric && t.op && t.value !== undefined ? `${t.metric} ${t.op} ${t.value}${t.forSeconds ? ` for ${t.forSeconds} s` : ''}` : 'as the runbook states it',
      plan: t.autoRollback!.plan,
      countdownSeconds: t.autoRollback!.countdownSeconds,
    }));
  return canonical({ version: 1, allowlist: [...profile.commands.allow], hosts: hosts.list(), programs, flags, plans, automatic, restores });
}

/**
 * Everything: the profile's grants plus what the runbook's text turns into
 * actions under that profile (allowlisted code-block lines, and the
 * conditions, read from the runbook, that start an automatic rollback).
 */
export function deriveManifest(doc: RunbookDoc | null, profile: Profile | null): CapabilityManifest {
  if (!profile) return emptyManifest();
  const base = profileManifest(profile);
  if (!doc) return base;
  const env = envOf(profile);
  const context = recogniseContext(profile, (program) => new CommandPolicy(profile.commands.allow).isAllowed(program));
  const fromRunbook: ManifestProgram[] = withoutIgnoredCommands(recogniseRunbook(doc, context), profile.overrides)
    .filter((c) => c.runnable && c.action?.kind === 'process')
    .map((c) => ({ argv: (c.action as { argv: string[] }).argv, source: `runbook line ${c.line ?? '?'}`, env }));
  const automatic = extractGatePlan(doc, profile)
    .triggers.filter((t) => t.autoRollback)
    .map((t) => ({ trigger: t.text, condition: describeCondition(t.condition, t.forSeconds), plan: t.autoRollback!.plan, countdownSeconds: t.autoRollback!.countdownSeconds }));
  return canonical({ ...base, programs: [...base.programs, ...fromRunbook], automatic });
}

export function emptyManifest(): CapabilityManifest {
  return { version: 1, allowlist: [], hosts: [], programs: [], flags: [], plans: [], automatic: [], restores: [] };
}

/** sha256 of the canonical JSON: object keys sorted, lists already in canonical order. */
export function manifestHash(manifest: CapabilityManifest): string {
  return createHash('sha256').update(canonicalJson(manifest)).digest('hex');
}

/** Lists sorted by their text, so reordering the profile does not change the hash. */
function canonical(manifest: CapabilityManifest): CapabilityManifest {
  const byJson = <T>(list: T[]) => [...new Map(list.map((item) => [canonicalJson(item), item])).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
  return {
    version: 1,
    allowlist: [...new Set(manifest.allowlist)].sort(),
    hosts: byJson(manifest.hosts),
    programs: byJson(manifest.programs),
    flags: byJson(manifest.flags),
    plans: byJson(manifest.plans),
    automatic: byJson(manifest.automatic),
    restores: byJson(manifest.restores),
  };
}

function envOf(profile: Profile): string[] {
  return Object.entries(profile.commands.env)
    .filter(([, value]) => isSecretRef(value))
    .map(([variable, value]) => `${variable}=${(value as { secret: string }).secret}`)
    .sort();
}

function headerSecrets(headers: Readonly<Record<string, MaybeSecret>>): string[] {
  return Object.values(headers).flatMap((value) => (isSecretRef(value) ? [value.secret] : []));
}

function flagTarget(backend: FlagBackendConfig): { destination: string; secrets: string[] } {
  switch (backend.type) {
    case 'http':
      return { destination: httpDestination(backend.url), secrets: headerSecrets(backend.headers) };
    case 'redis':
      return { destination: destinationOfUrl(backend.url), secrets: backend.password ? [backend.password.secret] : [] };
    case 'mongodb':
      return isSecretRef(backend.url) ? { destination: SECRET_HOST(backend.url.secret), secrets: [backend.url.secret] } : { destination: destinationOfUrl(backend.url), secrets: [] };
    case 'heroku':
    case 'railway':
      return { destination: httpDestination(backend.apiUrl), secrets: [backend.token.secret] };
  }
}

/** Hosts merged by destination: one line per host with every purpose and secret. */
class HostList {
  private readonly hosts = new Map<string, { purposes: Set<string>; secrets: Set<string> }>();

  add(destination: string, purpose: string, secrets: string[]): void {
    const entry = this.hosts.get(destination) ?? { purposes: new Set(), secrets: new Set() };
    entry.purposes.add(purpose);
    for (const s of secrets) entry.secrets.add(s);
    this.hosts.set(destination, entry);
  }

  list(): ManifestHost[] {
    return [...this.hosts.entries()].map(([destination, e]) => ({ destination, purpose: [...e.purposes].sort().join(', '), secrets: [...e.secrets].sort() }));
  }
}

/**
 * Every (secret, destination) pair the manifest releases: a host's secrets
 * to that host, and the commands' environment secrets to each allowlisted
 * program. What an approval vouches for when no vault scope says more (the
 * CLI's environment secrets).
 */
export function secretPairs(manifest: CapabilityManifest): Array<[secret: string, destination: string]> {
  const pairs: Array<[string, string]> = [];
  for (const host of manifest.hosts) for (const secret of host.secrets) pairs.push([secret, host.destination]);
  const envSecrets = new Set(manifest.programs.flatMap((p) => p.env.map((e) => e.slice(e.indexOf('=') + 1))));
  for (const program of manifest.allowlist) for (const secret of envSecrets) pairs.push([secret, programDestination(program)]);
  return pairs;
}
