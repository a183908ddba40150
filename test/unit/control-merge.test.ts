/** Events and call answers can cross: the control store keeps the newest truth. */
import { describe, expect, it } from 'vitest';
import type { ActionRecord, ControlState, RollbackRun } from '../../src/shared/control-model';
import { ACTIONS_KEPT, fresherRun, mergeControl, upsertAction } from '../../src/renderer/src/features/control/control-merge';

const action = (id: string, outcome: ActionRecord['outcome'], message = ''): ActionRecord => ({
  id,
  kind: 'flag',
  title: `set ${id}`,
  by: 'Dana',
  startedAt: '2025-01-01T02:00:00.000Z',
  endedAt: outcome === 'running' ? null : '2025-01-01T02:00:01.000Z',
  outcome,
  message,
  inputs: {},
  durationMs: null,
});

const run = (id: string, startedAt: string, outcomes: Array<RollbackRun['steps'][number]['outcome']>, ended = false): RollbackRun => ({
  id,
  plan: 'P0',
  by: 'Dana',
  startedAt,
  endedAt: ended ? '2025-01-01T02:00:05.000Z' : null,
  outcome: ended ? 'ok' : 'running',
  steps: outcomes.map((outcome, index) => ({ index, title: `step ${index}`, outcome, message: '', startedAt: null, endedAt: null })),
  pressToVerifiedMs: ended ? 42 : null,
  resumed: false,
});

const state = (file: string, actions: ActionRecord[], rollback: RollbackRun | null, revision = 1): ControlState => ({
  revision,
  profile: { file, origin: 'file', environment: 'demo' },
  profileError: null,
  vault: { kind: 'passphrase', state: 'locked', names: [], missing: [], scopes: {}, unscoped: [] },
  backups: [],
  restoreTestItemId: null,
  tickOffers: [],
  flagAlerts: [],
  flags: [],
  commands: [],
  plans: [],
  defaultPlan: null,
  confirm: 'hold',
  actions,
  rollback,
});

describe('control state merging', () => {
  it('an action never goes back from settled to unknown or from finished to running', () => {
    let list = upsertAction([], action('a', 'running'));
    list = upsertAction(list, action('a', 'unknown', 'timed out'));
    list = upsertAction(list, action('a', 'ok', 'read back 50'));
    list = upsertAction(list, action('a', 'unknown', 'timed out')); // a late, stale copy
    list = upsertAction(list, action('a', 'running'));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ outcome: 'ok', message: 'read back 50' });
  });

  it('keeps arrival order and only the newest actions', () => {
    let list: ActionRecord[] = [];
    for (let i = 0; i < ACTIONS_KEPT + 5; i++) list = upsertAction(list, action(`a${i}`, 'ok'));
    expect(list).toHaveLength(ACTIONS_KEPT);
    expect(list[0]!.id).toBe('a5');
    expect(list.at(-1)!.id).toBe(`a${ACTIONS_KEPT + 4}`);
  });

  it('a rollback run never loses a finished step; a newer run replaces an older one', () => {
    const early = run('r1', '2025-01-01T02:00:00.000Z', ['ok', 'running']);
    const later = run('r1', '2025-01-01T02:00:00.000Z', ['ok', 'ok'], true);
    expect(fresherRun(later, early)).toBe(later);
    expect(fresherRun(early, later)).toBe(later);
    const next = run('r2', '2025-01-01T03:00:00.000Z', ['pending', 'pending']);
    expect(fresherRun(later, next)).toBe(next);
    expect(fresherRun(next, later)).toBe(next);
  });

  it('a stale getControl answer does not undo what events already brought', () => {
    const current = state('/p.yaml', [action('a', 'ok', 'read back 50')], run('r1', '2025-01-01T02:00:00.000Z', ['ok', 'ok'], true));
    const stale = state('/p.yaml', [action('a', 'running'), action('b', 'running')], run('r1', '2025-01-01T02:00:00.000Z', ['running', 'pending']));
    const merged = mergeControl(current, stale);
    expect(merged.actions.map((a) => [a.id, a.outcome])).toEqual([
      ['a', 'ok'],
      ['b', 'running'],
    ]);
    expect(merged.rollback?.outcome).toBe('ok');
  });

  it('a whole state older than the one held (by revision) is ignored: vault and flag values stay newest', () => {
    const newer = { ...state('/p.yaml', [], null, 7), flags: [{ name: 'f', backend: 'redis', target: 't', steps: [0, 50], value: 0, readAt: 'x', readError: null, testUsers: [], drift: null, guard: null }] };
    const older = { ...state('/p.yaml', [], null, 6), flags: [{ ...newer.flags[0]!, value: 50 }] };
    expect(mergeControl(newer, older).flags[0]?.value).toBe(0);
    expect(mergeControl(older, newer).flags[0]?.value).toBe(0);
  });

  it('another profile replaces everything, including the last rollback', () => {
    const current = state('/one.yaml', [action('a', 'ok')], run('r1', '2025-01-01T02:00:00.000Z', ['ok'], true));
    const other = state('/two.yaml', [], null);
    expect(mergeControl(current, other)).toEqual(other);
  });
});
