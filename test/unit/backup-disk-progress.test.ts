/**
 * The free-disk refusal says where, how much is needed and how much is
 * free; progress reaches the screen at most ten times a second with an
 * honest time left, and a phase's last numbers are never swallowed.
 */
import { describe, expect, it, vi } from 'vitest';
import type { BackupProgress } from '../../src/main/services/backups/backup-engine';
import { MAX_UPDATES_PER_SECOND, ProgressMeter, secondsLeft } from '../../src/main/services/backups/backup-progress';
import { assertFits, MARGIN_BYTES, requiredBytes } from '../../src/main/services/backups/disk-space';

const MiB = 1024 * 1024;

describe('free-disk check', () => {
  it('needs the estimate plus a tenth plus 16 MiB', () => {
    expect(requiredBytes(100 * MiB)).toBe(110 * MiB + MARGIN_BYTES);
    expect(() => assertFits('/backups/shop', 100 * MiB, 126 * MiB)).not.toThrow();
  });

  it('refuses naming the directory, the estimate and the free space', () => {
    expect(() => assertFits('/backups/shop', 100 * MiB, 120 * MiB)).toThrow(
      'Not enough free space in /backups/shop: the backup is estimated at 100 MiB (126 MiB with margin), but only 120 MiB is free',
    );
  });
});

describe('progress', () => {
  it('estimates seconds left from the pace so far', () => {
    expect(secondsLeft(25 * MiB, 100 * MiB, 5000)).toBe(15);
    expect(secondsLeft(0, 100 * MiB, 5000)).toBeNull();
    expect(secondsLeft(10, null, 5000)).toBeNull();
    expect(secondsLeft(120 * MiB, 100 * MiB, 5000)).toBe(0);
  });

  it('sends at most ten updates a second however often the engine reports, and ends on the last numbers', () => {
    vi.useFakeTimers();
    try {
      let now = 0;
      const sent: { at: number; progress: BackupProgress }[] = [];
      const meter = new ProgressMeter((progress) => sent.push({ at: now, progress }), () => now);
      meter.update({ phase: 'dumping', estimatedBytes: 1000 * MiB });
      for (let i = 1; i <= 2000; i += 1) {
        now += 1; // an update every millisecond for two seconds
        vi.advanceTimersByTime(1);
        meter.update({ bytes: i * MiB });
      }
      meter.update({ phase: 'verifying' });
      const dumping = sent.filter((s) => s.progress.phase === 'dumping');
      expect(dumping.length).toBeLessThanOrEqual(2 * MAX_UPDATES_PER_SECOND + 2);
      // 100 ms apart, but for the phase's last numbers, sent as the next phase begins.
      for (let i = 1; i < dumping.length - 1; i += 1) expect(dumping[i]!.at - dumping[i - 1]!.at).toBeGreaterThanOrEqual(100);
      expect(dumping.at(-1)!.progress.bytes).toBe(2000 * MiB);
      expect(dumping.at(-1)!.progress.secondsLeft).toBe(0);
      expect(sent.at(-1)!.progress).toMatchObject({ phase: 'verifying', bytes: 2000 * MiB, secondsLeft: null });
      // Half way, the time left matched the pace: 1 MiB/ms over 1000 MiB.
      const half = dumping.find((s) => s.progress.bytes >= 500 * MiB)!;
      expect(half.progress.secondsLeft).toBeCloseTo((1000 - half.progress.bytes / MiB) / 1000, 0);
    } finally {
      vi.useRealTimers();
    }
  });
});
