/** A backup row's progress line, spelled by the shared format module like every other size, count and duration. */
import { describe, expect, it } from 'vitest';
import { formatSecondsLeft, progressText } from '../../src/renderer/src/features/backup/format';

describe('backup progress text', () => {
  it('says sizes in powers of 1024, counts grouped and the time left rounded up', () => {
    const text = progressText({ phase: 'dumping', bytes: 13_002_342, done: 40_000, total: 120_000, unit: 'rows', estimatedBytes: 39_007_026, secondsLeft: 7.2 });
    expect(text).toBe('12 MiB of about 37 MiB · 40,000 / 120,000 rows · about 8 s left');
  });

  it('never says 0 s while something is left, and minutes as the rest of the cockpit does', () => {
    expect(formatSecondsLeft(0.2)).toBe('1 s');
    expect(formatSecondsLeft(124.3)).toBe('2 min 5 s');
    expect(formatSecondsLeft(120)).toBe('2 min');
  });
});
