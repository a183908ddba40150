/** A heading whose level follows the markdown depth, clamped to what HTML has. */
import type { ReactNode } from 'react';

export function Heading({ depth, className, children }: { depth: number; className?: string; children: ReactNode }) {
  const level = Math.min(6, Math.max(2, depth));
  const Tag = `h${level}` as 'h2' | 'h3' | 'h4' | 'h5' | 'h6';
  return <Tag className={`${className ?? ''} depth-${Math.min(6, Math.max(1, depth))}`.trim()}>{children}</Tag>;
}
