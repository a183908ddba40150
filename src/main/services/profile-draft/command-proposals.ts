/**
 * Named commands from `kubectl rollout` lines (undo, status, restart), as
 * argv arrays, never a command line. Shell variables and `<name>` in them
 * become fields, so `kubectl rollout undo deployment/$SERVICE` asks for
 * the service once instead of running with a literal "$SERVICE".
 */
import type { DraftProposal } from '../../../shared/profile-draft';
import { tokenize } from '../commands/tokenize';
import { keyOf, type FieldRegistry } from './placeholders';
import { proposal, uniqueName } from './proposal';
import type { SourceLine } from './source-lines';

const ROLLOUT = /\bkubectl\s+(?:[^|;&]*?\s)?rollout\s+(undo|status|restart|history|pause|resume)\b[^|;&>#]*/;
const PLACEHOLDER = /<([^<>\s]+)>|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
const SENTINEL = (i: number) => `FDFIELD${i}X`;

export interface RolloutCommand {
  proposal: DraftProposal;
  verb: string;
}

export function commandProposals(lines: readonly SourceLine[], registry: FieldRegistry, taken: Set<string>): RolloutCommand[] {
  const found = new Map<string, RolloutCommand>();
  for (const line of lines) {
    const match = ROLLOUT.exec(line.text);
    if (!match) continue;
    const text = match[0].slice(match[0].indexOf('kubectl')).trim();
    // Placeholders out of the way of the tokenizer, then back as <KEY> tokens.
    const keys: string[] = [];
    const plain = text.replace(PLACEHOLDER, (_all, angle: string | undefined, braced: string | undefined, bare: string | undefined) => {
      const key = keyOf(angle ?? braced ?? bare ?? 'value');
      keys.push(key);
      registry.use(key, { label: `${key.toLowerCase().replace(/_/g, ' ')} in kubectl rollout`, written: _all, example: key.includes('NAMESPACE') || key === 'NS' ? 'production' : 'web', line: line.line });
      return SENTINEL(keys.length - 1);
    });
    const tokens = tokenize(plain);
    const words = tokens.ok ? tokens.argv : tokens.words;
    if (words.length < 4 || words[0] !== 'kubectl') continue;
    const argv = words.map((w) => w.replace(/FDFIELD(\d+)X/g, (_m, i: string) => `<${keys[Number(i)]}>`));
    const key = argv.join('\u0000');
    const seen = found.get(key);
    if (seen) {
      seen.proposal.lines.push(line.line);
      continue;
    }
    const verb = match[1]!;
    // The resource named: "deployment/web" or "deployment web"; not an option's value.
    const operands = argv.slice(3).filter((w, i, all) => !w.startsWith('-') && !/^(?:-n|--namespace|--context|-l)$/.test(all[i - 1] ?? ''));
    const resource = operands.find((w) => !/^(deployments?|deploy|statefulsets?|sts|daemonsets?|ds)$/.test(w)) ?? operands[0] ?? 'resource';
    const name = uniqueName(`rollout-${verb}-${resource.replace(/^(deployment|deploy|statefulset|daemonset)[/.]/, '').replace(/[<>]/g, '')}`, taken);
    found.set(key, {
      verb,
      proposal: proposal({
        kind: 'command',
        name,
        title: `Named command ${name}: ${argv.join(' ')}`,
        lines: [line.line],
        source: line.text,
        entry: { name, argv },
      }),
    });
  }
  return [...found.values()];
}
