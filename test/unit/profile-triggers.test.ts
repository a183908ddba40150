/**
 * Issue 15: a profile trigger stands alone. It needs no sentence of the
 * runbook to match; when it arms an automatic rollback it is in the trust
 * manifest, so changing it puts the runbook back in review mode.
 */
import { describe, expect, it } from 'vitest';
import { parseProfileText } from '../../src/main/services/profile/profile-loader';
import { extractGatePlan } from '../../src/main/services/gates/extract-plan';
import { deriveManifest, manifestHash } from '../../src/main/services/trust/capability-manifest';
import { parseText } from '../support/runbooks';

// A runbook that states no threshold and no trigger at all.
const RUNBOOK = parseText(['# Release', '', '## Phase 1', '', '- [ ] Deploy', '- [ ] Watch the dashboards', ''].join('\n'));

const profileWith = (trigger: string) =>
  parseProfileText(
    [
      'flags:',
      '  - { name: f, backend: { type: redis, url: "redis://127.0.0.1:6379", key: f }, steps: [0, 100] }',
      'rollback:',
      '  plans:',
      '    - { name: P0, steps: [ { flag: f, set: 0 } ] }',
      'gates:',
      '  triggers:',
      `    - ${trigger}`,
    ].join('\n'),
    { file: 'p.yaml' },
  );

describe('a profile trigger of its own', () => {
  it('becomes a trigger of the plan with no runbook sentence, named by its condition', () => {
    const plan = extractGatePlan(RUNBOOK, profileWith('{ metric: error_rate, op: ">", value: 2, duration: "2 minutes", severity: yellow }'));
    expect(plan.triggers).toEqual([
      expect.objectContaining({ text: 'error_rate > 2 % for 120 s', line: null, forSeconds: 120, severity: 'yellow', autoRollback: null, condition: expect.objectContaining({ metric: 'error_rate', op: '>', value: 2 }) }),
    ]);
  });

  it('keeps the text it is given, and defaults to red', () => {
    const plan = extractGatePlan(RUNBOOK, profileWith('{ text: "Checkout errors", metric: error_rate, op: ">", value: 5 }'));
    expect(plan.triggers[0]).toMatchObject({ text: 'Checkout errors', severity: 'red' });
  });

  it('is in the trust manifest when it arms an automatic rollback, and a change to it changes the hash', () => {
    const armed = (value: number) => profileWith(`{ metric: latency_p95, op: ">", value: ${value}, forSeconds: 30, autoRollback: { plan: P0, countdownSeconds: 10 } }`);
    const manifest = deriveManifest(RUNBOOK, armed(900));
    expect(manifest.automatic).toEqual([{ trigger: 'latency_p95 > 900 ms for 30 s', condition: 'latency_p95 > 900 ms for 30 s', plan: 'P0', countdownSeconds: 10 }]);
    expect(manifestHash(deriveManifest(RUNBOOK, armed(2000)))).not.toBe(manifestHash(manifest));
    // Without a runbook (the CLI), the profile's part names it too.
    expect(deriveManifest(null, armed(900)).automatic).toEqual([expect.objectContaining({ condition: 'latency_p95 > 900 for 30 s', plan: 'P0' })]);
  });

  it('is not in the manifest when it only alarms', () => {
    expect(deriveManifest(RUNBOOK, profileWith('{ metric: error_rate, op: ">", value: 2 }')).automatic).toEqual([]);
  });

  it('needs metric, op and value, and one duration', () => {
    expect(() => profileWith('{ metric: error_rate, value: 2 }')).toThrow(expect.objectContaining({ field: 'gates.triggers[0].op' }));
    expect(() => profileWith('{ metric: error_rate, op: ">", value: 2, forSeconds: 5, duration: 5m }')).toThrow(expect.objectContaining({ field: 'gates.triggers[0].duration' }));
    expect(() => profileWith('{ metric: error_rate, op: ">", value: 2, duration: soon }')).toThrow(expect.objectContaining({ field: 'gates.triggers[0].duration', message: expect.stringContaining('"5m"') }));
  });
});
