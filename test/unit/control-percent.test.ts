/** The custom percentage field: only 0 to 100 reaches setFlag, anything else is explained. */
import { describe, expect, it } from 'vitest';
import { parsePercent } from '../../src/renderer/src/features/control/percent';

describe('flag percentage validation', () => {
  it('accepts 0 to 100, with an optional % sign, spaces and up to two decimals', () => {
    expect(parsePercent('0')).toEqual({ ok: true, value: 0 });
    expect(parsePercent(' 25 ')).toEqual({ ok: true, value: 25 });
    expect(parsePercent('100%')).toEqual({ ok: true, value: 100 });
    expect(parsePercent('12.5 %')).toEqual({ ok: true, value: 12.5 });
    expect(parsePercent('0.29')).toEqual({ ok: true, value: 0.29 });
    expect(parsePercent('-0')).toEqual({ ok: true, value: 0 });
  });

  it('refuses 150 and negative values with a message that says the range', () => {
    const high = parsePercent('150');
    expect(high.ok).toBe(false);
    if (!high.ok) expect(high.message).toBe('150% is out of range: a rollout is between 0 and 100%.');
    const low = parsePercent('-5');
    expect(low.ok).toBe(false);
    if (!low.ok) expect(low.message).toMatch(/-5% is out of range/);
    expect(parsePercent('100.01').ok).toBe(false);
  });

  it('refuses what JavaScript would quietly turn into a number', () => {
    for (const text of ['', '   ', '0x10', '1e2', 'Infinity', 'NaN', '50abc', '5 0', '50%%', '.']) {
      const result = parsePercent(text);
      expect(result.ok, text).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/percentage from 0 to 100/);
    }
  });

  it('refuses more than two decimals', () => {
    const result = parsePercent('33.333');
    expect(result).toEqual({ ok: false, message: '33.333% has too many decimals: use at most two.' });
  });
});
