/**
 * The printed report reads cleanly: a session with gate decisions (pass,
 * fail, unknown), triggers, a baseline and a flag ramp, all carrying the
 * raw floats the probes measure, is exported with `flightdeck report`
 * through the real Chromium, and pdftotext -layout shows every word of the
 * gate and event tables whole ("fail", never "fa" over "il"), no number
 * with more decimals than its unit is worth, and the session folder's own
 * name as the session id.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/main/cli/report-commands';
import { compareWithBaseline } from '../../src/main/services/gates/tolerance';
import { RunbookLoader } from '../../src/main/services/runbook/runbook-loader';
import { Session, runbookRef } from '../../src/main/services/session/session';
import { METRICS_FILE } from '../../src/main/services/telemetry/metrics-recorder';
import { Vault } from '../../src/main/services/vault/vault';
import { VAULT_FILE_NAME } from '../../src/main/services/vault/vault-file';
import { formatValue } from '../../src/shared/format';
import { tempDir } from '../support/app';
import { captureIo } from '../support/cli';
import { testParser } from '../support/parser';

const RENDERER = join(__dirname, '..', '..', 'out', 'renderer');
const PASSPHRASE = 'layout passphrase for the report test';
/** A session folder as the app names it: stamp, random part, runbook slug. */
const SESSION_NAME = '20260112-020000-4f9a1c-shop-checkout-release';
const START = Date.UTC(2026, 0, 12, 2, 0, 0);

/** Words of the gate and event tables that a narrow column used to break inside. */
const TABLE_WORDS = ['pass', 'fail', 'unknown', 'baseline', 'captured', 'trigger', 'fired', 'acknowledged', 'automatic', 'rollback', 'cancelled', 'criterion', 'answered', 'cleared'];

describe('the printed report keeps words whole and numbers at their precision', () => {
  const home = tempDir('flightdeck-layout-home-');
  const work = tempDir('flightdeck-layout-work-');
  const sessionDir = join(work.path, SESSION_NAME);
  const out = join(work.path, 'layout-report.pdf');
  const env = { FLIGHTDECK_HOME: home.path, FLIGHTDECK_VAULT_PASSPHRASE: PASSPHRASE, USER: 'ana' };
  let text: string;

  beforeAll(async () => {
    expect(existsSync(join(RENDERER, 'report.html')), 'out/renderer/report.html is missing: run `npx electron-vite build`').toBe(true);
    const vault = new Vault({ file: join(home.path, VAULT_FILE_NAME), safeStorage: null, platform: process.platform, scryptN: 2 ** 15 });
    await vault.unlock(PASSPHRASE);
    vault.lock();

    const runbookPath = join(work.path, 'shop-release.md');
    writeFileSync(runbookPath, '# Shop checkout release\n\n## Ramp\n\n- [ ] Capture the baseline\n- [ ] Ramp checkout_v2 to 50 %\n\n## Watch\n\n- [ ] Error rate stays under 2 %\n');
    const parser = testParser();
    const { doc, text: source } = await new RunbookLoader(parser).loadFile(runbookPath, 'file');
    await parser.close();

    // Seven seconds between entries, from 02:00: a window of a few minutes with events close together.
    let now = START;
    const clock = () => new Date((now += 7_000));
    mkdirSync(sessionDir);
    const session = Session.create(sessionDir, runbookRef(doc), source, 'ana', { clock });
    // Raw floats as the probes measure them.
    session.record('baseline.captured', 'ana', { values: { 'shop/error_rate': 0.6718346253229978, 'shop/latency_p95': 187.33333333333334 } });
    for (let step = 1; step <= 12; step++) {
      const actionId = `flag-${step}`;
      session.record('action.started', 'ana', { actionId, kind: 'flag', title: `checkout_v2 → ${step * 4}%`, inputs: { percent: String(step * 4) } });
      session.record('action.finished', 'ana', { actionId, outcome: 'ok', message: `read back ${step * 4}%`, durationMs: 412.61904761904765 + step });
    }
    const tolerance = { relativePercent: 10, absolute: {} };
    const measured = compareWithBaseline('error_rate', 2.0041234567, 0.6718346253229978, tolerance);
    session.record('gate.decided', 'ana', {
      gateId: 'ramp-to-50',
      phaseId: null,
      decision: 'rollback',
      reason: 'error rate over its baseline',
      criteria: [
        { id: 'c1', text: 'Error rates unchanged or lower', line: 10, source: 'measured', status: measured.pass ? 'pass' : 'fail', value: 2.0041234567, evidence: measured.evidence },
        { id: 'c2', text: 'p95 latency under 300 ms', line: 11, source: 'measured', status: 'pass', value: 187.33333333333334, evidence: `latency_p95 ${formatValue(187.33333333333334, 'ms')} < ${formatValue(300, 'ms')}` },
        { id: 'c3', text: 'Support queue quiet', line: 12, source: 'person', status: 'unknown', value: null, evidence: 'nobody answered' },
        // Long text and a long token crowd the other columns: what squeezed "fail" into "fa/il".
        {
          id: 'c4',
          text: 'Checkout error rate on the canary pods stays within the error budget agreed with the payments team for the whole ramp',
          line: 13,
          source: 'measured',
          status: 'fail',
          value: 2.0041234567,
          evidence: `${measured.evidence} from https://prometheus.shop.internal:9090/api/v1/query?query=sum(rate(http_requests_total{status=~"5..",service="checkout",canary="true"}[5m]))`,
        },
      ],
    });
    session.record('gate.answered', 'ben', { gateId: 'ramp-to-50', criterionId: 'c3', answer: 'yes', note: 'queue empty' });
    session.record('trigger.fired', null, { triggerId: 'red-error-rate', text: 'Error rate above 2% for 5 minutes', line: 14, metric: 'error_rate', value: 2.0041234567, heldSeconds: 300.41666666666663, autoRollback: true });
    session.record('trigger.acknowledged', 'ana', { triggerId: 'red-error-rate', reason: 'known noise from the load test, see https://grafana.shop.internal/d/checkout-canary/checkout-canary-overview?orgId=1&from=now-6h&to=now&var-pod=canary' });
    session.record('autorollback.cancelled', 'ana', { triggerId: 'red-error-rate', reason: 'rolling back by hand' });
    session.record('trigger.cleared', null, { triggerId: 'red-error-rate' });
    session.close();

    // Recorded metrics over the window, unrounded.
    const points: string[] = [];
    for (let t = START; t <= now; t += 5_000) {
      points.push(JSON.stringify({ ts: new Date(t).toISOString(), series: 'shop/error_rate', metric: 'error_rate', value: 0.6718346253229978 + ((t - START) / 1000) * 0.0123456789 }));
      points.push(JSON.stringify({ ts: new Date(t).toISOString(), series: 'shop/latency_p95', metric: 'latency_p95', value: 187.33333333333334 + Math.sin(t / 10_000) * 13.7777777 }));
    }
    writeFileSync(join(sessionDir, METRICS_FILE), `${points.join('\n')}\n`);

    const io = captureIo();
    expect(await reportCommand([sessionDir, '--out', out, '--paper', 'a4', '--by', 'Ana Lima'], io, { env, rendererDir: RENDERER }), io.stderr).toBe(0);
    // No-break spaces (between a number and its unit) read as spaces.
    text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).replace(/\u00a0/g, ' ');
  }, 120_000);

  afterAll(() => {
    home.remove();
    work.remove();
  });

  it('prints every word of the gate and event tables whole, never split across two lines', () => {
    const lines = text.split('\n').map((line) => line.trim().split(/\s+/));
    const tokens = lines.flat().map((t) => t.replace(/[^\p{L}]/gu, '').toLowerCase());
    for (const word of TABLE_WORDS) {
      expect(tokens, `"${word}" printed whole`).toContain(word);
      for (let cut = 1; cut < word.length; cut++) {
        const [head, tail] = [word.slice(0, cut), word.slice(cut)];
        lines.forEach((line, i) => {
          const next = lines[i + 1] ?? [];
          const broken = line.some((t) => t.toLowerCase() === head) && next.some((t) => t.toLowerCase().replace(/[^\p{L}]/gu, '') === tail);
          expect(broken, `"${word}" broken as "${head}" / "${tail}" at line ${i + 1}:\n${text.split('\n').slice(i, i + 2).join('\n')}`).toBe(false);
        });
      }
    }
    // The event kinds stay whole phrases in their column.
    expect(text).toMatch(/baseline captured/);
    expect(text).toMatch(/trigger acknowledged/);
    expect(text).toMatch(/automatic rollback cancelled/);
  });

  it('rounds every value to the precision of its unit: no raw float anywhere on the page', () => {
    expect(text.match(/\d+\.\d{4,}/g) ?? []).toEqual([]);
    // The values themselves are there, in the one spelling.
    expect(text).toContain('shop/error_rate 0.67 %');
    expect(text).toContain('shop/latency_p95 187 ms');
    expect(text).toContain('error_rate 2.00 %');
    // A number and its unit stay on one line.
    expect(text).not.toMatch(/\d\s*\n\s*%/);
    expect(text).toContain('5 min');
  });

  it("names the session by its folder's own name, in the facts and in every page's footer", () => {
    expect(text).toMatch(new RegExp(`Session\\s+${SESSION_NAME}`));
    const pages = text.split('\f').filter((page) => page.trim());
    expect(pages.length).toBeGreaterThan(0);
    for (const page of pages) expect(page).toContain(`session ${SESSION_NAME}`);
    const started = JSON.parse(readFileSync(join(sessionDir, 'journal.jsonl'), 'utf8').split('\n')[0]!) as { data: { sessionId: string } };
    expect(started.data.sessionId).toBe(SESSION_NAME);
  });
});
