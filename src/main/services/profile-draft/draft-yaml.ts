/**
 * The draft as YAML a person can read and save: the profile with the
 * draft's own choices, every entry preceded by the runbook line it came
 * from, every placeholder listed at the top with what the runbook wrote,
 * and the proposals left out (alternatives, connection variables without a
 * dump) commented out at the end.
 */
import { Document, isMap, isNode, isPair, isScalar, stringify } from 'yaml';
import { fieldToken, type ProfileDraft } from '../../../shared/profile-draft';
import { acceptedProposals, buildProfile } from './fill';

function sourceComment(p: ProfileDraft['proposals'][number]): string {
  const others = p.lines.filter((l) => l !== p.line);
  const more = others.length > 0 ? `\n also line${others.length > 1 ? 's' : ''} ${others.join(', ')}` : '';
  const fields = p.fields.length > 0 ? `\n fill: ${p.fields.map(fieldToken).join(', ')}` : '';
  const secret = p.secret ? `\n secret: a vault name (${p.secret.why}); store it with its scope before approving` : '';
  const note = p.note ? `\n ${p.note}` : '';
  return ` from line ${p.line}: ${p.source}${more}${fields}${secret}${note}`;
}

export function draftYaml(draft: ProfileDraft): string {
  const built = buildProfile(draft, { values: {}, proposals: {} });
  const doc = new Document(built.profile);
  for (const { proposal, path } of built.placed) {
    const parent = doc.getIn(path.slice(0, -1));
    const last = path[path.length - 1];
    if (typeof last === 'string' && isMap(parent)) {
      const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === last);
      if (pair && isScalar(pair.key)) pair.key.commentBefore = sourceComment(proposal);
      continue;
    }
    const node = doc.getIn(path);
    if (isNode(node)) node.commentBefore = sourceComment(proposal);
  }
  const header = [
    `# Deployment profile drafted from ${draft.runbook} by \`flightdeck profile draft\`.`,
    '# Save it beside the runbook as <name>.flightdeck.yaml, fill every <FIELD> below,',
    '# then approve it (flightdeck trust). Secrets are vault names, never values.',
  ];
  if (draft.fields.length > 0) {
    header.push('#', '# Fill these placeholders:');
    for (const f of draft.fields) header.push(`#   ${fieldToken(f.key)}  ${f.label}; the runbook writes ${JSON.stringify(f.written)} (line ${f.line}), e.g. ${f.example}`);
  } else {
    header.push('#', '# Nothing to fill: every target is named in the runbook.');
  }
  const accepted = new Set(acceptedProposals(draft).map((p) => p.id));
  const left = draft.proposals.filter((p) => !accepted.has(p.id));
  const tail: string[] = [];
  if (left.length > 0) {
    tail.push('', '# Proposals left out (uncomment to use one instead):');
    for (const p of left) {
      tail.push(`#${sourceComment(p).split('\n').join('\n#')}`);
      tail.push(...stringify([p.entry], { lineWidth: 0 }).trimEnd().split('\n').map((l) => `#   ${l}`));
    }
  }
  return `${header.join('\n')}\n${doc.toString({ lineWidth: 0 })}${tail.join('\n')}${tail.length > 0 ? '\n' : ''}`;
}
