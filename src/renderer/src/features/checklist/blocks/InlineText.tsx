/**
 * Checklist text is data. Inline nodes become React elements and nothing
 * else: no HTML string is ever handed to the DOM, images are never fetched,
 * and only links the parser kept as https can be opened, through main.
 */
import { useContext, type MouseEvent } from 'react';
import type { Inline, InlineLink } from '../../../../../shared/runbook-model';
import { LinkOpener } from './link-opener';

export function InlineText({ nodes }: { nodes: readonly Inline[] }) {
  return <>{nodes.map((node, i) => renderInline(node, i))}</>;
}

function renderInline(node: Inline, key: number) {
  switch (node.t) {
    case 'text':
      return <span key={key}>{node.v}</span>;
    case 'code':
      return <code key={key}>{node.v}</code>;
    case 'br':
      return <br key={key} />;
    case 'strong':
    case 'em':
    case 'del': {
      // The node kinds are named after the elements that show them.
      const Tag = node.t;
      return (
        <Tag key={key}>
          <InlineText nodes={node.c} />
        </Tag>
      );
    }
    case 'link':
      return <Link key={key} node={node} />;
    case 'image':
      return (
        <span key={key} className="inline-image" title={node.url}>
          [image: {node.alt}]
        </span>
      );
    case 'html':
      // Raw HTML from the file, shown as what it is.
      return (
        <code key={key} className="inline-html">
          {node.v}
        </code>
      );
    default:
      return null;
  }
}

function Link({ node }: { node: InlineLink }) {
  const openExternal = useContext(LinkOpener);
  const href = node.href;
  if (href !== null && openExternal === null) {
    // On paper the address is what a reader can follow.
    return (
      <span className="link-printed">
        <InlineText nodes={node.c} /> <span className="link-address">({href})</span>
      </span>
    );
  }
  if (href === null || openExternal === null) {
    return (
      <span className="link-blocked" title={`Not opened: only https links open (${node.url})`}>
        <InlineText nodes={node.c} />
      </span>
    );
  }
  // The app never navigates: the click goes to main, which opens the
  // system browser for https only.
  const open = (event: MouseEvent) => {
    event.preventDefault();
    event.stopPropagation();
    openExternal(href);
  };
  return (
    <a href={href} rel="noreferrer noopener" title={href} onClick={open} onAuxClick={(event) => event.preventDefault()}>
      <InlineText nodes={node.c} />
    </a>
  );
}
