/**
 * The pure parts of flag control: comparing values as backends store them,
 * dot-path fields, percentages refused with the field named, deadlines
 * that let a backend say "never sent", and which journaled writes are
 * still unknown after a restart.
 */
import { describe, expect, it } from 'vitest';
import { FlightdeckError } from '../../src/shared/errors';
import type { JournalEntry } from '../../src/shared/session-model';
import { typedValue } from '../../src/main/cli/flag-commands';
import { withDeadline } from '../../src/main/services/flags/deadline';
import { bodyForPath, valueAtPath } from '../../src/main/services/flags/dot-path';
import { sameFlagValue } from '../../src/main/services/flags/flag-backend';
import { checkPercent } from '../../src/main/services/flags/flag-service';
import { unsettledFlagWrites } from '../../src/main/services/flags/flag-writer';

describe('flag values', () => {
  it('treats 50 and "50", true and "true" as the same setting, and nothing else', () => {
    expect(sameFlagValue(50, '50')).toBe(true);
    expect(sameFlagValue('50', 50)).toBe(true);
    expect(sameFlagValue(true, 'true')).toBe(true);
    expect(sameFlagValue(null, null)).toBe(true);
    expect(sameFlagValue(50, '5')).toBe(false);
    expect(sameFlagValue(null, 'null')).toBe(false);
    expect(sameFlagValue(0, null)).toBe(false);
    expect(sameFlagValue(undefined, undefined)).toBe(false);
  });

  it('reads and builds dot-path fields, naming a missing one', () => {
    expect(valueAtPath({ rollout: { percent: 10 } }, 'rollout.percent', 'api')).toBe(10);
    expect(bodyForPath('rollout.percent', 50)).toEqual({ rollout: { percent: 50 } });
    expect(bodyForPath('percentage', 0)).toEqual({ percentage: 0 });
    const missing = (() => {
      try {
        valueAtPath({ percentage: 10 }, 'rollout.percent', 'api');
      } catch (error) {
        return error as FlightdeckError;
      }
    })();
    expect(missing?.field).toBe('rollout.percent');
    expect(missing?.message).toContain('the answer has no field "rollout.percent"');
    expect(() => valueAtPath({ p: { a: 1 } }, 'p', 'api')).toThrow('holds object, not a flag value');
  });

  it('refuses percentages outside 0..100 naming the field', () => {
    for (const bad of [150, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => checkPercent(bad)).toThrow(expect.objectContaining({ field: 'percent', code: 'bad-input' }));
    }
    expect(() => checkPercent(0)).not.toThrow();
    expect(() => checkPercent(100)).not.toThrow();
  });

  it('types CLI values: true, false, null and numbers; the rest stays a string', () => {
    expect([typedValue('true'), typedValue('false'), typedValue('null'), typedValue('50'), typedValue('2.5'), typedValue('on'), typedValue('')]).toEqual([true, false, null, 50, 2.5, 'on', '']);
  });
});

describe('deadlines', () => {
  it('rejects at the deadline even when the work ignores its signal', async () => {
    const started = performance.now();
    const never = new Promise<never>(() => undefined);
    await expect(withDeadline(80, 'read', () => never)).rejects.toThrow('read: timed out after 80 ms');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('lets the work say "never sent" within the grace after the abort', async () => {
    const notSent = new FlightdeckError('not-found', 'still connecting at the deadline; nothing was sent');
    const work = (signal: AbortSignal) => new Promise<void>((_resolve, reject) => signal.addEventListener('abort', () => setTimeout(() => reject(notSent), 5)));
    await expect(withDeadline(50, '', work, 50)).rejects.toBe(notSent);
    // Without a grace, the timeout wins: the caller cannot wait on a backend forever.
    await expect(withDeadline(50, '', work)).rejects.toThrow('timed out after 50 ms');
  });
});

describe('unsettled flag writes in a journal', () => {
  let seq = 0;
  const entry = (type: string, data: Record<string, unknown>): JournalEntry => ({ seq: seq++, ts: '2026-01-01T00:00:00.000Z', type, by: 'rm', data, prev: '0'.repeat(64), hash: '0'.repeat(64) });
  const started = (actionId: string, to: string) => entry('action.started', { actionId, kind: 'flag', title: 't', inputs: { flag: 'checkout_v2', from: '10', to } });

  it('keeps writes whose last word is unknown, or that never finished (a crash mid-write)', () => {
    const entries = [
      started('a', '50'),
      entry('action.finished', { actionId: 'a', outcome: 'unknown', message: '', durationMs: 1, readBack: '10' }),
      started('b', '0'),
      entry('action.finished', { actionId: 'b', outcome: 'unknown', message: '', durationMs: 1, readBack: null }),
      entry('action.settled', { actionId: 'b', outcome: 'ok', message: '', readBack: '0' }),
      started('c', '100'),
      entry('action.finished', { actionId: 'c', outcome: 'ok', message: '', durationMs: 1, readBack: '100' }),
      started('d', 'null'),
      entry('action.started', { actionId: 'e', kind: 'command', title: 'kubectl', inputs: { argv: 'kubectl rollout undo' } }),
    ];
    expect(unsettledFlagWrites(entries)).toEqual([
      // startedAt: when it was sent, from which its settle window is counted.
      { actionId: 'a', flag: 'checkout_v2', to: '50', from: '10', lastReadBack: '10', startedAt: entries[0]!.ts },
      { actionId: 'd', flag: 'checkout_v2', to: null, from: '10', startedAt: entries[6]!.ts },
    ]);
  });
});
