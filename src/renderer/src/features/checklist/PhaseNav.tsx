/**
 * One button per phase with done/total and a bar. Progress comes from a
 * map computed once per tick for the whole runbook, never per item here.
 */
import { memo } from 'react';
import type { Progress } from './store/derived';
import { ABOUT } from './store/placement';
import { useProgress, useRunbook } from './store/selectors';
import { useStore } from './store/store';

// Module-level so the memoised buttons see the same function every render.
const open = (phaseId: string) => useStore.getState().openPhase(phaseId);

export function PhaseNav() {
  const runbook = useRunbook();
  const progress = useProgress();
  const selected = useStore((s) => (s.search.trim() ? null : s.selectedPhaseId));
  if (!runbook) return null;
  return (
    <div className="phase-nav-wrap">
      {progress.overall.total > 0 && (
        <div className="overall" data-testid="overall-progress">
          <span>Progress</span>
          <span className="count">
            {progress.overall.done}/{progress.overall.total}
          </span>
          <ProgressBar progress={progress.overall} />
        </div>
      )}
      {runbook.preamble.length > 0 && (
        <button type="button" className="nav-btn nav-about" data-testid="about-nav" aria-current={selected === ABOUT ? 'page' : undefined} onClick={() => open(ABOUT)}>
          <span className="nav-title">About</span>
        </button>
      )}
      <nav data-testid="phase-nav" aria-label="Phases">
        {runbook.phases.map((phase) => (
          <PhaseButton key={phase.id} id={phase.id} title={phase.title} progress={progress.byPhase.get(phase.id)} selected={selected === phase.id} onOpen={open} />
        ))}
      </nav>
    </div>
  );
}

const PhaseButton = memo(function PhaseButton({
  id,
  title,
  progress,
  selected,
  onOpen,
}: {
  id: string;
  title: string;
  progress: Progress | undefined;
  selected: boolean;
  onOpen: (id: string) => void;
}) {
  const done = progress?.done ?? 0;
  const total = progress?.total ?? 0;
  const complete = total > 0 && done === total;
  return (
    <button
      type="button"
      className={`nav-btn phase-btn${complete ? ' complete' : ''}`}
      data-testid="phase-button"
      data-phase-id={id}
      aria-current={selected ? 'page' : undefined}
      title={title}
      onClick={() => onOpen(id)}
    >
      <span className="nav-title">{title}</span>
      <span className="count" data-testid="phase-progress">
        {total > 0 ? `${done}/${total}` : '—'}
      </span>
      {total > 0 && <ProgressBar progress={{ done, total }} />}
    </button>
  );
});

function ProgressBar({ progress }: { progress: Progress }) {
  const percent = progress.total > 0 ? Math.round((progress.done / progress.total) * 100) : 0;
  return (
    <span className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done} aria-label={`${progress.done} of ${progress.total} done`}>
      <span className="bar-fill" style={{ width: `${percent}%` }} />
    </span>
  );
}
