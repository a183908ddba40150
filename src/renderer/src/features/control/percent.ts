/**
 * Reads the custom percentage an operator types for a flag. A flag write
 * is a production change, so anything that is not plainly a number from 0
 * to 100 is refused here with a sentence saying why, before any call.
 */
export type PercentResult = { ok: true; value: number } | { ok: false; message: string };

export function parsePercent(text: string): PercentResult {
  const trimmed = text.trim().replace(/\s*%$/, '');
  if (trimmed === '') return { ok: false, message: 'Enter a percentage from 0 to 100.' };
  // Number('') is 0 and Number('0x10') is 16: accept plain decimals only.
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(trimmed)) return { ok: false, message: `"${text.trim()}" is not a number: enter a percentage from 0 to 100.` };
  const value = Number(trimmed);
  if (value < 0 || value > 100) return { ok: false, message: `${value}% is out of range: a rollout is between 0 and 100%.` };
  // Two decimals are finer than any bucketing resolves; more is a typo.
  if (/\.\d{3,}$/.test(trimmed)) return { ok: false, message: `${value}% has too many decimals: use at most two.` };
  return { ok: true, value: value === 0 ? 0 : value }; // no "-0"
}
