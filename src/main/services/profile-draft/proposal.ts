/** One way to build a proposal, so every kind carries its line, source and fields alike. */
import type { DraftProposal, ProposalKind, SecretSlot } from '../../../shared/profile-draft';
import { FIELD_TOKEN } from '../../../shared/profile-draft';

export interface ProposalInput {
  kind: ProposalKind;
  name: string;
  title: string;
  /** The line `source` is from first, then any others that name it. */
  lines: number[];
  source: string;
  entry: Record<string, unknown>;
  secret?: SecretSlot | null;
  group?: string | null;
  accepted?: boolean;
  note?: string | null;
}

/** Longer than this, a source line is cut in comments and the form. */
const SOURCE_MAX = 160;

export function proposal(input: ProposalInput): DraftProposal {
  // The first line given is the one the source text is from; the others follow in order.
  const lines = [...new Set(input.lines)].sort((a, b) => a - b);
  return {
    id: `${input.kind}:${input.name}`,
    kind: input.kind,
    title: input.title,
    line: input.lines[0]!,
    source: input.source.length > SOURCE_MAX ? `${input.source.slice(0, SOURCE_MAX - 1)}…` : input.source,
    lines,
    entry: input.entry,
    fields: fieldsIn(input.entry),
    secret: input.secret ?? null,
    group: input.group ?? null,
    accepted: input.accepted ?? true,
    note: input.note ?? null,
  };
}

export function fieldsIn(value: unknown, into: Set<string> = new Set()): string[] {
  if (typeof value === 'string') for (const m of value.matchAll(FIELD_TOKEN)) into.add(m[1]!);
  else if (Array.isArray(value)) value.forEach((v) => fieldsIn(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => fieldsIn(v, into));
  return [...into];
}

/** A profile name from words: letters, digits, "-"; unique within `taken`. */
export function uniqueName(words: string, taken: Set<string>, max = 64): string {
  const base = words.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max - 4) || 'entry';
  let name = base;
  for (let n = 2; taken.has(name); n += 1) name = `${base}-${n}`;
  taken.add(name);
  return name;
}
