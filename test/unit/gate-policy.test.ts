/**
 * The gate policy (issue 14): which flag raises wait for a person. A gate
 * without a go holds every step beyond it; a firing red trigger holds every
 * raise of every flag; down, to 0, and to where the flag is are never held.
 */
import { describe, expect, it } from 'vitest';
import { flagHolds, type HoldInputs } from '../../src/main/services/gates/gate-policy';
import { DEFAULT_SETTINGS, type GatePlan, type TriggerDef } from '../../src/main/services/gates/gate-plan';
import { holdsOnWrite } from '../../src/shared/flag-holds';

const phase = (id: string, percent: number | null) => ({ id, title: id, line: 1, plannedSeconds: null, flagStep: percent === null ? null : { flag: 'checkout_v2', percent, line: 2 } });
/** The demo's shape: a pre-deployment phase, 10 %, a gate, 50 %, 100 %. */
const plan: GatePlan = {
  phases: [phase('pre', null), phase('p1', 10), phase('p2', 50), phase('p3', 100)],
  gates: [{ id: 'g1', title: 'Go/No-Go Decision', line: 65, phaseId: 'p1', criteria: [] }],
  triggers: [],
  thresholds: [],
  settings: DEFAULT_SETTINGS,
};
const red: TriggerDef = { id: 't', text: 'Error rate above 2%', line: 83, condition: { kind: 'absolute', metric: 'error_rate', op: '>', value: 2, unit: '%' }, forSeconds: 300, severity: 'red', autoRollback: null };

function inputs(over: Partial<HoldInputs> = {}): HoldInputs {
  return { plan, currentIndex: -1, decisions: new Map(), firingRed: [], flags: ['checkout_v2', 'search_v3'], ...over };
}
const held = (holds: ReturnType<typeof flagHolds>, from: unknown, to: number, flag = 'checkout_v2') => holdsOnWrite(holds, flag, from, to).map((h) => h.reason);

describe('flag raises past a gate', () => {
  it('the first step is free; anything past the gate waits for a go', () => {
    const holds = flagHolds(inputs());
    expect(held(holds, 0, 10)).toEqual([]);
    expect(held(holds, 0, 50)).toEqual(['Waiting for a go at "Go/No-Go Decision".']);
    // Skipping a step is no way around the gate, nor is a value between steps.
    expect(held(holds, 0, 100)).toHaveLength(1);
    expect(held(holds, 10, 11)).toHaveLength(1);
    // A flag the runbook does not step is not held by its gates.
    expect(held(holds, 0, 50, 'search_v3')).toEqual([]);
  });

  it('a go opens the steps after the gate; a hold or a rollback says who and why', () => {
    expect(held(flagHolds(inputs({ currentIndex: 1, decisions: new Map([['g1', { decision: 'go', reason: '', by: 'Ana' }]]) })), 10, 100)).toEqual([]);
    expect(held(flagHolds(inputs({ currentIndex: 1, decisions: new Map([['g1', { decision: 'hold', reason: 'payments team', by: 'Ana' }]]) })), 10, 50)).toEqual(['Held at "Go/No-Go Decision" by Ana: payments team']);
    expect(held(flagHolds(inputs({ currentIndex: 1, decisions: new Map([['g1', { decision: 'rollback', reason: 'errors', by: null }]]) })), 10, 50)).toEqual(['Rolled back at "Go/No-Go Decision": errors']);
  });

  it('a gate behind the current phase holds nothing', () => {
    expect(held(flagHolds(inputs({ currentIndex: 2 })), 50, 100)).toEqual([]);
  });
});

describe('a firing red trigger', () => {
  const holds = flagHolds(inputs({ currentIndex: 2, firingRed: [{ trigger: red, value: '6.6 %' }] }));

  it('holds every raise of every flag, naming the trigger and its value', () => {
    expect(held(holds, 50, 100)).toEqual(['Red trigger "Error rate above 2%" (line 83) is firing at 6.6 %.']);
    expect(held(holds, 0, 1, 'search_v3')).toHaveLength(1);
    // An unknown current value counts as below any raise.
    expect(held(holds, null, 10)).toHaveLength(1);
    expect(held(holds, 'on', 10)).toHaveLength(1);
  });

  it('never holds the way down, to 0, or a write of the value the flag has', () => {
    expect(held(holds, 50, 10)).toEqual([]);
    expect(held(holds, 50, 0)).toEqual([]);
    expect(held(holds, null, 0)).toEqual([]);
    expect(held(holds, 50, 50)).toEqual([]);
  });
});
