/**
 * Saves a review choice into the profile's `overrides:` section with the
 * yaml Document API, so the user's comments, key order and layout stay as
 * they wrote them; only the one entry (runbook line + kind + metric) is
 * added, replaced or, for "read" (no choice), removed. A profile file is
 * created beside the runbook when there is none. The markdown is never
 * touched.
 */
import { existsSync, statSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type YAMLMap, type YAMLSeq } from 'yaml';
import { FlightdeckError } from '../../../shared/errors';
import type { ReviewChoice } from '../../../shared/review-model';
import { writeFileAtomic } from '../storage/durable-fs';
import { FILE_LIMITS, readRegularFile } from '../storage/read-regular-file';
import { OverrideSchema, overrideKey, type Override } from '../profile/overrides-schema';

/** The override a choice stands for; null for "read" (the runbook's own reading). */
export function overrideOf(choice: ReviewChoice): Override | null {
  if (choice.choice === 'read') return null;
  const candidate = {
    line: choice.line,
    kind: choice.kind,
    ...(choice.metric ? { metric: choice.metric } : {}),
    ...(choice.severity ? { severity: choice.severity } : {}),
    choice: choice.choice,
    ...(choice.choice === 'edit' ? { ...(choice.op ? { op: choice.op } : {}), ...(choice.value !== undefined ? { value: choice.value } : {}), ...(choice.forSeconds !== undefined ? { forSeconds: choice.forSeconds } : {}) } : {}),
  };
  const parsed = OverrideSchema.safeParse(candidate);
  if (!parsed.success) throw new FlightdeckError('bad-input', `This choice cannot be saved: ${parsed.error.issues[0]!.path.join('.')} ${parsed.error.issues[0]!.message}.`, { field: String(parsed.error.issues[0]!.path[0] ?? 'choice') });
  return parsed.data;
}

/** The profile text with `choice` saved; everything else as it was. */
export function withOverride(text: string, choice: ReviewChoice, file: string): string {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) throw new FlightdeckError('bad-input', 'The profile has a YAML error; fix it before saving review choices.', { file });
  if (doc.contents !== null && !isMap(doc.contents)) throw new FlightdeckError('bad-input', 'A profile must be a YAML mapping (key: value lines).', { file });
  const override = overrideOf(choice);
  const key = overrideKey({ line: choice.line, kind: choice.kind, metric: choice.metric ?? undefined, severity: choice.severity ?? undefined });
  let list = doc.get('overrides', true) as YAMLSeq | undefined;
  if (list !== undefined && !isSeq(list)) throw new FlightdeckError('bad-input', 'overrides: must be a list.', { file, field: 'overrides' });
  if (!list) {
    if (!override) return text;
    list = doc.createNode([]) as YAMLSeq;
    doc.set('overrides', list);
  }
  const at = list.items.findIndex((item) => {
    if (!isMap(item)) return false;
    const entry = (item as YAMLMap).toJSON() as { line?: number; kind?: string; metric?: string; severity?: string };
    return typeof entry.line === 'number' && overrideKey({ line: entry.line, kind: entry.kind ?? '', metric: entry.metric, severity: entry.severity }) === key;
  });
  if (override) {
    const node = doc.createNode(override);
    // One entry a line, as a person would write it: `- { line: 42, kind: trigger, choice: ignore }`.
    node.flow = true;
    if (at === -1) list.items.push(node);
    else list.items[at] = node;
  } else if (at !== -1) {
    list.items.splice(at, 1);
  }
  return doc.toString();
}

/** Reads the profile (or starts one), saves the choice, writes it back atomically. */
export async function saveOverride(file: string, choice: ReviewChoice): Promise<void> {
  const text = existsSync(file) ? (await readRegularFile(file, { maxBytes: FILE_LIMITS.profileBytes, what: 'a profile' })).toString('utf8') : '# Deployment profile: review choices saved by Flightdeck ("What Flightdeck read").\n';
  const updated = withOverride(text, choice, file);
  // The file keeps the permissions its owner gave it.
  if (updated !== text) writeFileAtomic(file, updated, existsSync(file) ? statSync(file).mode & 0o777 : 0o644);
}
