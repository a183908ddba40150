/**
 * The runbook's block content, as the parser structured it. Lists whose
 * entries are task items hand those entries to TaskEntry; everything else
 * is read-only text.
 */
import { memo } from 'react';
import type { Block, ListEntry } from '../../../../../shared/runbook-model';
import { CodeBlock } from './CodeBlock';
import { Heading } from './Heading';
import { InlineText } from './InlineText';
import { TaskEntry } from './TaskEntry';

type TableBlock = Extract<Block, { kind: 'table' }>;

export const Blocks = memo(function Blocks({ blocks }: { blocks: readonly Block[] }) {
  return (
    <>
      {blocks.map((block, i) => (
        <BlockView key={`${block.line}:${i}`} block={block} />
      ))}
    </>
  );
});

function BlockView({ block }: { block: Block }) {
  switch (block.kind) {
    case 'paragraph':
      return (
        <p className="para">
          <InlineText nodes={block.inline} />
        </p>
      );
    case 'heading':
      return (
        <Heading depth={block.depth} className="block-heading">
          <InlineText nodes={block.inline} />
        </Heading>
      );
    case 'list':
      return <ListView ordered={block.ordered} start={block.start} entries={block.entries} />;
    case 'code':
      return <CodeBlock lang={block.lang} value={block.value} />;
    case 'table':
      return <TableView header={block.header} rows={block.rows} signoff={block.signoff} />;
    case 'quote':
      return (
        <blockquote className="quote">
          <Blocks blocks={block.blocks} />
        </blockquote>
      );
    case 'rule':
      return <hr className="rule" />;
    case 'html':
      // Raw HTML from the file: shown as literal text, never parsed.
      return (
        <pre className="raw-html" title="Raw HTML from the runbook, shown as text">
          {block.value}
        </pre>
      );
    default:
      return null;
  }
}

function ListView({ ordered, start, entries }: { ordered: boolean; start: number | null; entries: readonly ListEntry[] }) {
  const hasTasks = entries.some((entry) => entry.itemId !== null);
  const children = entries.map((entry, i) =>
    entry.itemId !== null ? <TaskEntry key={entry.itemId} itemId={entry.itemId} entry={entry} /> : <PlainEntry key={`${entry.line}:${i}`} entry={entry} />,
  );
  const className = hasTasks ? 'list task-list' : 'list';
  return ordered ? (
    <ol className={className} start={start ?? undefined}>
      {children}
    </ol>
  ) : (
    <ul className={className}>{children}</ul>
  );
}

function PlainEntry({ entry }: { entry: ListEntry }) {
  return (
    <li className="plain-entry">
      <InlineText nodes={entry.inline} />
      <Blocks blocks={entry.blocks} />
    </li>
  );
}

function TableView({ header, rows, signoff }: Omit<TableBlock, 'kind' | 'line'>) {
  return (
    <div className={signoff ? 'table-wrap signoff' : 'table-wrap'}>
      {signoff && <div className="table-label">Sign-off</div>}
      <table>
        <thead>
          <tr>
            {header.map((cell, i) => (
              <th key={i} scope="col">
                <InlineText nodes={cell} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) => (
                <td key={c}>
                  <InlineText nodes={cell} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
