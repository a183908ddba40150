/**
 * Reads the thresholds of one table row with the help of its header.
 *
 * Tables state limits in three ways, all in the corpus:
 * - the metric in the row, limits in columns ("| Error Rate | < 0.2% | > 1% |"
 *   under "| Metric | Target | Alert Threshold |");
 * - the metric in the column header ("| High error spike | >1% | >5s |"
 *   under "| Trigger | Error Rate | Latency |"), its unit sometimes too
 *   ("| API p95 (ms) |");
 * - a whole sentence in one cell ("| Error rate < 1% | ☐ YES ☐ NO |").
 *
 * Columns that hold measurements ("Actual", "Current", "Status", "Baseline")
 * are never read as limits. A column of durations ("For", "Duration",
 * "Window", "Measurement": "5m", "Last 48 hours") gives the row's hold time.
 * A column named for a band ("Warning", "Critical") gives its severity.
 */
import type { Threshold } from '../../../shared/runbook-model';
import { dedupe, extractThresholds } from './thresholds';
import { findDurations, secondsPerUnit, toNumber } from './threshold-quantities';
import { findMentions, severityIn } from './threshold-vocabulary';

/** "Current" is read only where it holds limits ("| Error rate | 0.1% - 1% | Prepare for rollback |"). */
const CURRENT = /^(?:current|now|aktuell|actuel|текущ\w*|当前\w*)\b/iu;
const LIMIT_SHAPED = /^\s*(?:[<>≤≥]|\d[\d.,]*\s*\S*\s*[-–]\s*\d)/u;
const MEASURED = /^(?:actual|actuals|status|state|estado|statut|état|ist|aktuell|текущ\w*|статус|实际\w*|当前\w*|状态|measured|observed|result|results|baseline|before|after|value now)\b/iu;
const DURATION_COLUMN = /^(?:for|duration|window|sustained|hold|measurement|measured over|период|持续时间|时长|durée|duración|dauer)\b/iu;
/** A header unit in parentheses: "API p95 (ms)", "Error rate (%)". */
const HEADER_UNIT = /\((ms|s|sec|seconds|%|percent|minutes|min)\)/i;

interface Column {
  header: string;
  measured: boolean;
  current: boolean;
  duration: boolean;
  /** The header names a metric: its cells are values of that metric. */
  metric: boolean;
  unit: string | null;
}

function columnsOf(header: readonly string[]): Column[] {
  return header.map((raw) => {
    const h = raw.replace(/[*_`]/g, '').trim();
    return {
      header: h,
      measured: MEASURED.test(h),
      current: CURRENT.test(h),
      duration: DURATION_COLUMN.test(h),
      metric: findMentions(h).length > 0,
      unit: HEADER_UNIT.exec(h)?.[1] ?? null,
    };
  });
}

/** "5m", "10 minutes", "Last 48 hours at 100% traffic": a cell's duration in seconds. */
function durationOf(cell: string): number | undefined {
  const spoken = findDurations(cell)[0];
  if (spoken) return spoken.seconds;
  const bare = /^\s*(\d+(?:\.\d+)?)\s*([a-z\u0400-\u04FF\u4e00-\u9fff]+)\s*$/iu.exec(cell);
  const per = bare ? secondsPerUnit(bare[2]!) : null;
  return per !== null && per >= 1 ? toNumber(bare![1]!) * per : undefined;
}

/** Every threshold one table row states. */
export function tableRowThresholds(header: readonly string[], cells: readonly string[], line: number, itemId: string | null): Threshold[] {
  const columns = columnsOf(header);
  const labelIndex = cells.findIndex((c, i) => !columns[i]?.measured && /\p{L}/u.test(c) && !/^[\d.\s]+$/.test(c));
  const label = labelIndex >= 0 ? cells[labelIndex]!.replace(/[*_`]/g, '').trim() : '';
  const labelNamesMetric = findMentions(label).length > 0;
  const labelUnit = HEADER_UNIT.exec(label)?.[1] ?? null;
  // The row as one line, as before the header was read: trigger ids and profile matches use this text.
  const rowText = cells.filter(Boolean).join(': ');
  const found: Threshold[] = [];
  let forSeconds: number | undefined;
  cells.forEach((raw, i) => {
    const column = columns[i];
    const cell = raw.trim();
    if (!column || column.measured || !/\d/.test(cell)) return;
    if (column.current && !LIMIT_SHAPED.test(cell)) return;
    if (column.duration) {
      forSeconds = durationOf(cell);
      return;
    }
    if (i === labelIndex) {
      for (const t of extractThresholds({ text: cell, line, itemId })) found.push({ ...t, text: rowText });
      return;
    }
    const headerUnit = column.unit ?? labelUnit;
    const unit = headerUnit && /^[^\d]*[\d.,]+\s*$/.test(cell) ? ` ${headerUnit}` : '';
    const own = findMentions(cell).length > 0;
    // The unit moves from "(ms)" onto the value, so the label reads as plain words.
    const plain = (text: string) => text.replace(HEADER_UNIT, '').trim();
    const context = own ? (labelNamesMetric ? '' : `${plain(label)}: `) : column.metric ? `${plain(column.header)}: ` : label ? `${plain(label)}: ` : '';
    if (!own && context === '') return;
    const band = severityIn(column.header);
    for (const t of extractThresholds({ text: `${context}${cell}${unit}`, line, itemId })) {
      if (band && !t.severity) t.severity = band;
      found.push({ ...t, text: rowText });
    }
  });
  if (forSeconds !== undefined) for (const t of found) t.forSeconds ??= forSeconds;
  return dedupe(found);
}
