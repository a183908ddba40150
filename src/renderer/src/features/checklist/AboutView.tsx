/** The runbook's preamble: title block, intro and status lines before the first phase. */
import { Blocks } from './blocks/Blocks';
import { useRunbook } from './store/selectors';

export function AboutView() {
  const runbook = useRunbook();
  if (!runbook) return null;
  return (
    <article className="phase about" data-testid="about-view" aria-labelledby="about-title">
      <header className="phase-head">
        <h2 id="about-title" className="phase-title">
          About this runbook
        </h2>
      </header>
      <Blocks blocks={runbook.preamble} />
    </article>
  );
}
