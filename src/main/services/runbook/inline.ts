/**
 * Converts mdast phrasing content into the runbook's safe inline nodes.
 * This is where checklist text stops being markup: raw HTML becomes a text
 * node, an image becomes its alt text and address (never fetched), and a
 * link keeps a clickable target only when it is https without credentials.
 */
import type { PhrasingContent } from 'mdast';
import { isSafeExternalUrl } from '../../../shared/links';
import type { Inline } from '../../../shared/runbook-model';
import { repairMojibake } from './mojibake';
import type { WarningSink } from './warnings';

/** A link keeps a clickable target only when it may leave the app. */
export function safeHref(url: string): string | null {
  return isSafeExternalUrl(url) ? new URL(url).href : null;
}

const HARMLESS_SCHEMES = /^(https?:|mailto:|#|\.{0,2}\/|[\w.-]+(\/|$|\.\w+))/i;

export class InlineConverter {
  constructor(private readonly warnings: WarningSink) {}

  /** Mojibake repair for every piece of text the user will read. */
  fix(value: string, line: number | null): string {
    const { text, repaired } = repairMojibake(value);
    if (repaired) this.warnings.add('mojibake', line, 'Text that an editor once decoded wrongly (mojibake) is shown repaired; the file is unchanged.');
    return text;
  }

  convert(nodes: readonly PhrasingContent[]): Inline[] {
    const out: Inline[] = [];
    for (const node of nodes) this.convertOne(node, out);
    return out;
  }

  private convertOne(node: PhrasingContent, out: Inline[]): void {
    const line = node.position?.start.line ?? null;
    switch (node.type) {
      case 'text':
        out.push({ t: 'text', v: this.fix(node.value, line) });
        return;
      case 'inlineCode':
        out.push({ t: 'code', v: this.fix(node.value, line) });
        return;
      case 'break':
        out.push({ t: 'br' });
        return;
      case 'html':
        this.warnings.add('html', line, 'Raw HTML is shown as text; it never runs.');
        out.push({ t: 'html', v: node.value });
        return;
      case 'strong':
      case 'emphasis':
      case 'delete':
        out.push({ t: node.type === 'strong' ? 'strong' : node.type === 'emphasis' ? 'em' : 'del', c: this.convert(node.children) });
        return;
      case 'link': {
        const href = safeHref(node.url);
        if (!href && !HARMLESS_SCHEMES.test(node.url.trim())) {
          this.warnings.add('unsafe-link', line, `A link to "${truncate(node.url)}" is shown as text: only https links open.`);
        }
        out.push({ t: 'link', href, url: node.url, c: this.convert(node.children) });
        return;
      }
      case 'image':
        this.warnings.add('image', line, 'Images are not loaded; their description and address are shown instead.');
        out.push({ t: 'image', alt: this.fix(node.alt ?? '', line), url: node.url });
        return;
      case 'linkReference':
      case 'imageReference':
      case 'footnoteReference':
        // Reference-style links keep their text but are not followed: the
        // definitions may sit anywhere in the file, and a plain link is clearer.
        if ('children' in node) out.push(...this.convert(node.children));
        else if (node.type === 'imageReference') out.push({ t: 'text', v: node.alt ?? '' });
        else out.push({ t: 'text', v: `[^${node.label ?? node.identifier}]` });
        return;
      default:
        return;
    }
  }
}

/** Plain text of inline nodes: what search, ids and thresholds read. */
export function plainText(nodes: readonly Inline[]): string {
  let s = '';
  for (const n of nodes) {
    switch (n.t) {
      case 'text':
      case 'code':
      case 'html':
        s += n.v;
        break;
      case 'br':
        s += '\n';
        break;
      case 'image':
        s += n.alt;
        break;
      default:
        s += plainText(n.c);
    }
  }
  return s;
}

function truncate(value: string, max = 60): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
