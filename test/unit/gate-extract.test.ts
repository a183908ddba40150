/**
 * Gate plans read from real runbooks: the demo and every checklist in
 * ../shared/runbooks. Each gate, criterion kind and trigger is checked with
 * the runbook line it came from, and the profile's gates: section is
 * applied or refused with the field (and line, through the loader) named.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import { extractGatePlan, type GatesProfile } from '../../src/main/services/gates/extract-plan';
import type { GatePlan } from '../../src/main/services/gates/gate-plan';
import { statedSeconds } from '../../src/main/services/gates/phase-timing';
import { parseProfileText } from '../../src/main/services/profile/profile-loader';
import { ProfileSchema } from '../../src/main/services/profile/profile-schema';
import { DEMO_RUNBOOK, SHARED_RUNBOOKS, parseFile, parseText, sharedRunbookNames } from '../support/runbooks';

const demoProfile = parseProfileText(readFileSync(DEMO_RUNBOOK.replace(/runbook\.md$/, 'runbook.flightdeck.yaml'), 'utf8'), { file: 'runbook.flightdeck.yaml' });
const oneFlag = (name: string): GatesProfile => ({ flags: [{ name }], rollback: { plans: [] } });

const kinds = (plan: GatePlan) =>
  plan.gates.map((g) => ({ title: g.title, line: g.line, criteria: g.criteria.map((c) => [c.line, c.kind, c.kind === 'metric' ? c.condition.kind : null]) }));
const triggers = (plan: GatePlan) => plan.triggers.map((t) => [t.line, t.condition.metric, t.condition.op, t.condition.value, t.forSeconds, t.severity]);

describe('the demo runbook', () => {
  const plan = extractGatePlan(parseFile(DEMO_RUNBOOK), demoProfile);

  it('finds the go/no-go gate and classifies each criterion', () => {
    expect(kinds(plan)).toEqual([
      {
        title: 'Go/No-Go Decision',
        line: 65,
        criteria: [
          [68, 'metric', 'baseline'],
          [69, 'targets', null],
          [70, 'dashboards', null],
          [71, 'incidents', null],
        ],
      },
    ]);
    expect(plan.gates[0]!.phaseId).toBe(plan.phases[1]!.id);
  });

  it('reads the rollback triggers with their durations; one that states none must still hold for minHoldSeconds (10 s)', () => {
    expect(triggers(plan)).toEqual([
      [82, 'error_rate', '>', 0.5, 10, 'yellow'],
      [82, 'error_rate', '>', 1, 10, 'red'],
      [83, 'error_rate', '>', 2, 300, 'red'],
    ]);
    const instant = extractGatePlan(parseFile(DEMO_RUNBOOK), ProfileSchema.parse({ gates: { minHoldSeconds: 0 } }));
    expect(triggers(instant).map((t) => t[4])).toEqual([0, 0, 300]);
  });

  it('reads phase durations and the flag step each phase sets, bound to the profile flag', () => {
    expect(plan.phases.map((p) => [p.line, p.plannedSeconds, p.flagStep])).toEqual([
      [13, null, null],
      [45, 900, { flag: 'checkout_v2', percent: 10, line: 49 }],
      [75, null, { flag: 'checkout_v2', percent: 50, line: 77 }],
      [87, null, { flag: 'checkout_v2', percent: 100, line: 89 }],
      [95, null, null],
      [112, null, null],
    ]);
  });

  it('keeps every other threshold as a target of its phase', () => {
    expect(plan.thresholds.map((t) => [t.line, t.condition.metric, t.forSeconds])).toEqual([
      [5, 'rollback_time', 0],
      [34, 'error_rate', 0],
      [35, 'latency_p95', 0],
      [36, 'cache_hit_rate', 0],
      [61, 'error_rate', 0],
      [61, 'latency_p95', 0],
      [62, 'cache_hit_rate', 0],
      [78, 'latency_p95', 0],
      [79, 'db_connections', 0],
      [91, 'error_rate', 1800],
    ]);
  });

  it('gives stable ids: the same runbook gives the same ids, an unrelated edit changes none', () => {
    const again = extractGatePlan(parseFile(DEMO_RUNBOOK), demoProfile);
    expect(again.gates.map((g) => [g.id, ...g.criteria.map((c) => c.id)])).toEqual(plan.gates.map((g) => [g.id, ...g.criteria.map((c) => c.id)]));
    const edited = readFileSync(DEMO_RUNBOOK, 'utf8').replace('- [ ] Status page prepared', '- [ ] Status page prepared\n- [ ] A line someone added');
    const editedPlan = extractGatePlan(parseText(edited), demoProfile);
    expect(editedPlan.gates[0]!.criteria.map((c) => c.id)).toEqual(plan.gates[0]!.criteria.map((c) => c.id));
    expect(editedPlan.triggers.map((t) => t.id)).toEqual(plan.triggers.map((t) => t.id));
    expect(editedPlan.gates[0]!.criteria.map((c) => c.line)).toEqual([69, 70, 71, 72]);
  });
});

describe('the shared runbooks', () => {
  it('covers every runbook in ../shared/runbooks', () => {
    expect(sharedRunbookNames()).toEqual(['dual-dashboard-rollout.md', 'dual-dashboard-status.md', 'tradesense-kubernetes.md']);
  });

  it('dual-dashboard-rollout: three gates, person criteria for what a machine cannot judge', () => {
    const plan = extractGatePlan(parseFile(SHARED_RUNBOOKS + 'dual-dashboard-rollout.md'), oneFlag('ENABLE_DUAL_DASHBOARDS'));
    expect(kinds(plan)).toEqual([
      {
        title: 'Phase 1 Go/No-Go Decision (Day 3)',
        line: 217,
        criteria: [
          [220, 'metric', 'baseline'],
          [221, 'incidents', null],
          [222, 'targets', null],
          [223, 'person', null],
          [224, 'person', null],
          [225, 'dashboards', null],
        ],
      },
      {
        title: 'Phase 2 Go/No-Go Decision (Day 5)',
        line: 294,
        criteria: [297, 298, 299, 300, 301, 302].map((line) => [line, 'person', null]),
      },
      {
        title: 'Phase 3 Success Validation (Day 7)',
        line: 372,
        criteria: [
          [375, 'targets', null],
          [376, 'metric', 'baseline'],
          [377, 'person', null],
          [378, 'person', null],
          [379, 'person', null],
          [380, 'person', null],
        ],
      },
    ]);
    // "If any criteria fails:" lists are what to do, not criteria.
    expect(plan.gates.flatMap((g) => g.criteria.map((c) => c.text))).not.toContain('Pause rollout');
    expect(plan.triggers).toEqual([]);
    expect(plan.phases.filter((p) => p.flagStep).map((p) => [p.line, p.plannedSeconds, p.flagStep!.percent, p.flagStep!.flag])).toEqual([
      [131, 3 * 86_400, 10, 'ENABLE_DUAL_DASHBOARDS'],
      [236, 2 * 86_400, 50, 'ENABLE_DUAL_DASHBOARDS'],
      [312, 2 * 86_400, 100, 'ENABLE_DUAL_DASHBOARDS'],
    ]);
  });

  it('dual-dashboard-status: the success criteria sections, with measured targets where the text states them', () => {
    const plan = extractGatePlan(parseFile(SHARED_RUNBOOKS + 'dual-dashboard-status.md'));
    expect(plan.gates.map((g) => [g.title, g.line, g.criteria.length])).toEqual([
      ['Success Criteria: Implementation (COMPLETE ✅)', 304, 8],
      ['Success Criteria: Post-Deployment (PENDING 🔜)', 314, 5],
    ]);
    expect(kinds(plan)[1]!.criteria).toEqual([
      [315, 'metric', 'absolute'],
      [316, 'person', null],
      [317, 'person', null],
      [318, 'metric', 'absolute'],
      [319, 'metric', 'baseline'],
    ]);
    expect(plan.thresholds.map((t) => t.line)).toEqual([195, 196, 197, 198, 203, 315, 318]);
  });

  it('tradesense-kubernetes: the success criteria list, timed sections and no flag step', () => {
    const plan = extractGatePlan(parseFile(SHARED_RUNBOOKS + 'tradesense-kubernetes.md'));
    expect(kinds(plan)).toEqual([
      {
        title: 'Success Criteria',
        line: 184,
        criteria: [
          [187, 'person', null],
          [188, 'incidents', null],
          [189, 'targets', null],
          [190, 'person', null],
          [191, 'dashboards', null],
        ],
      },
    ]);
    // The gate closes the monitoring phase, not the rollback procedure between them.
    expect(plan.phases.find((p) => p.id === plan.gates[0]!.phaseId)!.title).toBe('Post-Deployment Monitoring (24 Hours)');
    expect(plan.phases.map((p) => [p.line, p.plannedSeconds])).toEqual([
      [3, null],
      [28, (60 + 30 + 15 + 10 + 5 + 30 + 15) * 60],
      [136, 86_400],
      [151, 300],
      [184, null],
      [193, null],
      [203, null],
    ]);
    expect(plan.phases.every((p) => p.flagStep === null)).toBe(true);
  });
});

describe('stated durations', () => {
  it.each([
    ['Monitoring (15 minutes)', 900],
    ['📊 Monitoring (Days 1-3)', 3 * 86_400],
    ['Hours 2-6 Monitoring', 4 * 3600],
    ['Pre-Deployment (1 Hour Before)', 3600],
    ['Post-Deployment Monitoring (24 Hours)', 86_400],
    ['🚀 Deployment (Day 1)', null],
    ['Phase 1: 10% Rollout', null],
  ])('"%s" → %s s', (title, seconds) => {
    expect(statedSeconds(title)).toBe(seconds);
  });
});

describe('the profile gates: section', () => {
  const doc = parseFile(DEMO_RUNBOOK);
  const withGates = (yaml: string) => parseProfileText(`${readFileSync(DEMO_RUNBOOK.replace(/runbook\.md$/, 'runbook.flightdeck.yaml'), 'utf8')}\n${yaml}`, { file: 'p.yaml' });

  it('shortens a trigger, opts it in to an automatic rollback, and adds and replaces criteria', () => {
    const profile = withGates(`gates:
  tolerance: { relativePercent: 20, absolute: { error_rate: 0.2 } }
  triggers:
    - match: Error rate above 2%
      forSeconds: 4
      autoRollback: { plan: P0, countdownSeconds: 5 }
  criteria:
    - gate: Go/No-Go
      text: Error rate under 1 %
      check: { metric: error_rate, op: "<", value: 1 }
    - gate: Go/No-Go
      replaces: P0/P1
      text: No incident declared
      check: person
`);
    const plan = extractGatePlan(doc, profile);
    const trigger = plan.triggers.find((t) => t.line === 83)!;
    expect(trigger).toMatchObject({ forSeconds: 4, autoRollback: { plan: 'P0', countdownSeconds: 5 } });
    expect(plan.triggers.filter((t) => t.autoRollback)).toHaveLength(1);
    expect(plan.settings.tolerance).toEqual({ relativePercent: 20, absolute: { error_rate: 0.2 } });
    const criteria = plan.gates[0]!.criteria;
    expect(criteria.map((c) => [c.text, c.line, c.kind])).toEqual([
      ['Error rates unchanged or lower', 68, 'metric'],
      ['Performance metrics within targets', 69, 'targets'],
      ['All monitoring dashboards green', 70, 'dashboards'],
      ['No incident declared', null, 'person'],
      ['Error rate under 1 %', null, 'metric'],
    ]);
    // A replaced criterion keeps its id, so earlier answers still refer to it.
    expect(criteria[3]!.id).toBe(extractGatePlan(doc, demoProfile).gates[0]!.criteria[3]!.id);
  });

  it('refuses a trigger the runbook does not state, naming the field and the file', () => {
    const profile = withGates('gates:\n  triggers:\n    - match: latency above 9000\n      forSeconds: 4\n');
    let error: unknown;
    try {
      extractGatePlan(doc, profile, 'p.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FlightdeckError);
    expect((error as FlightdeckError).field).toBe('gates.triggers[0].match');
    expect((error as FlightdeckError).file).toBe('p.yaml');
    expect((error as FlightdeckError).message).toContain('Error rate above 2% for more than 5 minutes');
  });

  it('refuses an unknown plan for an automatic rollback when the profile is loaded', () => {
    expect(() => withGates('gates:\n  triggers:\n    - match: Error rate above 2%\n      autoRollback: { plan: P9, countdownSeconds: 5 }\n')).toThrow(/autoRollback\.plan names plan "P9"/);
  });

  it('refuses bad values with the line and field through the profile loader', () => {
    const base = readFileSync(DEMO_RUNBOOK.replace(/runbook\.md$/, 'runbook.flightdeck.yaml'), 'utf8');
    const lineOf = (yaml: string, needle: string) => `${base}\n${yaml}`.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const bad = (yaml: string) => {
      try {
        parseProfileText(`${base}\n${yaml}`, { file: 'p.yaml' });
      } catch (error) {
        return error as FlightdeckError;
      }
      throw new Error('accepted');
    };
    const countdownYaml = 'gates:\n  triggers:\n    - match: Error rate\n      autoRollback: { plan: P0, countdownSeconds: 1 }\n';
    const countdown = bad(countdownYaml);
    expect(countdown.field).toBe('gates.triggers[0].autoRollback.countdownSeconds');
    expect(countdown.line).toBe(lineOf(countdownYaml, 'countdownSeconds: 1'));
    expect(countdown.message).toContain('at least 3 seconds');
    const metricYaml = 'gates:\n  triggers:\n    - text: Pods restarting\n      metric: restarts\n      op: ">"\n      value: 3\n';
    const metric = bad(metricYaml);
    expect(metric.field).toBe('gates.triggers[0].metric');
    expect(metric.line).toBe(lineOf(metricYaml, 'metric: restarts'));
    const unknownKey = bad('gates:\n  tolerence: 5\n');
    expect(unknownKey.line).toBe(lineOf('gates:\n  tolerence: 5\n', 'tolerence'));
  });
});

describe('thresholds that need review', () => {
  it('arm nothing: no trigger, no target, no gate criterion until a person accepts them', () => {
    const doc = parseText('# T\n\n## Rollback\n\n### Immediate Rollback (< 5 Minutes)\n\n- Error rate > 2% for 5 minutes\n');
    expect(doc.thresholds.map((t) => [t.metric, t.confidence])).toEqual([
      ['rollback_time', 'review'],
      ['error_rate', 'sure'],
    ]);
    const plan = extractGatePlan(doc);
    expect(triggers(plan)).toEqual([[7, 'error_rate', '>', 2, 300, 'red']]);
    expect(plan.thresholds).toEqual([]);
  });
});

