/**
 * The selected phase: its title and progress, its own content, then each
 * section. Only this phase is rendered, however long the runbook is.
 */
import { memo } from 'react';
import { Blocks } from './blocks/Blocks';
import { Heading } from './blocks/Heading';
import { phaseProgress } from './store/derived';
import { useTeam } from '../team/team-store';
import { useIndex } from './store/selectors';
import { useStore } from './store/store';

export const PhaseView = memo(function PhaseView({ phaseId }: { phaseId: string }) {
  const phase = useIndex().phaseById.get(phaseId);
  if (!phase) return null;
  const empty = phase.blocks.length === 0 && phase.sections.every((section) => section.blocks.length === 0);
  return (
    <article className="phase" data-testid="phase-view" data-phase-id={phase.id} aria-labelledby="phase-title">
      <header className="phase-head">
        <h2 id="phase-title" className="phase-title">
          {phase.title}
        </h2>
        <PhaseStatus phaseId={phase.id} />
      </header>
      <Blocks blocks={phase.blocks} />
      {phase.sections.map((section) => (
        <section key={section.id} className="section" data-section-id={section.id}>
          <Heading depth={section.depth} className="section-title">
            {section.title}
          </Heading>
          <Blocks blocks={section.blocks} />
        </section>
      ))}
      {empty && <p className="muted">This phase has no content.</p>}
    </article>
  );
});

/** done/total for the phase, and a word when the filter leaves nothing to show. */
function PhaseStatus({ phaseId }: { phaseId: string }) {
  const team = useTeam((t) => t.team?.items ?? null);
  const done = useStore((s) => phaseProgress(s.cockpit?.runbook, s.cockpit?.session, team).byPhase.get(phaseId)?.done ?? 0);
  const total = useStore((s) => phaseProgress(s.cockpit?.runbook, s.cockpit?.session, team).byPhase.get(phaseId)?.total ?? 0);
  const uncheckedOnly = useStore((s) => s.uncheckedOnly);
  if (total === 0) return null;
  return (
    <>
      <span className="phase-count" data-testid="phase-view-progress">
        {done} of {total} done
      </span>
      {uncheckedOnly && done === total && (
        <p className="all-done" role="status">
          Every item in this phase is checked.
        </p>
      )}
    </>
  );
}
