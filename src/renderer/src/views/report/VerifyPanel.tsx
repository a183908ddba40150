/**
 * Verification of a report someone sends back: pick or drop its PDF, its
 * evidence bundle, or both; main runs the same checks as `flightdeck
 * verify` and the panel says valid or invalid with every reason. A drop
 * here is stopped before the window's own drop handler, which would open
 * the file as a runbook.
 */
import { useState, type DragEvent } from 'react';
import type { VerifyReportResult } from '../../../../shared/report-bundle';
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
      {result && (
        <div className={`verify-result ${result.ok ? 'verify-valid' : 'verify-invalid'}`} data-testid="verify-result" data-valid={result.ok} role="status">
          <strong>{result.ok ? 'Valid' : 'Invalid'}</strong>
          <p>{result.summary}</p>
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
      )}
    </section>
  );
}
