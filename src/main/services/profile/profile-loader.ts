/**
 * Finds and validates the deployment profile of a runbook: its YAML front
 * matter when that carries profile keys, else a file beside it
 * (`<name>.flightdeck.yaml`, then `flightdeck.yaml`). Every error names
 * the file and the line of the offending key, counted in the runbook when
 * the profile is front matter.
 *
 * The app reads a profile leniently (issue 15): a broken entry (one probe,
 * one flag, one trigger, one plan) is dropped and reported with its file,
 * line and field, and the rest of its section keeps working. The CLI stays
 * strict: a command acting on a profile with an entry missing would surprise.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { FlightdeckError } from '../../../shared/errors';
import { FRONT_MATTER_METADATA, ProfileSchema, type Profile } from './profile-schema';
import { secretNames } from './secret-ref';
import { gateReferenceProblems } from './gates-schema';
import { FILE_LIMITS, readRegularFile } from '../storage/read-regular-file';

export interface LoadedProfile {
  profile: Profile;
  /** Where it came from, for messages: the runbook (front matter), the profile file, or the uploaded file's name. */
  file: string;
  /** 'upload': dropped beside an uploaded runbook in browser mode; it has no path. */
  origin: 'front-matter' | 'file' | 'upload';
  /** Vault names the profile refers to. */
  secrets: string[];
  /** Entries dropped because they were broken (lenient reads only); the rest of the profile is in `profile`. */
  problems?: ProfileProblem[];
}

/** One broken entry of a profile, dropped, and where it is. */
export interface ProfileProblem {
  file: string;
  line: number;
  field: string;
  message: string;
}

/** "file:line: Profile: field …": how an editor names a place, for notices. */
export function describeProblem(problem: ProfileProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

/** Sections whose entries stand alone: one broken entry is dropped, never the section. */
const LIST_SECTIONS: ReadonlyArray<readonly string[]> = [['probes'], ['flags'], ['backups'], ['rollback', 'plans'], ['gates', 'criteria'], ['gates', 'triggers'], ['overrides']];
const RECORD_SECTIONS: ReadonlyArray<readonly string[]> = [['commands', 'named']];

const PROFILE_KEYS = Object.keys(ProfileSchema.shape);

export interface ProfileTextOptions {
  /** Named in every error. */
  file: string;
  /** Line of the file where `text` starts (front matter starts after `---`). */
  firstLine?: number;
  /** Front matter may hold a team's own metadata keys beside the profile. */
  frontMatter?: boolean;
  /** More per-entry checks on the validated profile (the app: `gates:` entries must name something in the runbook). */
  entryChecks?: (profile: Profile) => Array<{ path: (string | number)[]; message: string }>;
}

/** Parses and validates profile YAML; throws a FlightdeckError naming file, line and field. */
export function parseProfileText(text: string, options: ProfileTextOptions): Profile {
  const { profile, problems } = parseProfileEntries(text, options);
  const first = problems[0];
  if (first) throw new FlightdeckError('bad-input', first.message, { file: first.file, line: first.line, field: first.field });
  return profile;
}

/**
 * Parses and validates profile YAML, dropping each broken entry of a list
 * section (and each broken named command) with a problem naming its file,
 * line and field. What is not inside an entry (broken YAML, an unknown
 * top-level key, a wrong `environment`) still refuses the whole profile.
 */
export function parseProfileEntries(text: string, options: ProfileTextOptions): { profile: Profile; problems: ProfileProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line + (options.firstLine ?? 1) - 1;
  const columnOf = (offset: number) => lineCounter.linePos(offset).col;
  const yamlError = doc.errors[0];
  if (yamlError) {
    const offset = yamlError.pos[0];
    throw new FlightdeckError('bad-input', `Profile YAML: ${yamlError.message.split('\n')[0]}`, { file: options.file, line: lineOf(offset), column: columnOf(offset) });
  }
  let value: unknown = doc.toJS({ maxAliasCount: 50 }) ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FlightdeckError('bad-input', 'A profile must be a YAML mapping (key: value lines).', { file: options.file, line: options.firstLine ?? 1 });
  }
  if (options.frontMatter) {
    const { ...rest } = value as Record<string, unknown>;
    for (const key of FRONT_MATTER_METADATA) delete rest[key];
    value = rest;
  }
  const problems: ProfileProblem[] = [];
  const problemAt = (path: (string | number)[], message: string): ProfileProblem => ({ file: options.file, line: lineOf(offsetOf(doc, path)), field: fieldName(path), message: `Profile: ${fieldName(path)} ${message}` });
  const dropped = new Set<string>();
  // Each round drops at least one entry or ends, so this ends; the bound is a guard against a bug, not a limit users meet.
  for (let round = 0; round < 1000; round += 1) {
    const candidate = withoutDropped(value as Record<string, unknown>, dropped);
    const result = ProfileSchema.safeParse(candidate.value);
    if (result.success) {
      const references = [...referenceProblems(result.data), ...(options.entryChecks?.(result.data) ?? [])].map((problem) => ({ ...problem, path: candidate.original(problem.path) }));
      const reference = references.find((problem) => entryKey(problem.path) !== null);
      if (!reference) {
        const stray = references[0];
        if (stray) {
          const at = problemAt(stray.path, stray.message);
          throw new FlightdeckError('bad-input', at.message, { file: at.file, line: at.line, field: at.field });
        }
        return { profile: result.data, problems: problems.sort((a, b) => a.line - b.line) };
      }
      dropped.add(entryKey(reference.path)!);
      problems.push(problemAt(reference.path, reference.message));
      continue;
    }
    const issue = result.error.issues[0]!;
    const path = candidate.original(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)));
    const message = issueText(issue, valueAt(value, path));
    const key = entryKey(path);
    if (key === null || dropped.has(key)) {
      const offset = offsetOf(doc, path);
      throw new FlightdeckError('bad-input', `Profile: ${fieldName(path)} ${message}`, { file: options.file, line: lineOf(offset), column: columnOf(offset), field: fieldName(path) });
    }
    dropped.add(key);
    problems.push(problemAt(path, message));
  }
  throw new FlightdeckError('bad-input', 'Profile: too many broken entries.', { file: options.file, line: options.firstLine ?? 1 });
}

/** The entry `path` lies in, as "section.path/index" (or "/key" for named commands); null outside any entry. */
function entryKey(path: readonly (string | number)[]): string | null {
  // A default naming a plan that was dropped (or never there): the plans still work, chosen by hand.
  if (path[0] === 'rollback' && path[1] === 'default') return 'rollback.default';
  for (const section of LIST_SECTIONS) {
    if (section.every((part, i) => path[i] === part) && typeof path[section.length] === 'number') return `${section.join('.')}/${path[section.length]}`;
  }
  for (const section of RECORD_SECTIONS) {
    if (section.every((part, i) => path[i] === part) && typeof path[section.length] === 'string') return `${section.join('.')}/${path[section.length]}`;
  }
  return null;
}

/**
 * The profile value with dropped entries left out, and a way back from a
 * path in it to the path in the file (list indices shift when an entry
 * before them is left out).
 */
function withoutDropped(value: Record<string, unknown>, dropped: ReadonlySet<string>): { value: unknown; original: (path: (string | number)[]) => (string | number)[] } {
  const copy = structuredClone(value);
  const maps = new Map<string, number[]>();
  for (const section of LIST_SECTIONS) {
    const parent = section.slice(0, -1).reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), copy);
    const last = section[section.length - 1]!;
    if (!parent || typeof parent !== 'object') continue;
    const list = (parent as Record<string, unknown>)[last];
    if (!Array.isArray(list)) continue;
    const kept: number[] = [];
    list.forEach((_, index) => {
      if (!dropped.has(`${section.join('.')}/${index}`)) kept.push(index);
    });
    (parent as Record<string, unknown>)[last] = kept.map((index) => list[index]);
    maps.set(section.join('.'), kept);
  }
  for (const section of RECORD_SECTIONS) {
    const record = section.reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), copy);
    if (!record || typeof record !== 'object' || Array.isArray(record)) continue;
    for (const name of Object.keys(record)) if (dropped.has(`${section.join('.')}/${name}`)) delete (record as Record<string, unknown>)[name];
  }
  if (dropped.has('rollback.default')) {
    const rollback = (copy as { rollback?: unknown }).rollback;
    if (rollback && typeof rollback === 'object') delete (rollback as Record<string, unknown>).default;
  }
  const original = (path: (string | number)[]) => {
    for (const section of LIST_SECTIONS) {
      const kept = maps.get(section.join('.'));
      const index = path[section.length];
      if (kept && section.every((part, i) => path[i] === part) && typeof index === 'number' && kept[index] !== undefined) {
        return [...path.slice(0, section.length), kept[index], ...path.slice(section.length + 1)];
      }
    }
    return path;
  };
  return { value: copy, original };
}

/** The profile for a runbook, or null when it has none. */
export async function findProfile(runbookPath: string | null, frontMatter: { text: string; line: number } | null, read: ReadOptions = {}): Promise<LoadedProfile | null> {
  if (frontMatter && hasProfileKeys(frontMatter.text) && runbookPath !== undefined) {
    const file = runbookPath ?? 'front matter';
    return loaded(frontMatter.text, { file, firstLine: frontMatter.line, frontMatter: true, entryChecks: read.entryChecks }, 'front-matter', read);
  }
  if (!runbookPath) return null;
  const file = profileFileBeside(runbookPath);
  return file ? loadProfileFile(file, read) : null;
}

export interface ReadOptions {
  /** Drop broken entries and report them in `problems` instead of refusing the profile (the app). */
  lenient?: boolean;
  entryChecks?: ProfileTextOptions['entryChecks'];
}

/** A profile from its text (an uploaded profile, front matter, a file's contents). */
export function loaded(text: string, options: ProfileTextOptions, origin: LoadedProfile['origin'], read: ReadOptions = {}): LoadedProfile {
  if (!read.lenient) {
    const profile = parseProfileText(text, options);
    return { profile, file: options.file, origin, secrets: [...secretNames(profile)].sort() };
  }
  const { profile, problems } = parseProfileEntries(text, options);
  return { profile, file: options.file, origin, secrets: [...secretNames(profile)].sort(), problems };
}

/** Reads a profile file: a regular file of at most 1 MB, read with a deadline (a FIFO here once froze the app). */
export async function loadProfileFile(file: string, read: ReadOptions = {}): Promise<LoadedProfile> {
  const text = (await readRegularFile(file, { maxBytes: FILE_LIMITS.profileBytes, what: 'a profile' })).toString('utf8');
  return loaded(text, { file, entryChecks: read.entryChecks }, 'file', read);
}

export function profileFileBeside(runbookPath: string): string | null {
  const dir = dirname(runbookPath);
  const stem = basename(runbookPath, extname(runbookPath));
  for (const name of [`${stem}.flightdeck.yaml`, `${stem}.flightdeck.yml`, 'flightdeck.yaml', 'flightdeck.yml']) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function hasProfileKeys(text: string): boolean {
  try {
    const value: unknown = parseDocument(text).toJS();
    return typeof value === 'object' && value !== null && PROFILE_KEYS.some((k) => k in value);
  } catch {
    return true; // let parseProfileText report the YAML error with its line
  }
}

/** Names used across sections must exist: rollback steps name flags and probes, triggers name plans. */
function referenceProblems(profile: Profile): Array<{ path: (string | number)[]; message: string }> {
  const flags = new Set(profile.flags.map((f) => f.name));
  const probes = new Set(profile.probes.map((p) => p.name));
  const plans = new Set(profile.rollback.plans.map((p) => p.name));
  const problems: Array<{ path: (string | number)[]; message: string }> = [];
  const fail = (path: (string | number)[], message: string) => problems.push({ path, message });
  profile.rollback.plans.forEach((plan, p) => {
    plan.steps.forEach((step, s) => {
      const at = ['rollback', 'plans', p, 'steps', s];
      if ('flag' in step && !flags.has(step.flag)) fail([...at, 'flag'], `names flag "${step.flag}", which the profile's flags: section does not define.`);
      if ('waitForHealth' in step) {
        step.waitForHealth.forEach((name, i) => {
          if (!probes.has(name)) fail([...at, 'waitForHealth', i], `names probe "${name}", which the profile's probes: section does not define.`);
        });
      }
      if ('command' in step && typeof step.command === 'string' && !(step.command in profile.commands.named)) {
        fail([...at, 'command'], `names command "${step.command}", which commands.named does not define.`);
      }
    });
  });
  if (profile.rollback.default && !plans.has(profile.rollback.default)) fail(['rollback', 'default'], `names plan "${profile.rollback.default}", which rollback.plans does not define.`);
  const restoring = new Set(profile.rollback.plans.filter((plan) => plan.steps.some((step) => 'restore' in step)).map((plan) => plan.name));
  problems.push(...gateReferenceProblems(profile.gates, plans, restoring));
  return problems;
}

/** Source offset of the deepest node on `path` that exists (the key when the value is missing). */
function offsetOf(doc: Document, path: (string | number)[]): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && item.key.value === key);
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(node) ?? offset;
    } else if (node && typeof node === 'object' && 'items' in node && Array.isArray((node as { items: unknown[] }).items) && typeof key === 'number') {
      node = (node as { items: unknown[] }).items[key];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return (node as YamlNode | undefined)?.range?.[0];
}

function fieldName(path: (string | number)[]): string {
  if (path.length === 0) return 'profile';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The value the profile gives at `path`: `missing` when it gives none. zod does not keep it in its issues. */
function valueAt(root: unknown, path: readonly (string | number)[]): { missing: true } | { missing: false; value: unknown } {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return { missing: true };
    node = (node as Record<string | number, unknown>)[key];
  }
  return node === undefined ? { missing: true } : { missing: false, value: node };
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value lines)',
  record: 'a mapping (key: value lines)',
  map: 'a mapping (key: value lines)',
  literal: 'a fixed value',
  null: 'nothing',
};

/** What YAML gave, in words; never the value itself, which may be a secret written where a reference belongs. */
function kindOfValue(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a date';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'a number' : 'a decimal number';
  if (typeof value === 'boolean') return 'true or false';
  return `a ${typeof value}`;
}

function issueText(issue: z.core.$ZodIssue, given: ReturnType<typeof valueAt>): string {
  if (issue.code === 'unrecognized_keys') return `has unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}.`;
  if (issue.code === 'invalid_type') {
    if (given.missing) return 'is required.';
    return `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${kindOfValue(given.value)}.`;
  }
  const message = issue.message.replace(/^Invalid input: /, '');
  return /[.!?]$/.test(message) ? message : `${message}.`;
}
