/**
 * Phases follow the document (issue 15, scope 7): the level-2 headings under
 * one title, the level-1 headings where the document is built of them, and
 * never a heading with nothing under it. Real files from ../shared.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Phase, RunbookDoc } from '../../src/shared/runbook-model';
import { parseFile, parseText, SHARED_RUNBOOKS } from '../support/runbooks';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

const isEmpty = (p: Phase) => p.blocks.length === 0 && p.sections.length === 0 && p.itemIds.length === 0 && p.code.length === 0;
const titles = (doc: RunbookDoc) => doc.phases.map((p) => p.title);

describe('phases of the shared runbooks', () => {
  it.each([
    ['dual-dashboard-rollout.md', 11],
    ['dual-dashboard-status.md', 11],
    ['tradesense-kubernetes.md', 7],
  ])('%s keeps its %i phases, none empty', (name, count) => {
    const doc = parseFile(join(SHARED_RUNBOOKS, name));
    expect(doc.stats.phases).toBe(count);
    expect(doc.phases.filter(isEmpty)).toEqual([]);
  });
});

describe('phases of real documents from other teams', () => {
  it('subtitle H1s (01-squadAPI: title, subtitle, date line) are not phases; the H2s are', () => {
    const doc = parseFile(join(CORPUS, '01-squadAPI-DEPLOYMENT-CHECKLIST.md'));
    expect(doc.title).toBe('Go-Live Deployment Checklist - Story 9.8');
    expect(titles(doc)).toEqual([
      '📋 PRE-DEPLOYMENT PHASE (T-24 Hours)',
      '🚀 DEPLOYMENT PHASE (T-0)',
      '✅ VERIFICATION CHECKLIST (T+1 Hour)',
      '🔄 ROLLBACK CHECKLIST (If Needed)',
      '📊 SUCCESS CRITERIA',
      '📞 EMERGENCY CONTACTS',
      '📝 SIGN-OFF',
    ]);
    expect(doc.phases.filter(isEmpty)).toEqual([]);
    // The subtitles stay readable, as headings before the first phase.
    expect(doc.preamble.filter((b) => b.kind === 'heading').map((b) => b.line)).toEqual([2, 3]);
  });

  it('02-squadAPI (same subtitle pattern) has no empty phases', () => {
    const doc = parseFile(join(CORPUS, '02-squadAPI-ROLLBACK-PROCEDURE.md'));
    expect(doc.phases.filter(isEmpty)).toEqual([]);
    expect(titles(doc)[0]).toBe('🚨 WHEN TO ROLLBACK');
    expect(doc.stats.phases).toBe(8);
  });

  it('H1 phases with H2 subsections (15-Adsbot: "1. PRE-DEPLOYMENT VERIFICATION", "1.1 Staging Validation Complete") are read as such', () => {
    const doc = parseFile(join(CORPUS, '15-Adsbot-PRODUCTION_DEPLOYMENT_CHECKLIST.md'));
    const numbered = titles(doc).filter((t) => /^\d\. /.test(t));
    expect(numbered).toEqual([
      '1. PRE-DEPLOYMENT VERIFICATION (2-3 hours before)',
      '2. DEPLOYMENT EXECUTION PLAN',
      '3. POST-DEPLOYMENT VALIDATION (30-60 minutes)',
      '4. ISSUE RESPONSE PROCEDURES',
      '5. COMMUNICATION PLAN',
      '6. POST-DEPLOYMENT TASKS (24-48 hours)',
      '7. DEPLOYMENT SIGN-OFF',
      '8. APPENDIX: ROLLBACK DECISION TREE',
      '9. EMERGENCY CONTACTS',
    ]);
    const first = doc.phases.find((p) => p.title.startsWith('1. '))!;
    expect(first.sections.map((s) => [s.title, s.depth])).toEqual([
      ['1.1 Staging Validation Complete', 2],
      ['1.2 Production Environment Ready', 2],
      ['1.3 Code & Documentation Ready', 2],
      ['1.4 Stakeholder Approval', 2],
    ]);
    // Items belong to the phase they are written under, not to a "2.1" phase.
    const execution = doc.phases.find((p) => p.title === '2. DEPLOYMENT EXECUTION PLAN')!;
    expect(doc.items.filter((i) => i.phaseId === execution.id)).toHaveLength(46);
    expect(doc.phases.filter(isEmpty)).toEqual([]);
  });
});

describe('the phase rule', () => {
  it('with one title, level-2 headings are phases; an empty one is not', () => {
    const doc = parseText('# Deploy\n\n## Before\n\n- [ ] one\n\n## Notes\n\n## After\n\n- [ ] two\n');
    expect(titles(doc)).toEqual(['Before', 'After']);
    // The empty heading stays in the text of the phase it sits in.
    expect(doc.phases[0]!.blocks.at(-1)).toMatchObject({ kind: 'heading', depth: 2, line: 7 });
  });

  it('several level-1 headings with content and level-2 subsections are the phases', () => {
    const doc = parseText('# Release\n\n# Prepare\n\nFreeze merges.\n\n## Checks\n\n- [ ] green CI\n\n# Ship\n\n## Steps\n\n- [ ] deploy\n');
    expect(titles(doc)).toEqual(['Prepare', 'Ship']);
    expect(doc.phases.map((p) => p.sections.map((s) => s.title))).toEqual([['Checks'], ['Steps']]);
  });

  it('two level-1 headings without level-2 subsections stay a title and a phase-level appendix, not level-1 mode', () => {
    const doc = parseText('# Release\n\n## Steps\n\n- [ ] deploy\n\n# Appendix\n\nContacts here.\n');
    expect(titles(doc)).toEqual(['Steps', 'Appendix']);
  });

  it('a level-1 heading holding only level-2 headings is a subtitle, not a phase', () => {
    const doc = parseText('# Release\n\n# Q3 edition\n\n## Steps\n\n- [ ] deploy\n\n## Verify\n\n- [ ] check\n');
    expect(titles(doc)).toEqual(['Steps', 'Verify']);
  });
});
