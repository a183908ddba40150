/**
 * "Review and trust": everything the runbook and its profile would do, on
 * one screen, grouped as the manifest is: hosts in full with the secrets
 * sent to each (by name), programs with their argv verbatim, flags, plans,
 * automatic actions in red, restores. What changed since the last approval
 * comes first. Approving is a deliberate hold, as the rollback is, and
 * approves exactly the manifest shown (its hash); main refuses it if the
 * files changed in between.
 */
import { useState } from 'react';
import { MANIFEST_SECTION_TITLES, manifestLines, type ManifestChange, type TrustView } from '../../../../shared/trust-model';
import { ControlModal } from '../control/ControlModal';
import { HoldButton } from '../control/HoldButton';
import { approveTrust } from './trust-calls';

interface Props {
  trust: TrustView;
  onClose: () => void;
}

const SECTIONS = Object.keys(MANIFEST_SECTION_TITLES) as Array<ManifestChange['section']>;

export function TrustDialog({ trust, onClose }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const lines = manifestLines(trust.manifest);
  const review = trust.state === 'untrusted' || trust.state === 'changed';
  return (
    <ControlModal title={review ? 'Review and trust this runbook' : 'What this runbook may do'} testId="trust-dialog" onClose={onClose} className="trust-dialog">
      <p className="trust-subject">
        <span className="trust-label">Approval for</span> <code>{trust.subject ?? 'this runbook'}</code>
      </p>
      {trust.changes.length > 0 && (
        <section className="trust-changes" data-testid="trust-changes" aria-label="Changed since the approval">
          <h3>Changed since {trust.approvedBy ?? 'the last'} approved it</h3>
          <ul>
            {trust.changes.map((c, i) => (
              <li key={i} className={`trust-change trust-change-${c.change}`}>
                <span className="trust-change-sign" aria-label={c.change}>
                  {c.change === 'added' ? '+' : '−'}
                </span>{' '}
                <span className="trust-change-section">{MANIFEST_SECTION_TITLES[c.section]}:</span> <code>{c.text}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      <div className="trust-manifest" data-testid="trust-manifest">
        {SECTIONS.map((section) => {
          const entries = lines.filter((l) => l.section === section);
          return (
            <section key={section} className={`trust-section${section === 'automatic' && entries.length > 0 ? ' trust-automatic' : ''}`} data-section={section}>
              <h3>
                {MANIFEST_SECTION_TITLES[section]}
                {section === 'automatic' && entries.length > 0 && <span className="trust-warning"> — these act with no one pressing anything</span>}
              </h3>
              {entries.length === 0 ? (
                <p className="trust-none">None.</p>
              ) : (
                <ul>
                  {entries.map((l, i) => (
                    <li key={i}>
                      <code>{l.text}</code>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </div>
      <p className="trust-hash">
        Manifest <code>{trust.hash.slice(0, 16)}…</code>. Secrets are released only to destinations their own vault entry allows, whatever this says.
      </p>
      {review && (
        <div className="trust-approve">
          <HoldButton
            key={attempt}
            label="Hold to trust"
            doneLabel="Trusting…"
            testId="trust-hold"
            onConfirm={() => {
              setError(null);
              approveTrust(trust.hash)
                .then(onClose)
                .catch((e: unknown) => {
                  setError(e instanceof Error ? e.message : String(e));
                  setAttempt((n) => n + 1);
                });
            }}
          />
          {error && (
            <p className="trust-error" role="alert" data-testid="trust-error">
              {error}
            </p>
          )}
        </div>
      )}
    </ControlModal>
  );
}
