/**
 * Numbers as people read them, one rule for the cockpit, the CLI, main's
 * messages and the printed report: a value with its unit, a size in bytes,
 * a duration. Built on Intl (en-US, so a report reads the same on every
 * machine), free of Node imports so the renderer can use it too.
 *
 * The precision of a value follows its size: whole from 100 up, one
 * decimal from 10, two below 10 and up to three below 0.1, so no reading prints
 * as 0.6718346253229978. Whole numbers print bare ("2 %"); any other value
 * keeps its trailing zeros ("2.00 %" for 2.004), so a reading just past a
 * 2 % line never looks like the line itself.
 */

const formatters = new Map<string, Intl.NumberFormat>();

/** Intl formatters are costly to build and graphs format on every redraw: one per digit count. */
function numberFormat(minDigits: number, maxDigits: number): Intl.NumberFormat {
  const key = `${minDigits}-${maxDigits}`;
  let format = formatters.get(key);
  if (!format) {
    // 'min2': 1234 stays 1234, 12,345 is grouped.
    format = new Intl.NumberFormat('en-US', { minimumFractionDigits: minDigits, maximumFractionDigits: maxDigits, useGrouping: 'min2' } as Intl.NumberFormatOptions);
    formatters.set(key, format);
  }
  return format;
}

/** Decimals a value of this size is worth printing (see the module comment). */
export function decimalsFor(value: number): number {
  const abs = Math.abs(value);
  if (abs >= 100) return 0;
  if (abs >= 10) return 1;
  if (abs >= 0.1 || abs === 0) return 2;
  return 3;
}

/** A bare number at the precision of its size: "2.00", "12.3", "312", "12,345". */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return '—';
  if (Number.isInteger(value)) return numberFormat(0, 0).format(value);
  const digits = decimalsFor(value);
  // Below 0.1 a third decimal is kept only when it says something: "0.02", "0.042".
  const text = numberFormat(Math.min(digits, 2), digits).format(value);
  // -0.001 at two decimals is "-0.00": a sign on nothing.
  return /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
}

/**
 * A reading with its unit: "4.31 %", "2.00 %", "312 ms", "12.3 s", "38 d",
 * "1.5 MiB", "—" when nothing could be measured. Milliseconds from 10 s up
 * read as seconds; seconds from two days up as whole days, from two hours
 * up as whole hours (a certificate's "38 d", not "3,283,200 s").
 */
export function formatValue(value: number | null | undefined, unit: string | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  switch (unit) {
    case '%':
      return `${formatNumber(value)} %`;
    case 'ms':
      return Math.abs(value) >= 10_000 ? `${formatNumber(value / 1000)} s` : `${formatNumber(value)} ms`;
    case 's':
      if (Math.abs(value) >= 2 * 86_400) return `${Math.floor(value / 86_400)} d`;
      if (Math.abs(value) >= 2 * 3600) return `${Math.floor(value / 3600)} h`;
      return `${formatNumber(value)} s`;
    case 'bytes':
      return formatBytes(value);
    case 'count':
      return numberFormat(0, 0).format(Math.round(value));
    case '':
    case null:
    case undefined:
      return formatNumber(value);
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

/**
 * A reading shown beside the line it is judged against: as formatValue
 * says it, with more decimals only where rounding would put it on the line
 * or on its other side ("1.004 %" against "> 1 %", never "1.00 %"), so a
 * value and its line never seem to contradict each other.
 */
export function formatValueAgainst(value: number | null | undefined, unit: string | null | undefined, line: number | null | undefined): string {
  const plain = formatValue(value, unit);
  if (value === null || value === undefined || line === null || line === undefined || !Number.isFinite(value) || !Number.isFinite(line)) return plain;
  // Only where formatValue prints the number itself in the line's own unit.
  const bare = unit === '%' || unit === '' || unit === null || unit === undefined || (unit === 'ms' && Math.abs(value) < 10_000) || (unit === 's' && Math.abs(value) < 7200) || (unit !== 'bytes' && unit !== 'count' && unit !== 'ms' && unit !== 's');
  if (!bare) return plain;
  const side = Math.sign(value - line);
  const withUnit = (text: string) => (unit ? `${text} ${unit}` : text);
  for (let digits = decimalsFor(value); digits <= 6; digits++) {
    const text = numberFormat(digits, digits).format(value);
    if (Math.sign(Number(text.replace(/,/g, '')) - line) === side) return digits === decimalsFor(value) ? plain : withUnit(text);
  }
  return withUnit(String(value));
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * A size in bytes, in powers of 1024 with their own names ("812 B",
 * "3.4 MiB", "41 MiB", "10 MiB"): the limits Flightdeck states are powers
 * of two, and read exactly; one decimal below 10 of a unit, whole above.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${numberFormat(0, 0).format(Math.round(value))} B`;
  const digits = Math.abs(value) < 10 && !Number.isInteger(value) ? 1 : 0;
  const text = numberFormat(digits, digits).format(value);
  // 1023.96 KiB rounds to "1,024 KiB": say "1 MiB" instead.
  if (text.replace(/,/g, '') === '1024' && unit < BYTE_UNITS.length - 1) return `1 ${BYTE_UNITS[unit + 1]}`;
  return `${text} ${BYTE_UNITS[unit]}`;
}

/**
 * A size and the limit it broke, as a pair: "11 MiB" and "10 MiB", but in
 * bytes when the size rounds to the limit ("10485761 bytes" against
 * "10485760 bytes"), so a refusal never reads "is 10 MiB; up to 10 MiB".
 */
export function formatBytesOver(size: number, limit: number): [size: string, limit: string] {
  const [is, max] = [formatBytes(size), formatBytes(limit)];
  // "1.0 MiB" and "1 MiB" read the same to a person.
  const plain = (text: string) => text.replace(/\.0 /, ' ');
  return plain(is) === plain(max) ? [`${size} bytes`, `${limit} bytes`] : [is, max];
}

/**
 * A duration measured in milliseconds: "42 ms", "1.52 s", "12.3 s",
 * "2 min 5 s", "1 h 05 min". Under a minute it keeps the precision of its
 * size, to compare one rollback with another; from a minute up, whole
 * seconds as formatSeconds says them.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (Math.abs(ms) < 1000) return `${Math.round(ms)} ms`;
  if (Math.abs(ms) < 59_950) return `${formatNumber(ms / 1000)} s`;
  return formatSeconds(Math.round(ms / 1000));
}

/** Whole seconds, the largest units first: "45 s", "5 min 3 s", "2 h 05 min", "3 d 4 h". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest === 0 ? `${Math.floor(s / 60)} min` : `${Math.floor(s / 60)} min ${rest} s`;
  }
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)} d ${hours % 24} h`;
  return `${hours} h ${String(minutes).padStart(2, '0')} min`;
}

/** A value-axis tick, short: "0.25", "312", "1.5s" for milliseconds, "12K" from 10,000 up. */
export function formatAxisValue(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '';
  if (unit === 'ms' && value >= 1000) return `${axisNumber(value / 1000)}s`;
  if (Math.abs(value) >= 10_000) return compact.format(value);
  return axisNumber(value);
}

/** Ticks are round numbers: their trailing zeros say nothing ("0.5", not "0.50"). */
function axisNumber(value: number): string {
  return numberFormat(0, decimalsFor(value)).format(value);
}

const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

const pad2 = (n: number) => String(n).padStart(2, '0');

/** "02:14", or "02:14:07" with seconds: a clock time as an operator reads it mid-window (local, 24-hour, no locale surprises). */
export function clockTime(at: Date, withSeconds = false): string {
  const hm = `${pad2(at.getHours())}:${pad2(at.getMinutes())}`;
  return withSeconds ? `${hm}:${pad2(at.getSeconds())}` : hm;
}

/** "02:14" from a Date or an ISO time, for words main and the renderer both say; the input as given when it is not a time. */
export function formatClock(at: Date | string): string {
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return String(at);
  return clockTime(d);
}
