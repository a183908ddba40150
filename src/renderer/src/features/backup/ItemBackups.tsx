/**
 * The backup controls on the checklist item a backup satisfies ("Database
 * backup created", and "Backup verified (restore test ...)" for the restore
 * test): one row per configured target with a button, a progress bar with
 * bytes, rows or documents and time left, Cancel, and once verified the
 * evidence (size, manifest checksum, location). Main ticks the item when
 * the backups it needs are verified; a failure is said plainly and leaves
 * the item unticked.
 */
import { useState } from 'react';
import type { BackupView } from '../../../../shared/control-model';
import { cancelBackup, startBackup } from './backup-calls';
import { useBackupProgress } from './backup-progress';
import { copyText } from '../checklist/store/commands';
import { useControl } from '../control/control-store';
import { errorText } from '../shell/feedback-slice';
import { formatClock } from '../control/format';
import { formatBytes } from '../../../../shared/format';
import { fractionDone, PHASE_TEXT, progressText } from './format';
import './backup.css';

export function ItemBackups({ itemId }: { itemId: string }) {
  // Null for every item no backup is bound to, so a control change redraws only the bound rows.
  const control = useControl((s) => (s.control && (s.control.restoreTestItemId === itemId || s.control.backups.some((b) => b.itemId === itemId)) ? s.control : null));
  if (!control || control.backups.length === 0) return null;
  const restoreTest = control.restoreTestItemId === itemId;
  const targets = restoreTest ? control.backups : control.backups.filter((b) => b.itemId === itemId);
  if (targets.length === 0) return null;
  return (
    <div className="item-backups" data-testid="item-backups">
      {targets.map((view) => (
        <BackupRow key={view.name} view={view} itemId={itemId} restoreTest={restoreTest} />
      ))}
    </div>
  );
}

function BackupRow({ view, itemId, restoreTest }: { view: BackupView; itemId: string; restoreTest: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const running = view.running;
  const live = useBackupProgress((s) => (running ? s.byAction[running.actionId] : undefined));
  const progress = live ?? running?.progress ?? null;
  const evidence = view.verified && (!restoreTest || view.verified.restoreTested) ? view.verified : null;
  const failed = !running && view.last && view.last.outcome !== 'ok' && view.last.restoreTest === restoreTest ? view.last : null;

  const start = async () => {
    setBusy(true);
    setError(null);
    try {
      await startBackup(view.name, itemId, restoreTest);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const cancel = async () => {
    if (!running) return;
    try {
      await cancelBackup(running.actionId);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const fraction = progress ? fractionDone(progress) : null;
  return (
    <div className="backup-row" data-testid="backup-row" data-backup={view.name} data-state={running ? 'running' : evidence ? 'verified' : failed ? 'failed' : 'idle'}>
      <div className="backup-head">
        <span className="backup-name">
          {view.name} <span className="muted">({view.engine}, {view.source})</span>
        </span>
        {running ? (
          <button type="button" className="btn btn-small" data-testid="backup-cancel" onClick={() => void cancel()}>
            Cancel
          </button>
        ) : (
          <button type="button" className="btn btn-small btn-primary" data-testid="backup-start" disabled={busy} onClick={() => void start()}>
            {restoreTest ? 'Run restore test' : evidence ? 'Take another backup' : 'Take backup'}
          </button>
        )}
      </div>
      {running && (
        <div className="backup-progress" data-testid="backup-progress" aria-live="polite">
          <progress max={1} {...(fraction !== null ? { value: fraction } : {})} aria-label={`Backup of ${view.name}`} />
          <span className="backup-progress-text">
            {progress ? `${PHASE_TEXT[progress.phase]}: ${progressText(progress)}` : 'Starting…'}
          </span>
        </div>
      )}
      {failed && (
        <p className="backup-error" role="alert" data-testid="backup-error">
          {restoreTest ? 'Restore test' : 'Backup'} {failed.outcome === 'failed' ? 'failed' : 'ended unknown'}: {failed.message}
        </p>
      )}
      {error && (
        <p className="backup-error" role="alert" data-testid="backup-error">
          {error}
        </p>
      )}
      {evidence && <Evidence evidence={evidence} restoreTest={restoreTest} />}
    </div>
  );
}

function Evidence({ evidence, restoreTest }: { evidence: NonNullable<BackupView['verified']>; restoreTest: boolean }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (await copyText(evidence.manifestSha256)) setCopied(true);
  };
  return (
    <dl className="backup-evidence" data-testid="backup-evidence">
      <dt>{restoreTest ? 'Restore test passed' : 'Verified'}</dt>
      <dd>
        {formatBytes(evidence.bytes)} in {evidence.files} files, {formatClock(evidence.at)}
        {evidence.by ? ` by ${evidence.by}` : ''}
      </dd>
      <dt>Manifest sha256</dt>
      <dd>
        <code className="mono" title={evidence.manifestSha256} data-testid="backup-checksum" data-sha256={evidence.manifestSha256}>
          {evidence.manifestSha256.slice(0, 12)}…
        </code>{' '}
        <button type="button" className="btn btn-small" data-testid="backup-copy-checksum" onClick={() => void copy()}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </dd>
      <dt>Location</dt>
      <dd>
        <code className="mono" data-testid="backup-location">
          {evidence.location}
        </code>
      </dd>
      <dt>Checks</dt>
      <dd>
        <ul className="backup-checks">
          {evidence.checks.map((check) => (
            <li key={check}>{check}</li>
          ))}
        </ul>
      </dd>
    </dl>
  );
}
