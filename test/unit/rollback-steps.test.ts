import { describe, expect, it } from 'vitest';
import { checkConfirmation } from '../../src/main/services/rollback/confirmation';
import { foldRollbackRuns, runView } from '../../src/main/services/rollback/rollback-history';
import { decodeValue, encodeValue, isIdempotent, lastStableStep, percentOf, stepTitle } from '../../src/main/services/rollback/rollback-steps';
import { parseProfileText } from '../../src/main/services/profile/profile-loader';
import type { JournalEntry } from '../../src/shared/session-model';

describe('P1: the last stable step', () => {
  it.each([
    [[0, 10, 50, 100], 50, 10],
    [[0, 10, 50, 100], 100, 50],
    [[0, 10, 50, 100], 30, 10],
    [[0, 10, 50, 100], 10, 0],
    [[0, 10, 50, 100], 0, null],
    [[5, 25, 100], 5, null],
  ])('steps %j at %d → %s', (steps, current, expected) => {
    expect(lastStableStep(steps, current)).toBe(expected);
  });

  it('reads percentages as backends return them, and nothing else', () => {
    expect([percentOf(50), percentOf('50'), percentOf(' 12.5 '), percentOf('on'), percentOf(true), percentOf(null)]).toEqual([50, 50, 12.5, null, null, null]);
  });

  it('keeps a value\'s type through the journal, so a re-run writes the same thing', () => {
    for (const value of [0, 12.5, 'off', true, null]) expect(decodeValue(encodeValue(value))).toEqual(value);
    expect(decodeValue('not json')).toBeUndefined();
  });
});

describe('plan steps from a profile', () => {
  const profile = parseProfileText(
    `flags:
  - name: checkout_v2
    backend: { type: redis, url: "redis://127.0.0.1:6379", key: flags:checkout_v2 }
probes:
  - { name: web, kind: http, url: "http://127.0.0.1:1/health" }
commands:
  allow: [kubectl]
  named:
    undo: { argv: [kubectl, rollout, undo, deployment/web] }
rollback:
  plans:
    - name: P0
      steps:
        - { flag: checkout_v2, set: 0 }
        - { flag: checkout_v2, lastStableStep: true }
        - { command: undo }
        - { command: [kubectl, rollout, status, deployment/web], idempotent: true }
        - { waitForHealth: [web] }
`,
    { file: 'profile.yaml' },
  );
  const steps = profile.rollback.plans[0]!.steps;

  it('titles say what each step does', () => {
    expect(steps.map(stepTitle)).toEqual([
      'Set checkout_v2 to 0',
      'Drop checkout_v2 to its last stable step',
      'Run undo',
      'Run kubectl rollout status deployment/web',
      'Wait until web is up',
    ]);
  });

  it('flag writes and health waits may run again after a crash; commands only when the profile says so', () => {
    expect(steps.map(isIdempotent)).toEqual([true, true, false, true, true]);
  });

  it('idempotent must be a boolean, with the line named', () => {
    expect(() => parseProfileText('rollback:\n  plans:\n    - name: P0\n      steps:\n        - { command: [kubectl], idempotent: "yes" }\n', { file: 'p.yaml' })).toThrow(
      expect.objectContaining({ file: 'p.yaml', line: 5 }),
    );
  });
});

describe('the deliberate act', () => {
  it('hold: 1.5 s or more', () => {
    expect(checkConfirmation({ kind: 'hold', heldMs: 1500 }, 'hold', 'production')).toBe('held the button for 1500 ms');
    expect(() => checkConfirmation({ kind: 'hold', heldMs: 1499.6 }, 'hold', 'production')).toThrow('Rollback not started: the button was held for 1499 ms; hold it for at least 1500 ms.');
    expect(() => checkConfirmation({ kind: 'hold', heldMs: Number.NaN }, 'hold', 'production')).toThrow(/hold it for at least 1500 ms/);
  });

  it('type: the environment name, exactly', () => {
    expect(checkConfirmation({ kind: 'typed', text: 'production' }, 'type', 'production')).toBe('typed the environment name "production"');
    expect(() => checkConfirmation({ kind: 'typed', text: 'production ' }, 'type', 'production')).toThrow(expect.objectContaining({ code: 'forbidden', field: 'confirmation.text' }));
  });
});

describe('runs as the journal tells them', () => {
  let seq = 0;
  const entry = (type: string, data: Record<string, unknown>): JournalEntry => ({ seq: seq++, ts: `2025-01-01T00:00:0${seq % 10}.000Z`, type, by: 'ops', data, prev: '0'.repeat(64), hash: '0'.repeat(64) });

  it('a run with a step started and never finished is open, and shows that step as interrupted', () => {
    const entries = [
      entry('rollback.started', { runId: 'r1', plan: 'P0', steps: ['Set a to 0', 'Run undo'], confirmation: 'held', pressedAt: '2025-01-01T00:00:00.000Z' }),
      entry('action.started', { actionId: 'a1', kind: 'rollback-step', title: 'Set a to 0', inputs: { value: '0' }, runId: 'r1', step: 0 }),
      entry('action.finished', { actionId: 'a1', outcome: 'ok', message: 'set to 0 and read back 0', durationMs: 2 }),
      entry('action.started', { actionId: 'a2', kind: 'rollback-step', title: 'Run undo', inputs: {}, runId: 'r1', step: 1 }),
    ];
    const [run] = foldRollbackRuns(entries);
    expect(run!.finished).toBeNull();
    expect(run!.steps.get(1)).toMatchObject({ actionId: 'a2', outcome: null });
    expect(runView(run!).steps.map((s) => [s.outcome, s.message])).toEqual([
      ['ok', 'set to 0 and read back 0'],
      ['unknown', 'interrupted before its outcome was known'],
    ]);
  });
});
