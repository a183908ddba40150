/** Sizes, counts and time left as a backup row shows them. */
import type { BackupProgressView } from '../../../../shared/control-model';
import { formatBytes } from '../../../../shared/format';

/** "12.4 MB · 40,000 / 120,000 rows · about 8 s left". */
export function progressText(progress: BackupProgressView): string {
  const parts = [progress.estimatedBytes ? `${formatBytes(progress.bytes)} of about ${formatBytes(progress.estimatedBytes)}` : formatBytes(progress.bytes)];
  if (progress.unit && progress.done !== null) {
    parts.push(`${progress.done.toLocaleString('en-US')}${progress.total !== null ? ` / ${progress.total.toLocaleString('en-US')}` : ''} ${progress.unit}`);
  }
  if (progress.secondsLeft !== null) parts.push(`about ${formatSecondsLeft(progress.secondsLeft)} left`);
  return parts.join(' · ');
}

export function formatSecondsLeft(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.ceil(seconds))} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
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
