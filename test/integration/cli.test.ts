import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { flightdeck } from '../support/cli';
import { SHARED_RUNBOOKS } from '../support/runbooks';
import { tempDir } from '../support/app';

const work = tempDir();
afterAll(() => work.remove());

describe('flightdeck parse', () => {
  it.each([
    ['dual-dashboard-rollout.md', { items: 267, checked: 6, phases: 11, codeBlocks: 18 }],
    ['dual-dashboard-status.md', { items: 13, checked: 8 }],
    ['tradesense-kubernetes.md', { items: 83, checked: 0 }],
  ])('--json gives the figures of %s', (name, figures) => {
    const result = flightdeck(['parse', join(SHARED_RUNBOOKS, name), '--json']);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.stats).toMatchObject(figures);
    expect(Object.keys(json.stats).sort()).toEqual(['checked', 'codeBlocks', 'items', 'phases', 'sections', 'signoffs', 'tables', 'thresholds']);
    const count = (items: Array<{ children: unknown[] }>): number => items.reduce((n, i) => n + 1 + count(i.children as never), 0);
    const total = json.phases.reduce((n: number, p: { items: never[]; sections: Array<{ items: never[] }> }) => n + count(p.items) + p.sections.reduce((m, s) => m + count(s.items), 0), 0);
    expect(total).toBe(figures.items);
  });

  it('prints a readable summary with the thresholds and their lines', () => {
    const result = flightdeck(['parse', join(SHARED_RUNBOOKS, 'tradesense-kubernetes.md')]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('83 items (0 checked)');
    expect(result.stdout).toContain('line 117: error_rate < 0.1 %');
  });

  it('exits 2 naming the file and line for bad input', () => {
    const latin1 = join(work.path, 'latin1.md');
    writeFileSync(latin1, Buffer.from('# T\n\n- [ ] r\xe9sum\xe9\n', 'latin1'));
    const bad = flightdeck(['parse', latin1]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${latin1}:3:8: is not valid UTF-8 (byte 0xe9)`);
    const deep = join(work.path, 'deep.md');
    writeFileSync(deep, '>'.repeat(50_000) + ' a\n');
    const refused = flightdeck(['parse', deep]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${deep}:1:`);
    const missing = flightdeck(['parse', join(work.path, 'nope.md')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.md: does not exist');
    expect(flightdeck(['parse']).code).toBe(2);
    expect(flightdeck(['frobnicate']).code).toBe(2);
    expect(flightdeck(['parse', latin1, '--bogus']).code).toBe(2);
  });
});

describe('flightdeck session', () => {
  it('drives a session from the terminal: new, tick, note, untick, status', () => {
    const runbook = join(work.path, 'tradesense.md');
    copyFileSync(join(SHARED_RUNBOOKS, 'tradesense-kubernetes.md'), runbook);
    const dir = join(work.path, 'session-1');
    const ids = JSON.parse(flightdeck(['parse', runbook, '--json']).stdout).phases[0].sections[0].items.map((i: { id: string }) => i.id);

    const created = flightdeck(['session', 'new', runbook, '--dir', dir, '--by', 'alice']);
    expect(created.code).toBe(0);
    expect(flightdeck(['session', 'tick', dir, ids[0], '--by', 'alice']).code).toBe(0);
    expect(flightdeck(['session', 'tick', dir, ids[1], '--by', 'bob']).code).toBe(0);
    expect(flightdeck(['session', 'note', dir, ids[1], 'nodes at 61% CPU', '--by', 'bob']).code).toBe(0);
    expect(flightdeck(['session', 'untick', dir, ids[0], '--by', 'alice']).code).toBe(0);

    const status = JSON.parse(flightdeck(['session', 'status', dir, '--json']).stdout);
    expect(status.progress).toEqual({ items: 83, checked: 1 });
    const second = status.items.find((i: { id: string }) => i.id === ids[1]);
    expect(second).toMatchObject({ checked: true, by: 'bob' });
    expect(second.notes.map((n: { text: string; by: string }) => [n.text, n.by])).toEqual([['nodes at 61% CPU', 'bob']]);
    expect(status.items.find((i: { id: string }) => i.id === ids[0])).toMatchObject({ checked: false, by: 'alice' });
    expect(status.session.entries).toBe(5);

    const text = flightdeck(['session', 'status', dir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('progress: 1/83 items done');

    // Every entry is in the journal, chained.
    const lines = readFileSync(join(dir, 'journal.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.type)).toEqual(['session.started', 'item.ticked', 'item.ticked', 'item.noted', 'item.ticked']);
    for (let i = 1; i < lines.length; i++) expect(lines[i].prev).toBe(lines[i - 1].hash);
  });

  it('refuses bad input with exit 2 and a message that names it', () => {
    const runbook = join(work.path, 'demo.md');
    copyFileSync(join(SHARED_RUNBOOKS, 'dual-dashboard-status.md'), runbook);
    const dir = join(work.path, 'session-2');
    expect(flightdeck(['session', 'new', runbook, '--dir', dir]).code).toBe(0);
    const unknown = flightdeck(['session', 'tick', dir, 'no-such-item', '--by', 'alice']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(`${runbook}: has no item "no-such-item"`);
    const noBy = flightdeck(['session', 'tick', dir, 'x']);
    expect(noBy.code).toBe(2);
    expect(noBy.stderr).toContain('missing --by NAME');
    const again = flightdeck(['session', 'new', runbook, '--dir', dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already holds a session');
    const notSession = flightdeck(['session', 'status', work.path]);
    expect(notSession.code).toBe(2);
    expect(notSession.stderr).toContain('is not a Flightdeck session');
  });

  it('refuses a tampered journal, naming the line', () => {
    const runbook = join(work.path, 'tamper.md');
    writeFileSync(runbook, '# T\n\n## P\n\n- [ ] a\n- [ ] b\n');
    const dir = join(work.path, 'session-3');
    flightdeck(['session', 'new', runbook, '--dir', dir, '--by', 'alice']);
    const id = JSON.parse(flightdeck(['parse', runbook, '--json']).stdout).phases[0].items[0].id;
    flightdeck(['session', 'tick', dir, id, '--by', 'alice']);
    flightdeck(['session', 'tick', dir, id, '--by', 'alice']);
    const journal = join(dir, 'journal.jsonl');
    const lines = readFileSync(journal, 'utf8').split('\n');
    lines[1] = lines[1]!.replace('"by":"alice"', '"by":"mallory"');
    writeFileSync(journal, lines.join('\n'));
    const status = flightdeck(['session', 'status', dir]);
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/journal\.jsonl.*line 2/);
  });
});
