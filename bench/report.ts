/**
 * npm run bench:report
 *
 * A session of 1,000 items (ten phases, a sign-off table) and 10,000
 * journal events, recorded with the real Session class, in the shape of a
 * long window: 1,000 ticks and 1,000 notes, 100 flag changes, 20 backups
 * and 20 gate decisions, a rollback, two sign-offs (one with its own key),
 * and commands with 30 output chunks each for the rest, with an hour of
 * recorded metrics. BENCH_ITEMS and BENCH_EVENTS change the size. Then the whole export as the app runs
 * it (build the content, render the print view with Debian Chromium
 * through playwright-core, sign the PDF, make and sign the bundle, write
 * both, journal the export), and the whole verification `flightdeck
 * verify` runs on the session (PDF signature, bundle signatures, the
 * journal's hash chain). Needs the built print view (out/renderer/report.html).
 * The last line is one JSON object: { exportSeconds, verifyMs, pdfBytes,
 * pages, items, events }; the targets are export under 5 s and verify under 200 ms.
 */
import { writeFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { exportReport } from '../src/main/services/report/export-report';
import { ChromiumReportRenderer } from '../src/main/services/report/render-pdf';
import { parseRunbook } from '../src/main/services/runbook/parse';
import { countLineBreaks, decodeSource } from '../src/main/services/runbook/source-text';
import { Session, runbookRef } from '../src/main/services/session/session';
import { SigningIdentities } from '../src/main/services/signing/signing-identity';
import { verifyReport } from '../src/main/services/signing/verify-report';
import { METRICS_FILE } from '../src/main/services/telemetry/metrics-recorder';
import { SecretRedactor } from '../src/main/services/vault/redactor';
import { Vault } from '../src/main/services/vault/vault';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 1_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const PHASES = 10;

function runbookText(): string {
  const lines = ['# Bench Release Runbook', ''];
  for (let p = 0; p < PHASES; p++) {
    lines.push(`## Phase ${p + 1}: step group ${p + 1}`, '');
    for (let i = 0; i < ITEMS / PHASES; i++) lines.push(`- [ ] Check ${p + 1}.${i + 1}: verify the service \`svc-${i % 17}\` reports healthy after change ${p * 100 + i}`);
    lines.push('');
  }
  lines.push('## Sign-Off', '', '| Role | Name | Signature | Date/Time |', '|------|------|-----------|-----------|', '| Release Manager | | | |', '| Engineering Lead | | | |', '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'flightdeck-bench-report-'));
  try {
    const text = runbookText();
    const source = decodeSource(Buffer.from(text, 'utf8'), 'bench.md');
    const doc = parseRunbook(source.text, { name: 'bench.md', path: null, origin: 'import', sha256: source.sha256, bytes: source.bytes, lines: countLineBreaks(source.text) + 1, writable: false });
    if (doc.items.length !== ITEMS) throw new Error(`the bench runbook has ${doc.items.length} items, not ${ITEMS}`);

    const redactor = new SecretRedactor();
    const vault = new Vault({ file: join(root, 'vault.json'), safeStorage: null, platform: process.platform, redactor, scryptN: 2 ** 15 });
    await vault.unlock('bench passphrase');
    const identities = new SigningIdentities(vault);
    await identities.pdfIdentity('Bench Manager'); // the CA and certificate are made once per machine, not per export

    const dir = join(root, 'session');
    const session = Session.create(dir, runbookRef(doc), text, 'bench');
    let events = 1;
    const record: typeof session.record = (type, by, data) => {
      events++;
      return session.record(type, by, data);
    };
    for (const item of doc.items) record('item.ticked', 'bench', { itemId: item.id, checked: true, itemText: item.text });
    // The shape of a long window: most entries are command output; notes, flags, backups and gates are fewer.
    for (const [n, item] of doc.items.entries()) record('item.noted', 'bench', { itemId: item.id, text: `Observation ${n}: latency steady, no errors in the logs.`, itemText: item.text });
    for (let i = 0; i < 100; i++) {
      record('action.started', 'bench', { actionId: `f${i}`, kind: 'flag', title: `Set checkout_v2 to ${i % 100}%`, inputs: { flag: 'checkout_v2', from: '0%', to: `${i % 100}%` } });
      record('action.finished', 'bench', { actionId: `f${i}`, outcome: 'ok', message: `read back ${i % 100}%`, durationMs: 80, readBack: String(i % 100) });
    }
    for (let i = 0; i < 20; i++) {
      record('action.started', 'bench', { actionId: `b${i}`, kind: 'backup', title: 'Backup orders (postgres)', inputs: { target: 'orders' } });
      record('action.finished', 'bench', { actionId: `b${i}`, outcome: 'ok', message: 'verified', durationMs: 3000 });
      record('backup.verified', 'bench', { actionId: `b${i}`, name: 'orders', engine: 'postgres', location: `/backups/${i}`, bytes: 1_048_576, files: 3, manifestSha256: 'cd'.repeat(32), checks: ['pg_restore --list read 12 entries'], itemId: doc.items[i * 40]!.id });
      record('gate.decided', 'bench', { gateId: `gate-${i}`, phaseId: null, decision: 'go', reason: '', criteria: [{ id: 'c1', text: 'Error rate < 1%', line: 3, source: 'measured', status: 'pass', value: 0.4, evidence: 'error_rate 0.4 % (mean of 5 min)' }] });
    }
    for (let i = 0; events < EVENTS - 4; i++) {
      record('action.started', 'bench', { actionId: `c${i}`, kind: 'command', title: 'kubectl rollout status deploy/shop', inputs: { argv: '["kubectl","rollout","status","deploy/shop"]' } });
      for (let chunk = 0; chunk < 30 && events < EVENTS - 5; chunk++) record('action.output', 'bench', { actionId: `c${i}`, stream: 'stdout', text: `Waiting for deployment "shop" rollout to finish: ${chunk} of 30 updated replicas are available...\n` });
      record('action.finished', 'bench', { actionId: `c${i}`, outcome: 'ok', message: 'exit 0', durationMs: 1200 });
    }
    record('rollback.started', 'bench', { runId: 'r1', plan: 'flag-off', steps: ['flag to 0%'], confirmation: 'held 1.5 s', pressedAt: new Date().toISOString() });
    record('rollback.finished', 'bench', { runId: 'r1', outcome: 'ok', message: 'healthy', pressToVerifiedMs: 2100 });
    record('signoff.recorded', 'bench', { signoffId: doc.signoffs[0]!.id, role: doc.signoffs[0]!.role, name: 'Bench Manager', publicKey: null });
    record('signoff.recorded', 'bench', { signoffId: doc.signoffs[1]!.id, role: doc.signoffs[1]!.role, name: 'Bench Lead', publicKey: identities.signerKey('Bench Lead', { create: true })!.publicKey });

    // An hour of recorded metrics, four series at 10 s.
    const start = Date.parse(session.state.startedAt) - 3600_000;
    const lines: string[] = [];
    for (let t = 0; t < 360; t++) {
      for (const metric of ['error_rate', 'latency_p95', 'cache_hit_rate', 'db_connections']) {
        lines.push(JSON.stringify({ ts: new Date(start + t * 10_000).toISOString(), series: `shop/${metric}`, metric, value: 1 + Math.sin(t / 20) }));
      }
    }
    writeFileSync(join(dir, METRICS_FILE), `${lines.join('\n')}\n`);

    const renderer = new ChromiumReportRenderer({ rendererDir: join(__dirname, '..', 'out', 'renderer') });
    const began = performance.now();
    const exported = await exportReport({ sessionDir: dir, doc, journal: session, identities, renderer, redactor, environment: 'bench', paper: 'a4', by: 'Bench Manager' });
    const exportSeconds = (performance.now() - began) / 1000;
    session.close();

    const known = [await identities.localCaCertificatePem()];
    await verifyReport(exported.pdf, { knownCertificates: known }); // warm the code paths once
    const runs: number[] = [];
    let ok = true;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const result = await verifyReport(dir, { knownCertificates: known });
      runs.push(performance.now() - t0);
      ok &&= result.ok;
      if (!result.ok) console.error(result.problems.join('\n'));
    }
    runs.sort((a, b) => a - b);
    const pdfBytes = exported.pdfBytes;
    const pages = (await PDFDocument.load(await import('node:fs').then((fs) => fs.readFileSync(exported.pdf)), { updateMetadata: false })).getPageCount();
    console.log(`export: ${exportSeconds.toFixed(2)} s for ${ITEMS} items and ${exported.entries} journal entries; verify (median of 5): ${runs[2]!.toFixed(1)} ms, ${ok ? 'valid' : 'INVALID'}`);
    console.log(JSON.stringify({ exportSeconds: Number(exportSeconds.toFixed(2)), verifyMs: Number(runs[2]!.toFixed(1)), pdfBytes, pages, items: ITEMS, events: exported.entries, valid: ok }));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
