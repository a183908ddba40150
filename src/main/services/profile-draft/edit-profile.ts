/**
 * Saving the form over an existing profile, with the yaml Document API as
 * the review's override writer does: an entry the person left unchanged is
 * not touched (its comments and layout stay), a changed one is replaced in
 * place (keeping the comments around it), an unticked one is removed, and
 * new proposals are appended to their section with the runbook line they
 * came from. Whatever the form did not show stays as written.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { FlightdeckError } from '../../../shared/errors';
import type { DraftChoices, DraftProposal, ProfileDraft } from '../../../shared/profile-draft';
import { COMMANDS_PATH, LIST_SECTIONS, type ExistingProfile } from './existing-profile';
import { buildProfile, withEdits } from './fill';

function valueAt(root: Record<string, unknown>, path: readonly (string | number)[]): unknown {
  let node: unknown = root;
  for (const key of path) node = (node as Record<string | number, unknown> | undefined)?.[key];
  return node;
}

/** A new entry, preceded by where in the runbook it came from. */
function newNode(existing: ExistingProfile, p: DraftProposal, value: unknown): Node {
  const node = existing.doc.createNode(value) as Node;
  node.commentBefore = ` added by "Make this runbook live" from runbook line ${p.line}: ${p.source}`;
  return node;
}

/** The profile text with the person's choices applied to the existing file; `missing` lists unfilled fields of new entries. */
export function editedProfileText(existing: ExistingProfile, draft: ProfileDraft, choices: DraftChoices): { text: string; missing: string[] } {
  const { doc, paths } = existing;
  // New entries as a fresh profile would have them (fields filled, references to flags and probes resolved).
  const built = buildProfile(draft, choices);
  const placedAt = new Map(built.placed.map(({ proposal, path }) => [proposal.id, path]));
  const accepted = (p: DraftProposal) => choices.proposals[p.id]?.accepted ?? p.accepted;
  const added = draft.proposals.filter((p) => !p.existing && accepted(p) && placedAt.has(p.id));
  let changed = added.length > 0;

  for (const { kind, path } of LIST_SECTIONS) {
    const seq = doc.getIn(path, true) as YAMLSeq | undefined;
    const remove: number[] = [];
    for (const p of draft.proposals.filter((q) => q.existing && q.kind === kind)) {
      const index = paths.get(p.id)![path.length] as number;
      changed ||= !accepted(p) || !isDeepStrictEqual(withEdits(p, structuredClone(p.entry), choices.proposals[p.id]), p.entry);
      if (!accepted(p)) {
        remove.push(index);
        continue;
      }
      const edited = withEdits(p, structuredClone(p.entry), choices.proposals[p.id]);
      if (isDeepStrictEqual(edited, p.entry)) continue;
      const old = seq!.items[index] as Node;
      const node = doc.createNode(edited) as Node;
      node.commentBefore = old.commentBefore;
      node.comment = old.comment;
      seq!.items[index] = node;
    }
    for (const index of remove.sort((a, b) => b - a)) seq!.items.splice(index, 1);
    const fresh = added.filter((p) => p.kind === kind).map((p) => newNode(existing, p, valueAt(built.profile, placedAt.get(p.id)!)));
    if (fresh.length === 0) continue;
    if (isSeq(seq)) seq.items.push(...fresh);
    else if (kind === 'rollback' && !isMap(doc.get('rollback', true))) {
      // No rollback section yet: the drafted one (hold to confirm, the first plan the default) with only these plans.
      const section = built.profile.rollback as Record<string, unknown>;
      const node = doc.createNode({ ...section, default: String((fresh[0]!.toJSON() as { name: string }).name), plans: [] }) as YAMLMap;
      (node.get('plans', true) as unknown as YAMLSeq).items.push(...fresh);
      doc.set('rollback', node);
    } else {
      const list = doc.createNode([]) as YAMLSeq;
      list.items.push(...fresh);
      doc.setIn(path, list);
    }
  }

  const named = doc.getIn(COMMANDS_PATH, true) as YAMLMap | undefined;
  for (const p of draft.proposals.filter((q) => q.existing && q.kind === 'command' && !accepted(q))) {
    named!.delete(paths.get(p.id)![COMMANDS_PATH.length]);
    changed = true;
  }
  const commands = added.filter((p) => p.kind === 'command');
  if (commands.length > 0) {
    if (!isMap(doc.get('commands', true))) doc.set('commands', doc.createNode({ allow: [], named: {} }));
    if (!isMap(doc.getIn(COMMANDS_PATH, true))) doc.setIn(COMMANDS_PATH, doc.createNode({}));
    if (!isSeq(doc.getIn(['commands', 'allow'], true))) doc.setIn(['commands', 'allow'], doc.createNode([]));
    const allow = doc.getIn(['commands', 'allow'], true) as YAMLSeq;
    const target = doc.getIn(COMMANDS_PATH, true) as YAMLMap;
    for (const p of commands) {
      const entry = valueAt(built.profile, placedAt.get(p.id)!) as { argv: string[] };
      const name = String(p.entry.name);
      if (target.has(name)) throw new FlightdeckError('conflict', `commands.named already has "${name}"; untick the new command or rename the existing one.`, { field: p.id });
      const pair = doc.createPair(name, entry);
      (pair.key as Node).commentBefore = newNode(existing, p, null).commentBefore;
      target.items.push(pair);
      if (!allow.items.some((item) => (item as { value?: unknown }).value === entry.argv[0])) allow.items.push(doc.createNode(entry.argv[0]));
    }
  }
  // Only new entries have fields; an existing entry's own text is never a placeholder to fill.
  // Nothing changed: the file as it was, byte for byte.
  if (!changed) return { text: existing.text, missing: built.missing };
  // Written as the review's override writer writes (yaml's defaults, so `{ a: 1 }`): one spelling for both writers.
  return { text: doc.toString({ lineWidth: 0 }), missing: built.missing };
}
