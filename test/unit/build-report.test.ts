/**
 * What the completion report says, from a real session journal: items
 * with who ticked them and when, notes and evidence, every action with its
 * outcome, the sign-off table in the runbook's order, the chain head, and
 * no vault secret anywhere in it.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/main/services/report/build-report';
import { parseRunbook } from '../../src/main/services/runbook/parse';
import { decodeSource } from '../../src/main/services/runbook/source-text';
import { Session, runbookRef } from '../../src/main/services/session/session';
import { SecretRedactor } from '../../src/main/services/vault/redactor';
import type { ReportData } from '../../src/shared/report-model';
import { tempDir } from '../support/app';

const RUNBOOK = `# Shop release

## Pre-Deployment

- [ ] Backup database
- [x] Announce the window
- [ ] Run smoke test
  \`\`\`bash
  curl https://shop.example.com/health
  \`\`\`

## Sign-Off

**Engineering Lead**: _________ Date: _____

| Role | Name | Signature | Date/Time |
|------|------|-----------|-----------|
| Release Manager | | | |
| Product Owner | | | |
`;

const SECRET = 'hunter2-Secret-Value';

function doc() {
  const source = decodeSource(Buffer.from(RUNBOOK), 'shop.md');
  return parseRunbook(source.text, { name: 'shop.md', path: null, origin: 'import', sha256: source.sha256, bytes: source.bytes, lines: 30, writable: false });
}

describe('buildReport', () => {
  const dirs: Array<{ remove: () => void }> = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  function report(script: (session: Session, d: ReturnType<typeof doc>) => void): { data: ReportData; session: Session } {
    const dir = tempDir('flightdeck-build-report-');
    dirs.push(dir);
    const d = doc();
    const session = Session.create(join(dir.path, 's'), runbookRef(d), RUNBOOK, 'ana');
    script(session, d);
    const redactor = new SecretRedactor();
    redactor.add('db-password', SECRET);
    const data = buildReport({
      doc: d,
      entries: session.entries(),
      metrics: [
        // Inside the window (the session's entries were just written); a point from another day is not.
        { ts: new Date().toISOString(), series: 'shop/error_rate', metric: 'error_rate', value: 0.5 },
        { ts: new Date().toISOString(), series: 'edge/error_rate', metric: 'error_rate', value: 0.7 },
        { ts: '2020-01-01T10:00:00Z', series: 'old/error_rate', metric: 'error_rate', value: 9 },
      ],
      environment: 'production',
      reportKey: { keyid: 'ab'.repeat(32), fingerprint: 'abab …' },
      paper: 'a4',
      generatedAt: '2026-01-01T12:00:00Z',
      generatedBy: 'ana',
      redactor,
    });
    session.close();
    return { data, session };
  }

  it('reports each item with its state, who ticked it and when, its notes and its evidence', () => {
    const { data, session } = report((s, d) => {
      const [backup, , smoke] = d.items;
      s.tick(backup!.id, true, backup!.text, 'ben');
      s.note(smoke!.id, 'Smoke test waits for the CDN purge.', smoke!.text, 'ana');
      s.record('action.started', 'ben', { actionId: 'b1', kind: 'backup', title: 'Backup orders', inputs: { target: 'orders' } });
      s.record('action.finished', 'ben', { actionId: 'b1', outcome: 'ok', message: 'verified', durationMs: 900 });
      s.record('backup.verified', 'ben', { actionId: 'b1', name: 'orders', engine: 'postgres', location: '/b/orders', bytes: 10, files: 2, manifestSha256: 'ef'.repeat(32), checks: ['pg_restore --list read 3 entries'], itemId: backup!.id });
    });
    const items = data.phases[0]!.items;
    expect(items.map((i) => i.checked)).toEqual([true, true, false]);
    expect(items[0]!.tick?.by).toBe('ben');
    expect(items[1]!.tick).toBeNull(); // ticked in the file, not in this session
    expect(items[2]!.notes.map((n) => n.text)).toEqual(['Smoke test waits for the CDN purge.']);
    expect(items[0]!.evidence[0]!.detail).toContain('ef'.repeat(32));
    expect(data.items).toEqual({ total: 3, checked: 2 });
    expect(data.backups[0]!.checks).toEqual(['pg_restore --list read 3 entries']);
    expect(data.actions.map((a) => [a.title, a.outcome, a.durationMs])).toEqual([['Backup orders', 'ok', 900]]);
    expect(data.chain).toEqual({ entries: session.state.entries, head: session.state.head });
  });

  it('lists the runbook\'s sign-offs in order, filled from the journal, and appends roles it does not name', () => {
    const { data } = report((s, d) => {
      const lead = d.signoffs.find((so) => so.role === 'Engineering Lead')!;
      s.record('signoff.recorded', 'ana', { signoffId: lead.id, role: lead.role, name: 'Eve Lead', publicKey: 'MCowBQYDK2VwAyEA' + 'A'.repeat(43) + '=' });
      s.record('signoff.recorded', 'ana', { signoffId: null, role: 'Security', name: 'Sam Sec', publicKey: null });
    });
    expect(data.signoffs.map((r) => [r.role, r.name])).toEqual([
      ['Engineering Lead', 'Eve Lead'],
      ['Release Manager', null],
      ['Product Owner', null],
      ['Security', 'Sam Sec'],
    ]);
    expect(data.signoffs[0]!.keyFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(data.signoffs[3]!.keyFingerprint).toBeNull();
  });

  it('keeps the tail of long command output and redacts every vault secret, wherever it appears', () => {
    const { data } = report((s, d) => {
      s.note(d.items[0]!.id, `pasted the password ${SECRET} by mistake`, d.items[0]!.text, 'ana');
      s.record('action.started', 'ana', { actionId: 'c1', kind: 'command', title: 'curl health', inputs: { url: 'https://shop.example.com/health' } });
      for (let i = 0; i < 100; i++) s.record('action.output', 'ana', { actionId: 'c1', stream: 'stdout', text: `line ${i} ${'.'.repeat(40)}\n` });
      s.record('action.output', 'ana', { actionId: 'c1', stream: 'stdout', text: `done with ${SECRET}\n` });
      s.record('action.finished', 'ana', { actionId: 'c1', outcome: 'failed', message: `exit 7 (${SECRET})`, durationMs: 50 });
    });
    const command = data.actions[0]!;
    expect(command.output.length).toBeLessThanOrEqual(800);
    expect(command.outputTruncated).toBe(true);
    expect(command.output).toContain('done with «secret:db-password»');
    expect(command.output).not.toContain('line 0 ');
    expect(command.message).toBe('exit 7 («secret:db-password»)');
    expect(JSON.stringify(data)).not.toContain(SECRET);
    expect(data.phases[0]!.items[0]!.notes[0]!.text).toContain('«secret:db-password»');
  });

  it('graphs each metric with a line per series and marks the events', () => {
    const { data } = report((s) => {
      s.record('action.started', 'ana', { actionId: 'f1', kind: 'flag', title: 'checkout_v2 → 10%', inputs: {} });
      s.record('action.finished', 'ana', { actionId: 'f1', outcome: 'ok', message: 'read back 10%', durationMs: 40 });
    });
    expect(data.graphs.map((g) => [g.metric, g.unit, g.series.map((s) => s.probe)])).toEqual([['error_rate', '%', ['shop', 'edge']]]);
    expect(data.markers.map((m) => m.kind)).toEqual(['flag']);
  });
});
