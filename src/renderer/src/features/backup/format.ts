/** A backup row's progress in words; sizes, counts and time left are spelled by the shared format module. */
import type { BackupProgressView } from '../../../../shared/control-model';
import { formatBytes, formatSeconds, formatValue } from '../../../../shared/format';

/** "12.4 MiB · 40,000 / 120,000 rows · about 8 s left". */
export function progressText(progress: BackupProgressView): string {
  const parts = [progress.estimatedBytes ? `${formatBytes(progress.bytes)} of about ${formatBytes(progress.estimatedBytes)}` : formatBytes(progress.bytes)];
  if (progress.unit && progress.done !== null) {
    parts.push(`${formatValue(progress.done, 'count')}${progress.total !== null ? ` / ${formatValue(progress.total, 'count')}` : ''} ${progress.unit}`);
  }
  if (progress.secondsLeft !== null) parts.push(`about ${formatSecondsLeft(progress.secondsLeft)} left`);
  return parts.join(' · ');
}

/** Rounded up, and never "0 s" while something is still left. */
export function formatSecondsLeft(seconds: number): string {
  return formatSeconds(Math.max(1, Math.ceil(seconds)));
}

/** What fraction is done, for the bar: rows or documents when counted, else bytes against the estimate. */
export function fractionDone(progress: BackupProgressView): number | null {
  if (progress.done !== null && progress.total) return Math.min(1, progress.done / progress.total);
  if (progress.estimatedBytes) return Math.min(1, progress.bytes / progress.estimatedBytes);
  return null;
}

export const PHASE_TEXT: Record<BackupProgressView['phase'], string> = {
  estimating: 'Estimating size',
  dumping: 'Dumping',
  verifying: 'Verifying',
  'restore-test': 'Restore test',
  finishing: 'Writing the manifest',
};
