/**
 * The one spelling of numbers: the cockpit, the alarm, the CLI, main's
 * messages and the printed report all call these, so a reading, a size or a
 * duration reads the same wherever a person meets it.
 */
import { describe, expect, it } from 'vitest';
import { decimalsFor, formatAxisValue, formatBytes, formatBytesOver, formatDuration, formatNumber, formatSeconds, formatValue } from '../../src/shared/format';

describe('values by unit', () => {
  it('2.004 % reads "2.00 %" everywhere: a value just over a 2 % line never reads as the line itself', () => {
    expect(formatValue(2.004, '%')).toBe('2.00 %');
    expect(formatValue(2, '%')).toBe('2 %');
    expect(formatValue(4.3127, '%')).toBe('4.31 %');
    expect(formatValue(0.5, '%')).toBe('0.50 %');
    expect(formatValue(0, '%')).toBe('0 %');
  });

  it('rounds to the precision of the size, never a raw float', () => {
    expect(formatValue(0.6718346253229978, '%')).toBe('0.67 %');
    expect(formatValue(0.04234, '%')).toBe('0.042 %');
    expect(formatValue(12.34, 'ms')).toBe('12.3 ms');
    expect(formatValue(512.4, 'ms')).toBe('512 ms');
    expect(formatValue(99.96, '%')).toBe('100.0 %');
    expect(formatValue(-0.0004, '%')).toBe('0.00 %');
    expect(formatValue(0.02, '%')).toBe('0.02 %');
    expect(formatValue(1.5, 'req/s')).toBe('1.50 req/s');
    expect(formatValue(0.25, '')).toBe('0.25');
    for (const v of [Math.PI, Math.E / 7, 1 / 3, 123.456789, 0.000123456]) expect(formatNumber(v)).not.toMatch(/\.\d{4,}/);
    expect([1234.5, 12.5, 3.3, 0.05].map(decimalsFor)).toEqual([0, 1, 2, 3]);
  });

  it('large values group their thousands and change to a unit people read', () => {
    expect(formatValue(12_500, 'ms')).toBe('12.5 s');
    expect(formatValue(38 * 86_400 + 5, 's')).toBe('38 d');
    expect(formatValue(3 * 3600 + 20, 's')).toBe('3 h');
    expect(formatValue(12_345.6, 'count')).toBe('12,346');
    expect(formatValue(1234, 'count')).toBe('1234');
    expect(formatValue(2_500_000, 'bytes')).toBe('2.4 MiB');
  });

  it('nothing measured reads as a dash', () => {
    expect(formatValue(null, '%')).toBe('—');
    expect(formatValue(Number.NaN, 'ms')).toBe('—');
    expect(formatValue(Number.POSITIVE_INFINITY, 'ms')).toBe('—');
  });
});

describe('bytes', () => {
  it('one convention, powers of 1024 with their own names; one decimal below 10 of a unit', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(3.4 * 1024 * 1024)).toBe('3.4 MiB');
    expect(formatBytes(41.3 * 1024 * 1024)).toBe('41 MiB');
    expect(formatBytes(10 * 1024 * 1024)).toBe('10 MiB');
    expect(formatBytes(64 * 1024)).toBe('64 KiB');
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB');
    expect(formatBytes(5 * 1024 ** 4)).toBe('5 TiB');
  });

  it('a size just over its limit is said in bytes, so it never reads as the limit', () => {
    expect(formatBytesOver(11 * 1024 * 1024, 10 * 1024 * 1024)).toEqual(['11 MiB', '10 MiB']);
    expect(formatBytesOver(10 * 1024 * 1024 + 1, 10 * 1024 * 1024)).toEqual(['10485761 bytes', '10485760 bytes']);
  });
});

describe('durations', () => {
  it('milliseconds under a second, seconds at their precision, then minutes and hours', () => {
    expect(formatDuration(42.4)).toBe('42 ms');
    expect(formatDuration(1520)).toBe('1.52 s');
    expect(formatDuration(1900)).toBe('1.90 s');
    expect(formatDuration(2000)).toBe('2 s');
    expect(formatDuration(12_345)).toBe('12.3 s');
    expect(formatDuration(59_990)).toBe('1 min');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(3_900_000)).toBe('1 h 05 min');
  });

  it('whole seconds read largest unit first', () => {
    expect(formatSeconds(0)).toBe('0 s');
    expect(formatSeconds(59.9)).toBe('59 s');
    expect(formatSeconds(300)).toBe('5 min');
    expect(formatSeconds(306)).toBe('5 min 6 s');
    expect(formatSeconds(7_500)).toBe('2 h 05 min');
    expect(formatSeconds(3 * 86_400)).toBe('3 d 0 h');
  });
});

describe('axis ticks', () => {
  it('short, without trailing zeros', () => {
    expect([0, 0.25, 0.5, 1].map((v) => formatAxisValue(v, '%'))).toEqual(['0', '0.25', '0.5', '1']);
    expect(formatAxisValue(1500, 'ms')).toBe('1.5s');
    expect(formatAxisValue(25_000, 'count')).toBe('25K');
  });
});
