import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyTicks } from '../../src/main/services/runbook/writeback';
import { parseText, SHARED_RUNBOOKS } from '../support/runbooks';

/** Offsets at which two strings differ. */
function differences(a: string, b: string): number[] {
  expect(b.length).toBe(a.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) out.push(i);
  return out;
}

describe('tick write-back', () => {
  it('changes only the tick characters of a real runbook, mojibake and all', () => {
    const text = readFileSync(join(SHARED_RUNBOOKS, 'dual-dashboard-rollout.md'), 'utf8');
    const doc = parseText(text);
    const flip = new Set(doc.items.filter((_, i) => i % 7 === 0).map((i) => i.id));
    const edit = applyTicks(text, doc.items, (item) => (flip.has(item.id) ? !item.checked : item.checked), 'rollout.md');
    expect(edit.changed).toBe(flip.size);
    const changed = differences(text, edit.text);
    expect(changed).toHaveLength(flip.size);
    for (const at of changed) {
      expect(text[at - 1]).toBe('[');
      expect(text[at + 1]).toBe(']');
    }
    // Read back: exactly the flipped items changed state, ids unchanged.
    const after = parseText(edit.text);
    for (const item of doc.items) {
      const now = after.items.find((i) => i.id === item.id)!;
      expect(now.checked).toBe(flip.has(item.id) ? !item.checked : item.checked);
    }
  });

  it('keeps CRLF endings, ordered lists, other markers and upper-case X', () => {
    const text = '# T\r\n\r\n## P\r\n\r\n1. [ ] first\r\n2) [X] second\r\n* [ ] third\r\n+ [ ] fourth\r\n';
    const doc = parseText(text);
    const edit = applyTicks(text, doc.items, () => true, 't.md');
    expect(edit.text).toBe('# T\r\n\r\n## P\r\n\r\n1. [x] first\r\n2) [X] second\r\n* [x] third\r\n+ [x] fourth\r\n');
    const undo = applyTicks(edit.text, parseText(edit.text).items, () => false, 't.md');
    expect(undo.text).toBe(text.replace('[X]', '[ ]'));
  });

  it('refuses, changing nothing, when a box is not where it was read', () => {
    const text = '## P\n\n- [ ] a\n';
    const doc = parseText(text);
    expect(() => applyTicks('## P\n\n- a b c\n', doc.items, () => true, 'p.md')).toThrow(/not where it was read/);
  });
});
