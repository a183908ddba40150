/**
 * Finish: the end of the window. The sign-off table the runbook asks for
 * (role, name, date, and whether the person signed with their own key), the
 * signed report's export with its paper size and result, the local CA
 * certificate an organisation installs to trust these reports, and the
 * verification of a report someone sends back.
 *
 * The exported PDF is shown by its path and sha256, not offered as a
 * download: browser mode's bridge carries contract calls and the app's own
 * files only, and a file-serving endpoint would widen it for little gain
 * (the report is already on this machine's disk).
 */
import { useState, type FormEvent } from 'react';
import type { ExportResult, FinishState, PaperSize } from '../../../../shared/report-model';
import { formatWhen } from '../../lib/format-time';
import { copyText } from '../checklist/store/commands';
import { exportReport, recordSignoff, trustCertificate, useFinish } from './finish-calls';
import { VerifyPanel } from './VerifyPanel';
import './finish.css';

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function FinishPanel() {
  const [finish, setFinish] = useFinish();
  if (!finish) return null;
  return (
    <section className="control-panel finish-panel" data-testid="finish-panel" aria-labelledby="finish-title">
      <h2 id="finish-title" className="panel-title">
        Finish
      </h2>
      {finish.open || finish.signoffs.length > 0 ? <SignoffTable finish={finish} onChange={setFinish} /> : <p className="muted">Open a runbook to collect sign-offs.</p>}
      {finish.open && <ExportBox exports={finish.exports} />}
      <TrustCertificate />
      <VerifyPanel />
    </section>
  );
}

function SignoffTable({ finish, onChange }: { finish: FinishState; onChange: (state: FinishState) => void }) {
  const unsigned = finish.roles.filter((r) => !finish.signoffs.some((s) => s.role === r.role && s.name !== null));
  const [role, setRole] = useState('');
  const [name, setName] = useState('');
  const [ownKey, setOwnKey] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const chosenRole = role || unsigned[0]?.role || finish.roles[0]?.role || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onChange(await recordSignoff(chosenRole, name, ownKey));
      setName('');
      setRole('');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="control-section" aria-labelledby="signoff-title">
      <div className="control-section-head">
        <h3 id="signoff-title">Sign-off</h3>
      </div>
      {finish.signoffs.length > 0 && (
        <table className="signoff-table" data-testid="signoff-table">
          <thead>
            <tr>
              <th>Role</th>
              <th>Name</th>
              <th>Date</th>
              <th>Signed</th>
            </tr>
          </thead>
          <tbody>
            {finish.signoffs.map((row, i) => (
              <tr key={`${row.role}-${i}`} data-signed={row.name !== null}>
                <td>{row.role}</td>
                <td>{row.name ?? <span className="muted">not signed</span>}</td>
                <td>{row.at ? <time dateTime={row.at}>{formatWhen(row.at)}</time> : '—'}</td>
                <td title={row.keyFingerprint ?? undefined}>{row.name === null ? '' : row.keyFingerprint ? 'own key' : 'recorded'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {finish.open && (
        <form className="signoff-form" onSubmit={(e) => void submit(e)}>
          {finish.roles.length > 0 ? (
            <select aria-label="Role" data-testid="signoff-role" value={chosenRole} onChange={(e) => setRole(e.target.value)}>
              {[...new Set(finish.roles.map((r) => r.role))].map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          ) : (
            <input aria-label="Role" data-testid="signoff-role" placeholder="Role" value={role} onChange={(e) => setRole(e.target.value)} />
          )}
          <input aria-label="Name" data-testid="signoff-name" placeholder="Name" value={name} onChange={(e) => setName(e.target.value)} />
          <label className="signoff-own-key" title="Signs the evidence bundle with this person's own Ed25519 key on this machine (kept in the vault, made on first use).">
            <input type="checkbox" data-testid="signoff-own-key" checked={ownKey} onChange={(e) => setOwnKey(e.target.checked)} /> Sign with my own key
          </label>
          <button type="submit" className="btn btn-small" data-testid="signoff-submit" disabled={busy || name.trim() === '' || chosenRole.trim() === ''}>
            Sign
          </button>
        </form>
      )}
      {error && (
        <p className="control-error" role="alert" data-testid="signoff-error">
          {error}
        </p>
      )}
    </section>
  );
}

function ExportBox({ exports }: { exports: FinishState['exports'] }) {
  const [paper, setPaper] = useState<PaperSize>('a4');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ExportResult | null>(null);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await exportReport(paper));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="control-section" aria-labelledby="export-title">
      <div className="control-section-head">
        <h3 id="export-title">Completion report</h3>
      </div>
      <div className="export-row">
        <select aria-label="Paper size" data-testid="report-paper" value={paper} onChange={(e) => setPaper(e.target.value as PaperSize)}>
          <option value="a4">A4</option>
          <option value="letter">US Letter</option>
        </select>
        <button type="button" className="btn" data-testid="report-export" disabled={busy} onClick={() => void run()}>
          {busy ? 'Exporting…' : 'Export signed report'}
        </button>
      </div>
      <p className="muted">Signed with the certificate and keys in the vault: unlock it first.</p>
      {error && (
        <p className="control-error" role="alert" data-testid="report-error">
          {error}
        </p>
      )}
      {result && (
        <dl className="export-result" data-testid="report-result">
          <dt>PDF</dt>
          <dd className="mono" data-testid="report-pdf-path">
            {result.pdf}
          </dd>
          <dt>Bundle</dt>
          <dd className="mono">{result.bundle}</dd>
          <dt>sha256</dt>
          <dd className="mono" data-testid="report-sha256">
            {result.pdfSha256}
          </dd>
          <dt>Covers</dt>
          <dd>
            {result.entries} journal entries, signed by {result.signer}
            {result.signedBy.length > 0 ? `; own keys: ${result.signedBy.join(', ')}` : ''}
          </dd>
        </dl>
      )}
      {exports.length > 0 && (
        <ul className="export-list" aria-label="Reports exported in this session">
          {exports.map((e) => (
            <li key={e.pdf} title={`sha256 ${e.pdfSha256}`}>
              {formatWhen(e.at)} · <span className="mono">{e.pdf}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function TrustCertificate() {
  const [pem, setPem] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const show = async () => {
    setError(null);
    try {
      setPem((await trustCertificate()).pem);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <section className="control-section" aria-labelledby="trust-title">
      <div className="control-section-head">
        <h3 id="trust-title">Trust certificate</h3>
        <button type="button" className="btn btn-small" data-testid="trust-show" onClick={() => void (pem ? copyText(pem) : show())}>
          {pem ? 'Copy' : 'Show'}
        </button>
      </div>
      <p className="muted">The local certificate authority that signs these reports: give it to whoever should trust them (flightdeck verify --trust FILE).</p>
      {pem && (
        <textarea className="mono trust-pem" readOnly rows={6} value={pem} aria-label="Local CA certificate (PEM)" data-testid="trust-pem" />
      )}
      {error && (
        <p className="control-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
