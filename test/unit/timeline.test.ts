/**
 * The timeline mapping (src/shared/timeline.ts): journal entries in, the
 * window's events out, in journal order, with what the view and the report
 * print. Unknown entry kinds are skipped, a flag write reads as its change,
 * and a tick carries its evidence.
 */
import { describe, expect, it } from 'vitest';
import { filterTimeline, timelineEvents, TIMELINE_ENTRY_TYPES } from '../../src/shared/timeline';

let seq = 0;
const entry = (type: string, data: Record<string, unknown>, by: string | null = 'Dana') => ({ seq: seq++, ts: new Date(Date.UTC(2026, 11, 3, 10, 0, seq)).toISOString(), type, by, data });

const journal = () => {
  seq = 0;
  return [
    entry('session.started', { sessionId: 's', runbook: { name: 'r', path: null, sha256: 'x', title: 't' } }),
    entry('baseline.captured', { values: { 'shop/error_rate': 0.05, 'shop/latency_p95': 120 } }),
    entry('action.started', { actionId: 'a1', kind: 'flag', title: 'Set checkout_v2 to 10', inputs: { flag: 'checkout_v2', from: '0', to: '10', target: 'http://x' } }),
    entry('action.output', { actionId: 'a1', stream: 'stdout', text: 'noise' }),
    entry('action.finished', { actionId: 'a1', outcome: 'ok', message: 'set to 10 and read back 10', durationMs: 12, readBack: '10' }),
    entry('item.ticked', {
      itemId: 'deploy/set',
      checked: true,
      itemText: 'Set checkout_v2 to 10%',
      evidence: { act: 'flag', what: 'set checkout_v2 from 0 to 10', readBack: '10', at: '2026-12-03T10:00:05.000Z', by: 'Dana' },
    }),
    entry('window.state', { from: 'holding', to: 'firing', cause: 'error rate over its red line', triggerId: 't1', runId: null }, null),
    entry('some.future.kind', { whatever: true }),
    entry('trigger.fired', { triggerId: 'red', text: 'red flag: > 1%', line: 3, metric: 'error_rate', value: 6.6234, heldSeconds: 30, autoRollback: false }, null),
    entry('rollback.started', { runId: 'r1', plan: 'P0', steps: ['set checkout_v2 to 0', 'wait for shop-health'], confirmation: 'held 1.5 s', pressedAt: '2026-12-03T10:00:10.000Z' }),
    entry('action.started', { actionId: 'a2', kind: 'rollback-step', title: 'Set checkout_v2 to 0', inputs: {}, runId: 'r1', step: 0 }),
    entry('action.finished', { actionId: 'a2', outcome: 'ok', message: 'written', durationMs: 9, readBack: '0' }),
    entry('rollback.finished', { runId: 'r1', outcome: 'ok', message: 'verified', pressToVerifiedMs: 1900 }),
    entry('action.started', { actionId: 'x1', kind: 'restore', title: 'Restore db (postgres)', inputs: { backup: 'db' } }),
    entry('action.finished', { actionId: 'x1', outcome: 'ok', message: 'restored 12 tables', durationMs: 900 }),
    entry('gate.decided', { gateId: 'g', phaseId: 'phase-1', decision: 'hold', reason: 'investigating', criteria: [{ id: 'c', text: 'x', line: 1, source: 'measured', status: 'fail', value: 1, evidence: '' }] }),
    entry('action.started', { actionId: 'b1', kind: 'backup', title: 'Backup db (postgres)', inputs: { backup: 'db', restoreTest: 'true' } }),
    entry('backup.verified', { actionId: 'b1', name: 'db', engine: 'postgres', location: '/b', bytes: 2048, files: 3, manifestSha256: 'ab'.repeat(32), checks: [], itemId: 'pre/backup' }),
  ];
};

describe('timelineEvents', () => {
  it('maps each entry the window cares about to one event, in journal order, and skips the rest', () => {
    const events = timelineEvents(journal());
    expect(events.map((e) => [e.kind, e.title])).toEqual([
      ['baseline', 'Baseline captured'],
      ['flag', 'checkout_v2 0 → 10: ok'],
      ['tick', 'Ticked “Set checkout_v2 to 10%”'],
      ['window', 'Window: holding → firing'],
      ['trigger', 'Trigger fired: red flag: > 1%'],
      ['rollback', 'Rollback P0 started'],
      ['rollback', 'Set checkout_v2 to 0: ok'],
      ['rollback', 'Rollback ok'],
      ['backup', 'Restore db (postgres): ok'],
      ['decision', 'Gate: hold'],
      ['backup', 'Backup db verified, restore test passed'],
    ]);
    const seqs = events.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('prints values by their unit through the shared format, and a flag write with its read-back', () => {
    const events = timelineEvents(journal());
    expect(events.find((e) => e.kind === 'trigger')!.detail).toBe('error_rate 6.62 % for 30 s');
    expect(events.find((e) => e.kind === 'flag')!.detail).toBe('set to 10 and read back 10');
    expect(events.find((e) => e.title.startsWith('Backup db verified'))!.detail).toMatch(/^3 files, 2(\.0)? KiB, manifest sha256 abababababab…$/);
    expect(events.find((e) => e.title === 'Set checkout_v2 to 0: ok')!.detail).toBe('written, read back 0');
    expect(events.find((e) => e.kind === 'baseline')!.detail).toBe('2 series');
  });

  it('a tick shows its evidence and where Enter goes; a decision goes to its phase', () => {
    const events = timelineEvents(journal());
    const tick = events.find((e) => e.kind === 'tick')!;
    expect(tick).toMatchObject({ itemId: 'deploy/set', by: 'Dana', detail: 'Evidence: set checkout_v2 from 0 to 10, read back 10, by Dana' });
    expect(events.find((e) => e.kind === 'decision')).toMatchObject({ phaseId: 'phase-1', itemId: null });
  });

  it('orders by seq even when handed out of order, and survives an entry of a known type with a strange shape', () => {
    const entries = journal().reverse();
    entries.push({ seq: 99, ts: '2026-12-03T10:01:00.000Z', type: 'gate.decided', by: null, data: { nothing: 'here' } });
    const events = timelineEvents(entries);
    expect(events[0]!.kind).toBe('baseline');
    expect(events.some((e) => e.seq === 99)).toBe(false);
  });

  it('filters by kind', () => {
    const events = timelineEvents(journal());
    expect(filterTimeline(events, new Set(['rollback'])).map((e) => e.title)).toEqual(['Rollback P0 started', 'Set checkout_v2 to 0: ok', 'Rollback ok']);
    expect(filterTimeline(events, new Set())).toEqual([]);
  });

  it('names the entry types main must send for it, and not the noisy ones', () => {
    expect(TIMELINE_ENTRY_TYPES.has('action.started')).toBe(true);
    expect(TIMELINE_ENTRY_TYPES.has('item.ticked')).toBe(true);
    expect(TIMELINE_ENTRY_TYPES.has('action.output')).toBe(false);
  });
});
