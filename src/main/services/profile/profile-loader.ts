/**
 * Finds and validates the deployment profile of a runbook: its YAML front
 * matter when that carries profile keys, else a file beside it
 * (`<name>.flightdeck.yaml`, then `flightdeck.yaml`). Every error names
 * the file and the line of the offending key, counted in the runbook when
 * the profile is front matter.
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
  /** Where it came from, for messages: the runbook (front matter) or the profile file. */
  file: string;
  origin: 'front-matter' | 'file';
  /** Vault names the profile refers to. */
  secrets: string[];
}

const PROFILE_KEYS = Object.keys(ProfileSchema.shape);

export interface ProfileTextOptions {
  /** Named in every error. */
  file: string;
  /** Line of the file where `text` starts (front matter starts after `---`). */
  firstLine?: number;
  /** Front matter may hold a team's own metadata keys beside the profile. */
  frontMatter?: boolean;
}

/** Parses and validates profile YAML; throws a FlightdeckError naming file, line and field. */
export function parseProfileText(text: string, options: ProfileTextOptions): Profile {
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
  const result = ProfileSchema.safeParse(value);
  if (result.success) {
    checkReferences(result.data, doc, options, lineOf);
    return result.data;
  }
  const issue = result.error.issues[0]!;
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const offset = offsetOf(doc, path);
  throw new FlightdeckError('bad-input', `Profile: ${fieldName(path)} ${issueText(issue, valueAt(value, path))}`, {
    file: options.file,
    line: lineOf(offset),
    column: columnOf(offset),
    field: fieldName(path),
  });
}

/** The profile for a runbook, or null when it has none. */
export async function findProfile(runbookPath: string | null, frontMatter: { text: string; line: number } | null): Promise<LoadedProfile | null> {
  if (frontMatter && hasProfileKeys(frontMatter.text) && runbookPath !== undefined) {
    const file = runbookPath ?? 'front matter';
    const profile = parseProfileText(frontMatter.text, { file, firstLine: frontMatter.line, frontMatter: true });
    return { profile, file, origin: 'front-matter', secrets: [...secretNames(profile)].sort() };
  }
  if (!runbookPath) return null;
  const file = profileFileBeside(runbookPath);
  return file ? loadProfileFile(file) : null;
}

/** Reads a profile file: a regular file of at most 1 MB, read with a deadline (a FIFO here once froze the app). */
export async function loadProfileFile(file: string): Promise<LoadedProfile> {
  const text = (await readRegularFile(file, { maxBytes: FILE_LIMITS.profileBytes, what: 'a profile' })).toString('utf8');
  const profile = parseProfileText(text, { file });
  return { profile, file, origin: 'file', secrets: [...secretNames(profile)].sort() };
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

/** Names used across sections must exist: rollback steps name flags and probes. */
function checkReferences(profile: Profile, doc: Document, options: ProfileTextOptions, lineOf: (offset: number) => number): void {
  const flags = new Set(profile.flags.map((f) => f.name));
  const probes = new Set(profile.probes.map((p) => p.name));
  const plans = new Set(profile.rollback.plans.map((p) => p.name));
  const fail = (path: (string | number)[], message: string): never => {
    throw new FlightdeckError('bad-input', `Profile: ${fieldName(path)} ${message}`, { file: options.file, line: lineOf(offsetOf(doc, path)), field: fieldName(path) });
  };
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
  for (const problem of gateReferenceProblems(profile.gates, plans, restoring)) fail(problem.path, problem.message);
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
