import { useStore } from '../checklist/store/store';

/**
 * Where live capability will sit once a deployment profile describes it.
 * Deliberately empty: no sample graphs, no dummy buttons, nothing an
 * operator could mistake for a real reading or a real control.
 */
export function TelemetryPlaceholder({ note = null }: { note?: string | null }) {
  const trust = useStore((s) => s.cockpit?.trust?.state ?? null);
  const inReview = trust === 'untrusted' || trust === 'changed';
  return (
    <section className="panel placeholder" data-testid="telemetry-placeholder" aria-labelledby="telemetry-title">
      <h2 id="telemetry-title" className="panel-title">
        Live health &amp; metrics
      </h2>
      <p className="placeholder-text">
        {inReview
          ? 'Review mode: no probe runs until you trust what this runbook would do, so there is nothing to show yet.'
          : 'Graphs and health lights appear here when a deployment profile configures probes.'}
      </p>
      {note && <p className="placeholder-text">{note}</p>}
    </section>
  );
}

/** `detail` says why controls are absent when that is worth knowing (the control state failed to load). */
export function ControlsPlaceholder({ detail }: { detail?: string } = {}) {
  return (
    <section className="panel placeholder" data-testid="controls-placeholder" aria-labelledby="controls-title">
      <h2 id="controls-title" className="panel-title">
        Controls
      </h2>
      <p className="placeholder-text">Feature flags, backups and the rollback button appear here when the profile defines them.</p>
      {detail && (
        <p className="placeholder-text placeholder-detail" role="status">
          {detail}
        </p>
      )}
    </section>
  );
}
