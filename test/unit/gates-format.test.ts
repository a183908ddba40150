/**
 * Numbers on the gate panel and the alarm: values with units, held times,
 * time in phase against the plan, and the countdown, which must never show
 * 0 s while the rollback has not yet started.
 */
import { describe, expect, it } from 'vitest';
import { phaseTiming, secondsLeft } from '../../src/renderer/src/features/gates/gates-format';
import { readMuted, writeMuted } from '../../src/renderer/src/features/gates/gates-mute';
import { newerGates } from '../../src/renderer/src/features/gates/gates-store';
import type { GatesState } from '../../src/shared/gate-model';

describe('gate numbers', () => {
  it('time in phase against the runbook plan says when it runs over', () => {
    const entered = Date.UTC(2026, 0, 1, 2, 0, 0);
    expect(phaseTiming(null, 900, entered)).toBeNull();
    expect(phaseTiming(entered, 900, entered + 12 * 60_000)).toMatchObject({ over: false, text: '12 min of 15 min planned' });
    expect(phaseTiming(entered, 900, entered + 16 * 60_000)).toMatchObject({ over: true, text: '16 min of 15 min planned: over time' });
    expect(phaseTiming(entered, null, entered + 65_000)?.text).toBe('1 min 5 s in phase (the runbook states no duration)');
  });

  it('the countdown rounds up, so "0 s" shows only once it has run out', () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 9_999)).toBe(1);
    expect(secondsLeft(10_000, 10_000)).toBe(0);
    expect(secondsLeft(10_000, 12_000)).toBe(0);
  });
});

describe('the mute switch and late answers', () => {
  it('mute is remembered, and a storage that fails counts as not muted so the alarm is heard', () => {
    const map = new Map<string, string>();
    const storage = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    expect(readMuted(storage)).toBe(false);
    expect(writeMuted(storage, true)).toBe(true);
    expect(readMuted(storage)).toBe(true);
    writeMuted(storage, false);
    expect(readMuted(storage)).toBe(false);
    const broken = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(readMuted(broken)).toBe(false);
    expect(writeMuted(broken, true)).toBe(false);
    expect(readMuted(null)).toBe(false);
  });

  it('a gates state older than the one shown (an answer that crossed an event) is not taken', () => {
    const at = (revision: number): GatesState => ({ revision, phases: [], currentPhaseId: null, gates: [], triggers: [], nextStep: null, nextStepBlockedBy: null, live: true });
    expect(newerGates(null, at(1))).toBe(true);
    expect(newerGates(at(5), at(6))).toBe(true);
    expect(newerGates(at(5), at(4))).toBe(false);
  });
});
