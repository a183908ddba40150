/**
 * "Make this runbook live" on a runbook that already has a profile: the
 * profile's own entries become accepted proposals carrying their values
 * (marked `existing`, with their line in the profile), and the draft's
 * proposals the profile lacks are offered as new, unticked. An entry the
 * form cannot show (no name, no URL, a trigger tuned by `match:` alone, a
 * section of its own) is not a proposal: it is listed as kept as written
 * and the save never touches it.
 */
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { FlightdeckError } from '../../../shared/errors';
import type { DraftKept } from '../../../shared/profile-draft-calls';
import type { DraftProposal, ProfileDraft, ProposalKind } from '../../../shared/profile-draft';

/** Where an existing entry sits in the profile: a list index, or a key of `commands.named`. */
export type EntryPath = readonly (string | number)[];

/** The profile's list sections the form edits, by proposal kind (commands are a map, below). */
export const LIST_SECTIONS: ReadonlyArray<{ kind: ProposalKind; path: readonly string[] }> = [
  { kind: 'probe', path: ['probes'] },
  { kind: 'flag', path: ['flags'] },
  { kind: 'backup', path: ['backups'] },
  { kind: 'rollback', path: ['rollback', 'plans'] },
  { kind: 'trigger', path: ['gates', 'triggers'] },
];
export const COMMANDS_PATH = ['commands', 'named'] as const;

/** Top-level keys whose entries the form shows; any other key is kept as written. */
const SHOWN_KEYS = new Set(['environment', 'probes', 'flags', 'backups', 'rollback', 'gates', 'commands']);

export interface ExistingProfile {
  /** The file's text as read. */
  text: string;
  doc: Document;
  proposals: DraftProposal[];
  /** Proposal id to where its entry sits. */
  paths: Map<string, EntryPath>;
  kept: DraftKept[];
}

/** The form can show (and edit) an entry of this kind only with these values. */
function showable(kind: ProposalKind, e: Record<string, unknown>): boolean {
  const named = typeof e.name === 'string' && e.name !== '';
  switch (kind) {
    case 'probe':
    case 'backup':
      return named && typeof e.url === 'string';
    case 'flag': {
      const b = e.backend as Record<string, unknown> | undefined;
      return named && !!b && typeof b === 'object' && typeof b.type === 'string' && (b.type === 'http' ? typeof b.url === 'string' : typeof b.var === 'string');
    }
    case 'rollback':
      return named && Array.isArray(e.steps);
    case 'command':
      return Array.isArray(e.argv) && e.argv.every((a) => typeof a === 'string');
    case 'trigger':
      return typeof e.metric === 'string' && typeof e.op === 'string' && typeof e.value === 'number';
  }
}

/** What a target is, whoever named it: two proposals with the same key are the same entry. */
export function targetKey(kind: ProposalKind, e: Record<string, unknown>): string {
  const b = (e.backend ?? {}) as Record<string, unknown>;
  switch (kind) {
    case 'probe':
    case 'backup':
      return String(e.url);
    case 'flag':
      return b.type === 'http' ? String(b.url) : `${String(b.type)}:${String(b.var)}`;
    case 'command':
      return (e.argv as string[]).join(' ');
    case 'rollback':
      return String(e.name);
    case 'trigger':
      return `${String(e.metric)} ${String(e.op)} ${String(e.value)}`;
  }
}

/** A trigger has no name: it reads as the runbook sentence it tunes, else as its condition. */
function triggerTitle(e: Record<string, unknown>): string {
  const condition = `${String(e.metric)} ${String(e.op)} ${String(e.value)}`;
  return typeof e.match === 'string' ? `${e.match.length > 80 ? `${e.match.slice(0, 79)}…` : e.match} (${condition})` : condition;
}

export function readExistingProfile(text: string, fileName: string): ExistingProfile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, lineCounter });
  if (doc.errors.length > 0) throw new FlightdeckError('bad-input', `${fileName} has a YAML error (${doc.errors[0]!.message.split('\n')[0]}); fix it before editing it here.`, { file: fileName });
  if (doc.contents !== null && !isMap(doc.contents)) throw new FlightdeckError('bad-input', `${fileName} must be a YAML mapping (key: value lines).`, { file: fileName });
  const lineOf = (node: unknown) => ((node as Node | null)?.range ? lineCounter.linePos((node as Node).range![0]).line : 1);
  const proposals: DraftProposal[] = [];
  const paths = new Map<string, EntryPath>();
  const kept: DraftKept[] = [];
  const add = (kind: ProposalKind, name: string, entry: Record<string, unknown>, path: EntryPath, node: unknown) => {
    const line = lineOf(node);
    const id = `profile:${kind}:${name}`;
    paths.set(id, path);
    proposals.push({ id, kind, title: kind === 'trigger' ? triggerTitle(entry) : name, line, source: `${fileName}, line ${line}`, lines: [line], entry, fields: [], secret: null, group: null, accepted: true, note: null, existing: true });
  };

  for (const { kind, path } of LIST_SECTIONS) {
    const seq = doc.getIn(path, true);
    if (seq === undefined || seq === null) continue;
    if (!isSeq(seq)) {
      kept.push({ what: path.join('.'), line: lineOf(seq) });
      continue;
    }
    seq.items.forEach((node, i) => {
      const entry = isMap(node) ? (node.toJSON() as Record<string, unknown>) : null;
      if (entry && showable(kind, entry)) add(kind, kind === 'trigger' ? String(i + 1) : String(entry.name), entry, [...path, i], node);
      else kept.push({ what: `${path.join('.')}[${i + 1}]${entry && typeof entry.name === 'string' ? ` ${entry.name}` : ''}`, line: lineOf(node) });
    });
  }
  const named = doc.getIn(COMMANDS_PATH, true);
  if (isMap(named)) {
    for (const pair of named.items) {
      const name = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      const entry = isMap(pair.value) ? (pair.value.toJSON() as Record<string, unknown>) : null;
      if (entry && showable('command', entry)) add('command', name, { name, ...entry }, [...COMMANDS_PATH, name], pair.key);
      else kept.push({ what: `commands.named.${name}`, line: lineOf(pair.key) });
    }
  } else if (named !== undefined && named !== null) kept.push({ what: COMMANDS_PATH.join('.'), line: lineOf(named) });
  if (isMap(doc.contents)) {
    for (const pair of doc.contents.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value ?? pair.key);
      if (!SHOWN_KEYS.has(key)) kept.push({ what: key, line: lineOf(pair.key) });
    }
  }
  return { text, doc, proposals, paths, kept };
}

/**
 * The form's draft for an existing profile: its entries first (accepted),
 * then each drafted proposal the profile lacks (same kind, and neither its
 * name nor its target there), unticked; only the fields those still need.
 */
export function editDraft(draft: ProfileDraft, existing: ExistingProfile): ProfileDraft {
  const have = new Set(existing.proposals.flatMap((p) => [`${p.kind}|${targetKey(p.kind, p.entry)}`, `${p.kind}|name:${String(p.entry.name)}`]));
  // Triggers have no name of their own: the same metric, comparison and value is the same trigger.
  const there = (p: DraftProposal) => have.has(`${p.kind}|${targetKey(p.kind, p.entry)}`) || (p.kind !== 'trigger' && have.has(`${p.kind}|name:${String(p.entry.name)}`));
  const fresh = draft.proposals.filter((p) => !there(p)).map((p) => ({ ...p, accepted: false }));
  const used = new Set(fresh.flatMap((p) => p.fields));
  return { runbook: draft.runbook, fields: draft.fields.filter((f) => used.has(f.key)), proposals: [...existing.proposals, ...fresh] };
}
