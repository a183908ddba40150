/**
 * Verification of a report someone sends back: pick or drop its PDF, its
 * evidence bundle, or both; main runs the same checks as `flightdeck
 * verify` and the panel gives the same answer: valid and the signer
 * trusted here, signature valid but the signer not trusted (with the
 * fingerprint to pin), or invalid, with every reason. A drop here is
 * stopped before the window's own drop handler, which would open the file
 * as a runbook.
 */
import { useState, type DragEvent } from 'react';
import type { VerifyReportResult, VerifyVerdict as Verdict } from '../../../../shared/report-bundle';
import { verifyFiles } from './finish-calls';

export function VerifyPanel() {
  const [result, setResult] = useState<VerifyReportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const check = async (files: File[]) => {
    if (files.length === 0) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await verifyFiles(files));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    event.stopPropagation();
    void check([...event.dataTransfer.files]);
  };

  return (
    <section className="control-section verify-panel" aria-labelledby="verify-title" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <div className="control-section-head">
        <h3 id="verify-title">Verify a report</h3>
      </div>
      <label className="verify-drop">
        <span>{busy ? 'Checking…' : 'Drop a report PDF and/or its .bundle.json here, or choose files'}</span>
        <input
          type="file"
          multiple
          accept=".pdf,.json,application/pdf,application/json"
          data-testid="verify-input"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            void check(files);
          }}
        />
      </label>
      {error && (
        <p className="control-error" role="alert" data-testid="verify-error">
          {error}
        </p>
      )}
      {result && <VerifyVerdict result={result} />}
    </section>
  );
}

/** The headline of each verdict: the same answer the command line gives with its exit status. */
const HEADLINES: Record<Verdict, string> = {
  valid: 'Valid, signer trusted',
  untrusted: 'Signature valid, signer not trusted',
  invalid: 'Invalid',
  'evidence-missing': 'Evidence missing',
};

function VerifyVerdict({ result }: { result: VerifyReportResult }) {
  const pin = result.details.pin;
  return (
    <div className={`verify-result verify-${result.verdict}`} data-testid="verify-result" data-valid={result.ok} data-verdict={result.verdict} role="status">
      <strong>{HEADLINES[result.verdict]}</strong>
      {result.verdict === 'untrusted' && pin ? (
        <p>
          Signed by {result.details.signer}
          {pin.subject !== result.details.signer ? `, issued by ${pin.subject}` : ''}. Nobody this machine trusts vouches for it. Before you rely on it, ask the
          signer for their certificate and compare its SHA-256 fingerprint:
          <code className="verify-fingerprint" data-testid="verify-fingerprint">
            {pin.fingerprint}
          </code>
        </p>
      ) : (
        <p>{result.summary}</p>
      )}
      {result.problems.length > 0 && (
        <ul>
          {result.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      {result.notes.length > 0 && (
        <ul className="muted">
          {result.notes.map((note) => (
            <li key={note}>{note}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
