/**
 * The signed report carries the window's timeline (issue 14): a session
 * with a baseline, a flag step read back and its item ticked on
 * Flightdeck's evidence, a trigger, a rollback with its step, a decision
 * and an entry kind this version does not know, exported with
 * `flightdeck report` through the real Chromium. pdftotext -layout shows
 * a Timeline section with every event in journal order, kind words whole,
 * and the tick's evidence both there and under its checklist item.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCommand } from '../../src/main/cli/report-commands';
import { RunbookLoader } from '../../src/main/services/runbook/runbook-loader';
import { Session, runbookRef } from '../../src/main/services/session/session';
import { Vault } from '../../src/main/services/vault/vault';
import { VAULT_FILE_NAME } from '../../src/main/services/vault/vault-file';
import { tempDir } from '../support/app';
import { captureIo } from '../support/cli';
import { testParser } from '../support/parser';

const RENDERER = join(__dirname, '..', '..', 'out', 'renderer');
const PASSPHRASE = 'timeline passphrase for the report test';
const SESSION_NAME = '20260112-020000-7c1d2e-shop-checkout-release';
const START = Date.UTC(2026, 0, 12, 2, 0, 0);

describe('the printed report has the timeline', () => {
  const home = tempDir('flightdeck-timeline-home-');
  const work = tempDir('flightdeck-timeline-work-');
  const sessionDir = join(work.path, SESSION_NAME);
  const out = join(work.path, 'timeline-report.pdf');
  const env = { FLIGHTDECK_HOME: home.path, FLIGHTDECK_VAULT_PASSPHRASE: PASSPHRASE, USER: 'ana' };
  let text: string;
  let timeline: string;

  beforeAll(async () => {
    expect(existsSync(join(RENDERER, 'report.html')), 'out/renderer/report.html is missing: run `npx electron-vite build`').toBe(true);
    const vault = new Vault({ file: join(home.path, VAULT_FILE_NAME), safeStorage: null, platform: process.platform, scryptN: 2 ** 15 });
    await vault.unlock(PASSPHRASE);
    vault.lock();

    const runbookPath = join(work.path, 'shop-release.md');
    writeFileSync(runbookPath, '# Shop checkout release\n\n## Phase 1\n\n- [ ] Set `checkout_v2` to 10%\n- [ ] Error rate stays under 2 %\n');
    const parser = testParser();
    const { doc, text: source } = await new RunbookLoader(parser).loadFile(runbookPath, 'file');
    await parser.close();
    const setItem = doc.items[0]!;

    let now = START;
    const clock = () => new Date((now += 7_000));
    mkdirSync(sessionDir);
    const session = Session.create(sessionDir, runbookRef(doc), source, 'ana', { clock });
    session.record('baseline.captured', 'ana', { values: { 'shop/error_rate': 0.6718346253229978 } });
    session.record('action.started', 'ana', { actionId: 'f1', kind: 'flag', title: 'Set checkout_v2 to 10', inputs: { flag: 'checkout_v2', from: '0', to: '10', target: 'http://shop/flags' } });
    session.record('action.finished', 'ana', { actionId: 'f1', outcome: 'ok', message: 'set to 10 and read back 10', durationMs: 412.6, readBack: '10' });
    session.tick(setItem.id, true, setItem.text, 'ana', { act: 'flag', what: 'set checkout_v2 from 0 to 10', readBack: '10', at: new Date(now).toISOString(), by: 'ana' });
    session.record('trigger.fired', null, { triggerId: 'red', text: 'Error rate above 2% for 5 minutes', line: 6, metric: 'error_rate', value: 2.0041234567, heldSeconds: 300.4, autoRollback: false });
    // A kind of entry a newer Flightdeck writes: skipped by this one's timeline, never a broken report.
    session.record('window.unknown-future-kind' as 'trigger.cleared', null, { triggerId: 'x' } as never);
    session.record('rollback.started', 'ana', { runId: 'r1', plan: 'P0', steps: ['set checkout_v2 to 0'], confirmation: 'held 1.5 s', pressedAt: new Date(now).toISOString() });
    session.record('action.started', 'ana', { actionId: 'r1-0', kind: 'rollback-step', title: 'Set checkout_v2 to 0', inputs: {}, runId: 'r1', step: 0 });
    session.record('action.finished', 'ana', { actionId: 'r1-0', outcome: 'ok', message: 'written', durationMs: 90, readBack: '0' });
    session.record('rollback.finished', 'ana', { runId: 'r1', outcome: 'ok', message: 'verified: flag at 0, health answering', pressToVerifiedMs: 1900 });
    session.record('gate.decided', 'ana', { gateId: 'g1', phaseId: null, decision: 'rollback', reason: 'error rate over its line', criteria: [] });
    session.close();
    writeFileSync(join(sessionDir, 'metrics.jsonl'), '');

    const io = captureIo();
    expect(await reportCommand([sessionDir, '--out', out, '--paper', 'a4', '--by', 'Ana Lima'], io, { env, rendererDir: RENDERER }), io.stderr).toBe(0);
    text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' }).replace(/\u00a0/g, ' ');
    const from = text.search(/^\s*Timeline\s*$/m);
    expect(from, text).toBeGreaterThan(0);
    timeline = text.slice(from, text.indexOf('How to check this report', from));
  }, 120_000);

  afterAll(() => {
    home.remove();
    work.remove();
  });

  it('lists every event in journal order, each kind word whole in its column', () => {
    const order = ['Baseline captured', 'checkout_v2 0 → 10: ok', 'Ticked “Set checkout_v2 to 10%”', 'Trigger fired: Error rate above 2% for 5 minutes', 'Rollback P0 started', 'Set checkout_v2 to 0: ok', 'Rollback ok', 'Gate: rollback'];
    const at = order.map((title) => timeline.indexOf(title));
    for (const [i, title] of order.entries()) expect(at[i], `"${title}" in the timeline:\n${timeline}`).toBeGreaterThan(0);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    for (const kind of ['Baseline', 'Flags', 'Ticks', 'Triggers', 'Rollback', 'Decisions']) expect(timeline).toMatch(new RegExp(`\\d\\d:\\d\\d:\\d\\d\\s+${kind}\\s`));
    expect(timeline).not.toContain('unknown-future-kind');
  });

  it('prints values at their unit’s precision, and the tick’s evidence in the timeline and under its item', () => {
    expect(timeline).toContain('error_rate 2.00 % for 5 min');
    expect(timeline.match(/\d+\.\d{4,}/g) ?? []).toEqual([]);
    // Lines may wrap anywhere between words: compare with the spaces folded.
    const fold = (s: string) => s.replace(/\s+/g, ' ');
    expect(fold(timeline)).toContain('Evidence: set checkout_v2 from 0 to 10, read back 10, by ana');
    const checklist = text.slice(0, text.search(/^\s*Timeline\s*$/m));
    expect(fold(checklist)).toContain("flag · ticked on Flightdeck's evidence · ok: set checkout_v2 from 0 to 10, read back 10, by ana");
  });
});
