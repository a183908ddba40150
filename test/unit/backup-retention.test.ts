/**
 * Retention lets old backups go only by the profile's rule, and never the
 * one just taken, whatever the rule or the clocks say.
 */
import { describe, expect, it } from 'vitest';
import { expiredBackups } from '../../src/main/services/backups/backup-retention';

const NOW = new Date('2026-05-10T12:00:00Z');
const day = (n: number) => new Date(NOW.getTime() - n * 86_400_000).toISOString();
const backups = [
  { dir: 'b0', createdAt: day(0) },
  { dir: 'b1', createdAt: day(1) },
  { dir: 'b3', createdAt: day(3) },
  { dir: 'b8', createdAt: day(8) },
  { dir: 'b30', createdAt: day(30) },
];
const dirs = (list: { dir: string }[]) => list.map((b) => b.dir);

describe('retention', () => {
  it('keeps the N newest', () => {
    expect(dirs(expiredBackups(backups, { keep: 2, maxAgeDays: null }, NOW, 'b0'))).toEqual(['b3', 'b8', 'b30']);
  });

  it('drops those older than maxAgeDays', () => {
    expect(dirs(expiredBackups(backups, { keep: null, maxAgeDays: 7 }, NOW, 'b0'))).toEqual(['b8', 'b30']);
  });

  it('applies both rules together', () => {
    expect(dirs(expiredBackups(backups, { keep: 4, maxAgeDays: 7 }, NOW, 'b0'))).toEqual(['b8', 'b30']);
    expect(dirs(expiredBackups(backups, { keep: 2, maxAgeDays: 20 }, NOW, 'b0'))).toEqual(['b3', 'b8', 'b30']);
  });

  it('keeps everything without a rule', () => {
    expect(expiredBackups(backups, { keep: null, maxAgeDays: null }, NOW, 'b0')).toEqual([]);
  });

  it('never lets the new backup go, even with keep 0, a max age of 0 or a clock that ran backwards', () => {
    const skewed = [...backups, { dir: 'new', createdAt: day(40) }];
    expect(dirs(expiredBackups(skewed, { keep: 0, maxAgeDays: 0 }, NOW, 'new'))).not.toContain('new');
    expect(dirs(expiredBackups(backups, { keep: 0, maxAgeDays: null }, NOW, 'b0'))).toEqual(['b1', 'b3', 'b8', 'b30']);
  });
});
