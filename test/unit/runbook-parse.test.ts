import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunbookDocSchema, type Inline, type RunbookDoc } from '../../src/shared/runbook-model';
import { parseFile, parseText, SHARED_RUNBOOKS, sharedRunbookNames } from '../support/runbooks';

const shared = (name: string) => parseFile(join(SHARED_RUNBOOKS, name));

function plain(nodes: readonly Inline[]): string {
  return nodes.map((n) => ('v' in n ? n.v : 'c' in n ? plain(n.c) : n.t === 'image' ? n.alt : '\n')).join('');
}

describe('the shared runbooks', () => {
  it('are all here, so the figures below test something', () => {
    expect(sharedRunbookNames()).toEqual(['dual-dashboard-rollout.md', 'dual-dashboard-status.md', 'tradesense-kubernetes.md']);
  });

  it('dual-dashboard-rollout.md: 267 items, 6 checked, 11 phases, 18 code blocks', () => {
    const doc = shared('dual-dashboard-rollout.md');
    expect(doc.stats).toMatchObject({ items: 267, checked: 6, phases: 11, codeBlocks: 18 });
    expect(doc.title).toBe('Production Deployment Checklist: Dual Dashboard System');
    expect(doc.phases.map((p) => p.title)).toEqual([
      '🎯 Deployment Overview',
      'Pre-Deployment Checklist',
      'Phase 1: 10% Production Rollout',
      'Phase 2: 50% Production Rollout',
      'Phase 3: 100% Production Rollout',
      'Post-Deployment Activities',
      'Emergency Procedures',
      'Communication Plan',
      'Success Metrics',
      'Sign-Off',
      'Appendix: Quick Reference',
    ]);
  });

  it('dual-dashboard-status.md: 13 items, 8 checked', () => {
    expect(shared('dual-dashboard-status.md').stats).toMatchObject({ items: 13, checked: 8 });
  });

  it('tradesense-kubernetes.md: 83 items, none checked', () => {
    expect(shared('tradesense-kubernetes.md').stats).toMatchObject({ items: 83, checked: 0 });
  });

  it.each(sharedRunbookNames())('%s conforms to the contract schema', (name) => {
    expect(() => RunbookDocSchema.parse(shared(name))).not.toThrow();
  });

  it('keeps nesting: sub-items name their parent and sit one level deeper', () => {
    const doc = shared('dual-dashboard-rollout.md');
    const parent = doc.items.find((i) => i.text === 'All Phase 1-7 code committed and pushed')!;
    const children = doc.items.filter((i) => i.parentId === parent.id);
    expect(children.map((c) => c.text)).toEqual([
      'Phase 1: Foundation & Routing (db7239a)',
      'Phase 2-3: Dashboard scaffolding (35472e2)',
      'Phase 4: Shared components (e5bdd73)',
      'Phase 5-6: API & Testing (1194bec)',
      'Phase 7: Deployment automation (fd0cb9f)',
      'Database models (17bbec6)',
    ]);
    expect(children.every((c) => c.depth === parent.depth + 1)).toBe(true);
  });

  it('attaches a code block to the item it belongs to, and a loose one to its section', () => {
    const doc = shared('tradesense-kubernetes.md');
    const backup = doc.items.find((i) => i.text === 'Create full production backup')!;
    expect(backup.code.map((c) => c.value)).toEqual(['./scripts/backup-system.sh full']);
    const rollback = doc.phases.find((p) => p.title === 'Rollback Procedure')!;
    const immediate = rollback.sections.find((s) => s.title.startsWith('Immediate Rollback'))!;
    expect(immediate.code[0]!.value).toContain('kubectl rollout undo deployment/backend -n tradesense');
    expect(immediate.code[0]!.itemId).toBeNull();
  });

  it('repairs mojibake for display (Windows-1252 and Mac Roman) and says so', () => {
    const rollout = shared('dual-dashboard-rollout.md');
    expect(rollout.phases[0]!.title).toBe('🎯 Deployment Overview');
    expect(plain((rollout.phases[0]!.blocks[0] as { inline: Inline[] }).inline)).toContain('10% → 50% → 100%');
    const status = shared('dual-dashboard-status.md');
    expect(status.phases.map((p) => p.title)).toContain('✅ Completed (October 19, 2025)');
    expect(status.warnings.some((w) => w.code === 'mojibake' && w.line === 3)).toBe(true);
    // Genuine non-ASCII text is left alone.
    expect(shared('tradesense-kubernetes.md').warnings.filter((w) => w.code === 'mojibake')).toEqual([]);
  });

  it('finds the sign-off lines and the sign-off table', () => {
    expect(shared('dual-dashboard-rollout.md').signoffs.map((s) => s.role)).toEqual([
      'Engineering Lead',
      'Product Manager',
      'DevOps/SRE',
      '10% Rollout Approved',
      '50% Rollout Approved',
      '100% Rollout Approved',
      'Deployment Complete',
    ]);
    const table = shared('tradesense-kubernetes.md').signoffs;
    expect(table.map((s) => [s.role, s.source, s.line])).toEqual([
      ['DevOps Lead', 'table', 197],
      ['Backend Lead', 'table', 198],
      ['Frontend Lead', 'table', 199],
      ['QA Lead', 'table', 200],
      ['Product Manager', 'table', 201],
    ]);
  });

  it('reads the thresholds each runbook states, with their lines', () => {
    const pick = (doc: RunbookDoc) => doc.thresholds.map((t) => [t.line, t.metric, t.op, t.value, t.unit]);
    expect(pick(shared('tradesense-kubernetes.md'))).toEqual([
      [9, 'cert_expiry', '>', 30 * 86400, 's'],
      [116, 'latency_p50', '<', 200, 'ms'],
      [117, 'error_rate', '<', 0.1, '%'],
      [119, 'cache_hit_rate', '>', 80, '%'],
      [155, 'rollback_time', '<', 300, 's'],
    ]);
    const rollout = pick(shared('dual-dashboard-rollout.md'));
    expect(rollout).toContainEqual([185, 'latency_p95', '<', 500, 'ms']);
    expect(rollout).toContainEqual([191, 'cache_hit_rate', '>', 60, '%']);
    expect(rollout).toContainEqual([568, 'uptime', '>=', 99.9, '%']);
    // "Route decision overhead <500ms" names no metric of the vocabulary.
    expect(shared('dual-dashboard-rollout.md').thresholds.some((t) => t.text.includes('Route decision'))).toBe(false);
  });
});

describe('structure', () => {
  it('takes the first level-1 heading as title, level-2 headings as phases and deeper ones as sections', () => {
    const doc = parseText('# Release 7\n\n## Before\n\n### Checks\n\n- [ ] one\n\n#### Deeper\n\n- [x] two\n\n## After\n\n- [ ] three\n');
    expect(doc.title).toBe('Release 7');
    expect(doc.phases.map((p) => p.title)).toEqual(['Before', 'After']);
    expect(doc.phases[0]!.sections.map((s) => [s.title, s.depth, s.path])).toEqual([
      ['Checks', 3, ['Before', 'Checks']],
      ['Deeper', 4, ['Before', 'Checks', 'Deeper']],
    ]);
    expect(doc.items.map((i) => [i.text, i.checked, i.line])).toEqual([
      ['one', false, 7],
      ['two', true, 11],
      ['three', false, 15],
    ]);
    expect(doc.phases[1]!.itemIds).toEqual([doc.items[2]!.id]);
  });

  it('puts items that come before any phase heading into a phase named after the document', () => {
    const doc = parseText('# Hotfix\n\n- [ ] deploy\n- [ ] verify\n', 'hotfix.md');
    expect(doc.phases).toHaveLength(1);
    expect(doc.phases[0]!.title).toBe('Hotfix');
    expect(doc.stats.items).toBe(2);
  });

  it('names a document without a level-1 heading after its file', () => {
    expect(parseText('- [ ] a\n', 'ops/db-failover.md').title).toBe('db-failover');
  });

  it('ignores YAML front matter instead of reading it as a heading', () => {
    const doc = parseText('---\nenvironment: production\n---\n# Title\n\n## Phase\n\n- [ ] a\n');
    expect(doc.title).toBe('Title');
    expect(doc.phases.map((p) => p.title)).toEqual(['Phase']);
  });

  it('handles CRLF line endings and tab-indented task lists', () => {
    const doc = parseText('# T\r\n\r\n## P\r\n\r\n- [ ] a\r\n\t- [x] b\r\n');
    expect(doc.items.map((i) => [i.text, i.checked, i.depth])).toEqual([
      ['a', false, 0],
      ['b', true, 1],
    ]);
  });
});

describe('stable ids', () => {
  const base = '# R\n\n## Deploy\n\n### Checks\n\n- [ ] Health endpoint responding\n- [ ] **Error rate** < 1%\n  - [ ] Check logs\n\n## Verify\n\n- [ ] Smoke tests pass\n';

  it('are unchanged when unrelated lines are added, removed or edited', () => {
    const before = parseText(base);
    const edited = parseText(
      base
        .replace('# R\n', '# R\n\nA new introduction paragraph.\n\n- [ ] a brand new first item\n')
        .replace('- [ ] Smoke tests pass', '- [x] Smoke tests pass\n- [ ] Another check'),
    );
    for (const item of before.items) {
      expect(edited.items.find((i) => i.text === item.text)?.id).toBe(item.id);
    }
  });

  it('do not depend on case, punctuation, emphasis or the tick', () => {
    const a = parseText('## Deploy\n\n- [ ] Health endpoint responding\n');
    const b = parseText('## deploy!\n\n- [x] **health   endpoint** responding.\n');
    expect(b.items[0]!.id).toBe(a.items[0]!.id);
  });

  it('change when the item moves under another heading or parent', () => {
    const a = parseText('## Deploy\n\n- [ ] Check logs\n');
    const b = parseText('## Verify\n\n- [ ] Check logs\n');
    const c = parseText('## Deploy\n\n- [ ] Parent\n  - [ ] Check logs\n');
    expect(new Set([a.items[0]!.id, b.items[0]!.id, c.items[1]!.id]).size).toBe(3);
  });

  it('tell repeated items apart: same text under different parents, and true duplicates', () => {
    const doc = shared('dual-dashboard-rollout.md');
    const overview = doc.items.filter((i) => i.text === 'View overview');
    expect(overview).toHaveLength(2);
    expect(overview[0]!.id).not.toBe(overview[1]!.id);
    expect(new Set(doc.items.map((i) => i.id)).size).toBe(doc.items.length);
    const dup = parseText('## P\n\n- [ ] Same\n- [ ] Same\n');
    expect(dup.items[1]!.id).toBe(`${dup.items[0]!.id}-2`);
    expect(dup.warnings.some((w) => w.code === 'duplicate-item' && w.line === 4)).toBe(true);
  });
});

describe('checklist text is data', () => {
  const hostile = [
    '# Release <script>alert(1)</script>',
    '',
    '## Phase <img src=x onerror=alert(2)>',
    '',
    '- [ ] [click me](javascript:alert(3)) and [data](data:text/html,<script>alert(4)</script>)',
    '- [ ] [safe docs](https://docs.example.com/x) and [plain http](http://example.com)',
    '- [ ] ![tracker](https://evil.example.com/pixel.png)',
    '- [ ] <b onmouseover="alert(5)">bold</b>',
    '',
    '<iframe src="https://evil.example.com"></iframe>',
  ].join('\n');

  it('keeps a clickable target only for https links', () => {
    const doc = parseText(hostile);
    const links: Array<{ href: string | null; url: string }> = [];
    const walk = (nodes: readonly Inline[]) => {
      for (const n of nodes) {
        if (n.t === 'link') links.push({ href: n.href, url: n.url });
        if ('c' in n) walk(n.c);
      }
    };
    doc.items.forEach((i) => walk(i.inline));
    expect(links).toEqual([
      { href: null, url: 'javascript:alert(3)' },
      { href: null, url: 'data:text/html,<script>alert(4)</script>' },
      { href: 'https://docs.example.com/x', url: 'https://docs.example.com/x' },
      { href: null, url: 'http://example.com' },
    ]);
    expect(doc.warnings.filter((w) => w.code === 'unsafe-link').map((w) => w.line)).toEqual([5]);
  });

  it('turns HTML into text nodes and images into their description', () => {
    const doc = parseText(hostile);
    expect(doc.items[2]!.inline).toEqual([{ t: 'image', alt: 'tracker', url: 'https://evil.example.com/pixel.png' }]);
    expect(doc.items[3]!.inline.filter((n) => n.t === 'html').map((n) => (n as { v: string }).v)).toEqual(['<b onmouseover="alert(5)">', '</b>']);
    expect(doc.phases[0]!.blocks).toContainEqual({ kind: 'html', line: 10, value: '<iframe src="https://evil.example.com"></iframe>' });
    expect(doc.title).toBe('Release <script>alert(1)</script>');
    expect(doc.warnings.some((w) => w.code === 'html')).toBe(true);
  });
});
