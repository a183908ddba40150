/**
 * Issue 15: a broken entry of a profile is dropped alone, named by file,
 * line and field, and every other entry (of its section too) keeps working.
 * The CLI's strict read still refuses the whole profile.
 */
import { describe, expect, it } from 'vitest';
import { parseProfileEntries, parseProfileText } from '../../src/main/services/profile/profile-loader';
import { extractGatePlan, gateEntryProblems } from '../../src/main/services/gates/extract-plan';
import { parseText } from '../support/runbooks';

const PROFILE = [
  'environment: staging', //  1
  'probes:', //  2
  '  - { name: api, kind: http, url: "http://127.0.0.1:9/health" }', //  3
  '  - { name: bad, kind: http, url: "http://127.0.0.1:9/x", timeoutMs: soon }', //  4
  '  - { name: metrics, kind: nonsense, url: "http://127.0.0.1:9/m" }', //  5
  '  - { name: db, kind: redis, url: "redis://127.0.0.1:6379" }', //  6
  'flags:', //  7
  '  - { name: f, backend: { type: redis, url: "redis://127.0.0.1:6379", key: f }, steps: [0, 50, 100] }', //  8
  'rollback:', //  9
  '  default: P1', // 10
  '  plans:', // 11
  '    - { name: P0, steps: [ { flag: f, set: 0 } ] }', // 12
  '    - { name: P1, steps: [ { flag: nope, set: 0 } ] }', // 13
  'gates:', // 14
  '  staleSeconds: 60', // 15
  '  triggers:', // 16
  '    - { metric: error_rate, op: ">", value: 2, forSeconds: 5 }', // 17
  '    - { metric: error_rate, op: ">", value: "two" }', // 18
  '    - { metric: latency_p95, op: ">", value: 900, autoRollback: { plan: P1, countdownSeconds: 10 } }', // 19
  '    - { metric: cache_hit_rate, op: "<", value: 50, duration: 5m, autoRollback: { plan: P0, countdownSeconds: 10 } }', // 20
].join('\n');

describe('a profile read entry by entry', () => {
  const { profile, problems } = parseProfileEntries(PROFILE, { file: 'rollout.flightdeck.yaml' });

  it('drops each broken entry alone and names its file, line and field', () => {
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [4, 'probes[1].timeoutMs'],
      [5, 'probes[2].kind'],
      [10, 'rollback.default'],
      [13, 'rollback.plans[1].steps[0].flag'],
      [18, 'gates.triggers[1].value'],
      [19, 'gates.triggers[2].autoRollback.plan'],
    ]);
    for (const p of problems) expect(p.file).toBe('rollout.flightdeck.yaml');
    expect(problems.find((p) => p.line === 18)!.message).toBe('Profile: gates.triggers[1].value expected a number, got a string.');
    expect(problems.find((p) => p.line === 13)!.message).toContain('names flag "nope"');
  });

  it('keeps every other entry, and the settings of the section a broken entry was in', () => {
    expect(profile.probes.map((p) => p.name)).toEqual(['api', 'db']);
    expect(profile.flags.map((f) => f.name)).toEqual(['f']);
    expect(profile.rollback.plans.map((p) => p.name)).toEqual(['P0']);
    expect(profile.rollback.default).toBeUndefined();
    expect(profile.gates.staleSeconds).toBe(60);
    expect(profile.gates.triggers.map((t) => t.metric)).toEqual(['error_rate', 'cache_hit_rate']);
    // "5m" is read as 300 seconds.
    expect(profile.gates.triggers[1]!.forSeconds).toBe(300);
  });

  it('still refuses the whole profile in a strict read (the CLI), naming the first problem', () => {
    expect(() => parseProfileText(PROFILE, { file: 'rollout.flightdeck.yaml' })).toThrow(expect.objectContaining({ line: 4, field: 'probes[1].timeoutMs' }));
  });

  it('refuses what is not inside an entry: broken YAML and an unknown top-level key', () => {
    expect(() => parseProfileEntries('probes: [\n', { file: 'p.yaml' })).toThrow(expect.objectContaining({ file: 'p.yaml', line: 2 }));
    expect(() => parseProfileEntries('environment: x\nprobez: []\n', { file: 'p.yaml' })).toThrow(expect.objectContaining({ file: 'p.yaml', message: expect.stringContaining('"probez"') }));
  });
});

describe("gates: entries checked against the runbook's own triggers", () => {
  const runbook = parseText(['# Rollout', '', '## Phase 1', '', '### Rollback triggers', '', '- Error rate above 2% for more than 5 minutes', ''].join('\n'));
  const text = [
    'gates:', // 1
    '  triggers:', // 2
    '    - { match: "Error rate above 2%", forSeconds: 3 }', // 3
    '    - { match: "Disk full", forSeconds: 3 }', // 4
  ].join('\n');

  it('drops a trigger that matches nothing in the runbook, and applies the one that does', () => {
    const { profile, problems } = parseProfileEntries(text, { file: 'p.yaml', entryChecks: (p) => gateEntryProblems(runbook, p) });
    expect(problems).toEqual([expect.objectContaining({ line: 4, field: 'gates.triggers[1].match', message: expect.stringContaining('"Disk full" matches no rollback trigger') })]);
    const plan = extractGatePlan(runbook, profile);
    expect(plan.triggers).toHaveLength(1);
    expect(plan.triggers[0]!.forSeconds).toBe(3);
  });
});
