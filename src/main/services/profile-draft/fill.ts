/**
 * A draft plus the person's choices (field values, accept or ignore, the
 * secret per proposal) becomes a profile: placeholders filled, ignored
 * proposals left out, references between proposals resolved, and the
 * result checked by the profile schema and the loader's cross-references
 * (parseProfileText), so a saved profile always loads.
 */
import { stringify } from 'yaml';
import { FlightdeckError } from '../../../shared/errors';
import { FIELD_TOKEN, type DraftChoices, type DraftProposal, type ProfileDraft } from '../../../shared/profile-draft';
import { SECRET_NAME } from '../profile/secret-ref';
import { FLAG_REF, HEALTH_REF } from './rollback-proposals';

/** Accepted proposals: the person's choice, else the draft's; one per group. */
export function acceptedProposals(draft: ProfileDraft, choices: DraftChoices['proposals'] = {}): DraftProposal[] {
  const groups = new Set<string>();
  return draft.proposals.filter((p) => {
    if (!(choices[p.id]?.accepted ?? p.accepted)) return false;
    if (p.group === null) return true;
    if (groups.has(p.group)) return false;
    groups.add(p.group);
    return true;
  });
}

function fillString(text: string, values: Record<string, string>, missing: Set<string>): string {
  return text.replace(FIELD_TOKEN, (token, key: string) => {
    const value = values[key]?.trim();
    if (!value) {
      missing.add(key);
      return token;
    }
    return value;
  });
}

function fillValue(value: unknown, values: Record<string, string>, missing: Set<string>): unknown {
  if (typeof value === 'string') return fillString(value, values, missing);
  if (Array.isArray(value)) return value.map((v) => fillValue(v, values, missing));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillValue(v, values, missing)]));
  return value;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (!node[key] || typeof node[key] !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  if (value === undefined) delete node[path[path.length - 1]!];
  else node[path[path.length - 1]!] = value;
}

/** The entry with the chosen secret in its slot (or the slot removed when the person chose none). */
function withSecret(p: DraftProposal, entry: Record<string, unknown>, chosen: string | null | undefined): Record<string, unknown> {
  if (!p.secret) return entry;
  const name = chosen === undefined ? (p.secret.required || p.secret.preset ? p.secret.suggested : null) : chosen;
  if (name === null || name === '') {
    if (p.secret.required) throw new FlightdeckError('bad-input', `${p.title}: needs a vault secret (${p.secret.why}).`, { field: p.id });
    setAt(entry, p.secret.path, undefined);
    return entry;
  }
  if (!SECRET_NAME.test(name)) throw new FlightdeckError('bad-input', `${p.title}: "${name}" is not a vault secret name.`, { field: p.id });
  setAt(entry, p.secret.path, p.secret.prefix ? { secret: name, prefix: p.secret.prefix } : { secret: name });
  return entry;
}

/** A trigger's threshold, duration or band, or a target's URL, as the person corrected it in the form. */
export function withEdits(p: DraftProposal, entry: Record<string, unknown>, choice: DraftChoices['proposals'][string] | undefined): Record<string, unknown> {
  if (!choice) return entry;
  if (p.kind === 'trigger') {
    if (choice.value !== undefined) entry.value = choice.value;
    if (choice.forSeconds !== undefined) entry.forSeconds = choice.forSeconds;
    if (choice.severity !== undefined) entry.severity = choice.severity;
  }
  if (choice.url !== undefined) {
    const backend = entry.backend as Record<string, unknown> | undefined;
    if ((p.kind === 'probe' || p.kind === 'backup') && typeof entry.url === 'string') entry.url = choice.url;
    if (p.kind === 'flag' && backend?.type === 'http') backend.url = choice.url;
  }
  return entry;
}

export interface BuiltProfile {
  /** The profile as plain data, ready for YAML. */
  profile: Record<string, unknown>;
  /** Fields still unfilled. */
  missing: string[];
  /** Where each accepted proposal landed in the profile, for comments. */
  placed: Array<{ proposal: DraftProposal; path: (string | number)[] }>;
}

export function buildProfile(draft: ProfileDraft, choices: DraftChoices, environment = 'production'): BuiltProfile {
  const missing = new Set<string>();
  const accepted = acceptedProposals(draft, choices.proposals);
  const entries = accepted.map((p) => ({ p, entry: withEdits(p, withSecret(p, fillValue(structuredClone(p.entry), choices.values, missing) as Record<string, unknown>, choices.proposals[p.id]?.secret), choices.proposals[p.id]) }));
  const of = (kind: DraftProposal['kind']) => entries.filter((e) => e.p.kind === kind).map((e) => e.entry);

  const probes = of('probe');
  const flags = of('flag');
  const named: Record<string, { argv: string[] }> = Object.fromEntries(of('command').map((c) => [String(c.name), { argv: c.argv as string[] }]));
  const flagName = flags[0]?.name as string | undefined;
  const health = probes.filter((p) => p.kind === 'http').map((p) => p.name as string);
  const plans = of('rollback')
    .map((plan) => ({
      ...plan,
      name: String(plan.name),
      steps: (plan.steps as Array<Record<string, unknown>>).flatMap((step) => {
        if (step.flag === FLAG_REF) return flagName ? [{ ...step, flag: flagName }] : [];
        if (Array.isArray(step.waitForHealth) && step.waitForHealth.includes(HEALTH_REF)) return health.length > 0 ? [{ ...step, waitForHealth: health }] : [];
        if (typeof step.command === 'string') return step.command in named ? [step] : [];
        return [step];
      }),
    }))
    .filter((plan) => plan.steps.length > 0);
  const triggers = of('trigger');

  const profile: Record<string, unknown> = { environment };
  if (probes.length > 0) profile.probes = probes;
  if (flags.length > 0) profile.flags = flags;
  if (Object.keys(named).length > 0) profile.commands = { allow: [...new Set(Object.values(named).map((c) => c.argv[0]!))], named };
  if (plans.length > 0) profile.rollback = { confirm: 'hold', default: plans[0]!.name, plans };
  if (triggers.length > 0) profile.gates = { triggers };
  const backups = of('backup');
  if (backups.length > 0) profile.backups = backups;
  const placed: BuiltProfile['placed'] = [];
  const index: Partial<Record<DraftProposal['kind'], number>> = {};
  for (const { p, entry } of entries) {
    const i = index[p.kind] ?? 0;
    index[p.kind] = i + 1;
    if (p.kind === 'probe') placed.push({ proposal: p, path: ['probes', i] });
    if (p.kind === 'flag') placed.push({ proposal: p, path: ['flags', i] });
    if (p.kind === 'backup') placed.push({ proposal: p, path: ['backups', i] });
    if (p.kind === 'trigger') placed.push({ proposal: p, path: ['gates', 'triggers', i] });
    if (p.kind === 'command') placed.push({ proposal: p, path: ['commands', 'named', String(entry.name)] });
    if (p.kind === 'rollback') {
      const at = plans.findIndex((plan) => plan.name === entry.name);
      if (at >= 0) placed.push({ proposal: p, path: ['rollback', 'plans', at] });
    }
  }
  return { profile, missing: [...missing], placed };
}

export function profileYaml(profile: Record<string, unknown>): string {
  return stringify(profile, { lineWidth: 0 });
}
