/**
 * The review panel's choices (issue 15): saved in the profile's overrides:
 * with the user's comments kept, applied to what is read from the runbook
 * (bands, targets, criteria, triggers), and in the trust manifest when they
 * change an automatic trigger.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../support/corpus-score';
import { parseProfileText } from '../../src/main/services/profile/profile-loader';
import { extractGatePlan } from '../../src/main/services/gates/extract-plan';
import { applyOverrides, withoutIgnoredBindings } from '../../src/main/services/review/apply-overrides';
import { bindBackupItems } from '../../src/main/services/backups/backup-items';
import type { BackupTargetConfig } from '../../src/main/services/profile/backups-schema';
import { reviewItems } from '../../src/main/services/review/review-items';
import { withOverride } from '../../src/main/services/review/override-writer';
import { deriveManifest, manifestHash } from '../../src/main/services/trust/capability-manifest';
import { parseText } from '../support/runbooks';

const RUNBOOK = parseText(
  [
    '# Release', // 1
    '', // 2
    '## Phase 1', // 3
    '', // 4
    '- [ ] Deploy', // 5
    '- [ ] p95 latency < 500ms', // 6
    '', // 7
    '### Rollback triggers', // 8
    '', // 9
    '- Error rate above 2% for more than 5 minutes', // 10
    '', // 11
  ].join('\n'),
);

const PROFILE = [
  '# Our team profile: keep this comment',
  'flags:',
  '  - { name: f, backend: { type: redis, url: "redis://127.0.0.1:6379", key: f }, steps: [0, 100] }  # the flag',
  'rollback:',
  '  plans:',
  '    - { name: P0, steps: [ { flag: f, set: 0 } ] }',
  'gates:',
  '  triggers:',
  '    - { match: "Error rate above 2%", autoRollback: { plan: P0, countdownSeconds: 10 } }',
  '',
].join('\n');

const profileOf = (text: string) => parseProfileText(text, { file: 'p.yaml' });

describe('review choices saved in the profile', () => {
  it('adds, replaces and removes one override entry, keeping comments and everything else', () => {
    const ignored = withOverride(PROFILE, { kind: 'threshold', line: 6, metric: 'latency_p95', choice: 'ignore' }, 'p.yaml');
    expect(ignored.startsWith('# Our team profile: keep this comment\n')).toBe(true);
    expect(ignored).toContain('# the flag');
    expect(profileOf(ignored).overrides).toEqual([{ line: 6, kind: 'threshold', metric: 'latency_p95', choice: 'ignore' }]);
    const edited = withOverride(ignored, { kind: 'threshold', line: 6, metric: 'latency_p95', choice: 'edit', value: 800 }, 'p.yaml');
    expect(profileOf(edited).overrides).toEqual([{ line: 6, kind: 'threshold', metric: 'latency_p95', choice: 'edit', value: 800 }]);
    const back = withOverride(edited, { kind: 'threshold', line: 6, metric: 'latency_p95', choice: 'read' }, 'p.yaml');
    expect(profileOf(back).overrides).toEqual([]);
    expect(back).toContain('# the flag');
  });

  it('refuses an edit of what has no value to edit', () => {
    expect(() => withOverride(PROFILE, { kind: 'command', line: 12, metric: null, choice: 'edit', value: 3 }, 'p.yaml')).toThrow(/cannot be edit for a command/);
  });
});

describe('review choices applied', () => {
  it('an ignored threshold is gone from bands and targets; an edited one reads as edited', () => {
    const ignore = profileOf(withOverride(PROFILE, { kind: 'threshold', line: 6, metric: null, choice: 'ignore' }, 'p.yaml'));
    expect(applyOverrides(RUNBOOK, ignore.overrides).thresholds.map((t) => t.line)).toEqual([10]);
    expect(extractGatePlan(RUNBOOK, ignore).thresholds).toEqual([]);
    const edit = profileOf(withOverride(PROFILE, { kind: 'threshold', line: 6, metric: null, choice: 'edit', value: 800 }, 'p.yaml'));
    expect(extractGatePlan(RUNBOOK, edit).thresholds[0]!.condition).toMatchObject({ metric: 'latency_p95', value: 800 });
  });

  it('a reading the extractor was unsure of arms nothing until a person accepts it', () => {
    const unsure = { ...RUNBOOK, thresholds: RUNBOOK.thresholds.map((t) => (t.line === 6 ? { ...t, confidence: 'review' as const } : t)) };
    expect(extractGatePlan(unsure, profileOf(PROFILE)).thresholds).toEqual([]);
    const accepted = profileOf(withOverride(PROFILE, { kind: 'threshold', line: 6, metric: null, choice: 'accept' }, 'p.yaml'));
    expect(extractGatePlan(unsure, accepted).thresholds[0]!.condition).toMatchObject({ metric: 'latency_p95', value: 500 });
  });

  it('an edit of an automatic trigger changes the manifest (a new approval), an accept does not', () => {
    const base = manifestHash(deriveManifest(RUNBOOK, profileOf(PROFILE)));
    const accepted = profileOf(withOverride(PROFILE, { kind: 'trigger', line: 10, metric: null, choice: 'accept' }, 'p.yaml'));
    expect(manifestHash(deriveManifest(RUNBOOK, accepted))).toBe(base);
    const edited = profileOf(withOverride(PROFILE, { kind: 'trigger', line: 10, metric: null, choice: 'edit', value: 10 }, 'p.yaml'));
    const manifest = deriveManifest(RUNBOOK, edited);
    expect(manifest.automatic[0]!.condition).toMatch(/^error_rate > 10 %/);
    expect(manifestHash(manifest)).not.toBe(base);
    const ignored = profileOf(withOverride(PROFILE, { kind: 'trigger', line: 10, metric: null, choice: 'ignore' }, 'p.yaml'));
    // Ignoring the sentence leaves the profile's match with nothing: the strict read names it; the app drops that entry alone.
    expect(() => deriveManifest(RUNBOOK, ignored)).toThrow(/matches no rollback trigger/);
  });

  it('lists every reading with its line, kind, choice and whether it acts by itself', () => {
    const profile = profileOf(withOverride(PROFILE, { kind: 'threshold', line: 6, metric: null, choice: 'ignore' }, 'p.yaml'));
    const items = reviewItems(RUNBOOK, profile);
    expect(items.map((i) => [i.line, i.kind, i.choice, i.automatic])).toEqual([
      [6, 'threshold', 'ignore', false],
      [10, 'trigger', 'read', true],
    ]);
    expect(items[1]!.reading).toMatch(/^error_rate > 2 % for 300 s/);
  });

  it('tells apart two bands of one metric on one line ("yellow flag: > 0.5%, red flag: > 1%")', () => {
    const doc = parseText(['# Release', '', '## Watch', '', '- Yellow flag: error rate > 0.5%, red flag: error rate > 1%', ''].join('\n'));
    const bands = doc.thresholds.map((t) => t.severity);
    expect(bands).toEqual(['yellow', 'red']);
    const profile = profileOf(withOverride('{}\n', { kind: 'trigger', line: 5, metric: 'error_rate', severity: 'yellow', choice: 'edit', value: 0.8 }, 'p.yaml'));
    expect(applyOverrides(doc, profile.overrides).thresholds.map((t) => [t.severity, t.value])).toEqual([
      ['yellow', 0.8],
      ['red', 1],
    ]);
    expect(reviewItems(doc, profile).map((i) => [i.severity, i.choice])).toEqual([
      ['yellow', 'edit'],
      ['red', 'read'],
    ]);
  });

  it('an ignored command is copy-only and no longer asks to be approved', () => {
    const doc = parseText(['# Release', '', '## Undo', '', '```bash', 'kubectl rollout undo deployment/web', '```', ''].join('\n'));
    const allow = 'commands:\n  allow: [kubectl]\n';
    const line = reviewItems(doc, profileOf(allow)).find((i) => i.kind === 'command')!.line;
    expect(deriveManifest(doc, profileOf(allow)).programs.map((p) => p.source)).toEqual([`runbook line ${line}`]);
    const ignored = profileOf(withOverride(allow, { kind: 'command', line, metric: null, choice: 'ignore' }, 'p.yaml'));
    expect(deriveManifest(doc, ignored).programs).toEqual([]);
    expect(reviewItems(doc, ignored).find((i) => i.kind === 'command')).toMatchObject({ line, choice: 'ignore' });
  });
});

describe('review items on a real monitoring plan (corpus 18, a table of targets and alert conditions)', () => {
  it('lists a row\'s target as a threshold and only its alert condition as the trigger', () => {
    const doc = parseText(readFileSync(join(CORPUS, '18-metasheet2-POST_RELEASE_MONITORING_PLAN.md'), 'utf8'));
    const row = reviewItems(doc, null).filter((i) => i.line === 18 && i.metric === 'latency_p99');
    expect(row.map((i) => [i.kind, i.edit?.op, i.edit?.value])).toEqual([
      ['threshold', '<', 500],
      ['trigger', '>', 500],
    ]);
  });
});

describe('an ignored backup binding', () => {
  it('no longer ticks the item; the other bindings stay', () => {
    const doc = parseText(['# R', '', '## Before', '', '- [ ] Database backup created', '- [ ] Backup verified (restore test in staging)', ''].join('\n'));
    const bound = bindBackupItems(doc, [{ name: 'db', engine: 'postgres', url: 'postgres://u@127.0.0.1:5432/app' } as BackupTargetConfig]);
    const backupItem = doc.items.find((i) => i.line === 5)!;
    expect(bound.backup.db).toBe(backupItem.id);
    const { overrides } = profileOf(withOverride(PROFILE, { kind: 'binding', line: 5, metric: null, choice: 'ignore' }, 'p.yaml'));
    const kept = withoutIgnoredBindings(bound, doc, overrides);
    expect(kept.backup.db).toBeNull();
    expect(kept.restoreTest).toBe(bound.restoreTest);
    expect(kept.restoreTest).not.toBeNull();
  });
});
