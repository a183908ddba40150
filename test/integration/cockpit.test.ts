import { readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import { isChecked } from '../../src/shared/session-model';
import { SHARED_RUNBOOKS } from '../support/runbooks';
import { tempDir, testApp } from '../support/app';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function fresh(): { data: string; work: string; start: () => App } {
  const data = tempDir();
  const work = tempDir();
  cleanups.push(data.remove, work.remove);
  const start = () => {
    const app = testApp(data.path);
    cleanups.push(() => app.close());
    return app;
  };
  return { data: data.path, work: work.path, start };
}

describe('the cockpit', () => {
  it('opens the demo runbook when nothing else is known, and says so', async () => {
    const { start } = fresh();
    const app = start();
    await app.cockpit.startup(null);
    const state = app.cockpit.state();
    expect(state.runbook?.source.origin).toBe('demo');
    expect(state.runbook?.title).toBe('Demo Shop: Checkout v2 Rollout');
    expect(state.notices.map((n) => n.message).join(' ')).toMatch(/demo runbook/);
  });

  it('keeps ticks and notes, with who and when, across a restart', async () => {
    const { start, work } = fresh();
    const runbook = join(work, 'rollout.md');
    copyFileSync(join(SHARED_RUNBOOKS, 'tradesense-kubernetes.md'), runbook);
    const first = start();
    await first.cockpit.startup(runbook);
    first.cockpit.setOperator('alice');
    const item = first.cockpit.state().runbook!.items[5]!;
    const tick = first.cockpit.tick(item.id, true);
    first.cockpit.note(item.id, 'node pool at 61% CPU');
    expect(tick.by).toBe('alice');
    await first.close();

    const second = start();
    await second.cockpit.startup(null); // no path: the last runbook comes back
    const state = second.cockpit.state();
    expect(state.runbook?.source.path).toBe(runbook);
    expect(state.session?.ticks[item.id]).toMatchObject({ checked: true, by: 'alice', at: tick.ts });
    expect(state.session?.notes[item.id]?.map((n) => [n.text, n.by])).toEqual([['node pool at 61% CPU', 'alice']]);
  });

  it('keeps ticks on their items when other lines of the file change between runs', async () => {
    const { start, work } = fresh();
    const runbook = join(work, 'checklist.md');
    writeFileSync(runbook, '# R\n\n## Deploy\n\n- [ ] Backup taken\n- [ ] Health checks green\n');
    const first = start();
    await first.cockpit.startup(runbook);
    const health = first.cockpit.state().runbook!.items.find((i) => i.text === 'Health checks green')!;
    first.cockpit.tick(health.id, true);
    await first.close();

    writeFileSync(runbook, '# R\n\nIntro added later.\n\n## Deploy\n\n- [ ] Announce window\n- [ ] Backup taken\n- [ ] Health checks green\n');
    const second = start();
    await second.cockpit.startup(runbook);
    const state = second.cockpit.state();
    expect(state.notices.map((n) => n.message).join(' ')).toMatch(/runbook changed/);
    const item = state.runbook!.items.find((i) => i.text === 'Health checks green')!;
    expect(item.id).toBe(health.id);
    expect(isChecked(state.session, item.id, item.checked)).toBe(true);
  });

  it('writes ticks back into the file, changing only the tick characters, and journals it', async () => {
    const { start, work } = fresh();
    const runbook = join(work, 'status.md');
    copyFileSync(join(SHARED_RUNBOOKS, 'dual-dashboard-status.md'), runbook);
    const before = readFileSync(runbook);
    const app = start();
    await app.cockpit.startup(runbook);
    const items = app.cockpit.state().runbook!.items;
    const unchecked = items.filter((i) => !i.checked).slice(0, 2);
    const checked = items.find((i) => i.checked)!;
    for (const item of unchecked) app.cockpit.tick(item.id, true);
    app.cockpit.tick(checked.id, false);
    expect(await app.cockpit.writeTicksToFile()).toEqual({ path: runbook, changed: 3 });
    const after = readFileSync(runbook);
    expect(after.length).toBe(before.length);
    const changed = [...before.keys()].filter((i) => before[i] !== after[i]);
    expect(changed.map((i) => String.fromCharCode(after[i]!)).sort()).toEqual([' ', 'x', 'x']);
    for (const i of changed) expect([before[i - 1], before[i + 1]].map((b) => String.fromCharCode(b!))).toEqual(['[', ']']);
    const state = app.cockpit.state();
    expect(state.runbook!.stats.checked).toBe(8 + 2 - 1);
    expect(state.session!.entries).toBeGreaterThan(4);
  });

  it('refuses to write back into the demo runbook', async () => {
    const { start } = fresh();
    const app = start();
    await app.cockpit.startup(null);
    await expect(app.cockpit.writeTicksToFile()).rejects.toThrow(/demo runbook is read-only/);
  });

  it('resumes an imported runbook from the copy the session kept', async () => {
    const { start } = fresh();
    const first = start();
    await first.cockpit.openText('pasted.md', '# Pasted\n\n## Go\n\n- [ ] one\n- [ ] two\n');
    const id = first.cockpit.state().runbook!.items[1]!.id;
    first.cockpit.tick(id, true);
    await first.close();
    const second = start();
    await second.cockpit.startup(null);
    const state = second.cockpit.state();
    expect(state.runbook?.title).toBe('Pasted');
    expect(state.session?.ticks[id]?.checked).toBe(true);
  });

  it('starts a fresh session on request and closes the old one in its journal', async () => {
    const { start } = fresh();
    const app = start();
    await app.cockpit.startup(null);
    const first = app.cockpit.state().session!;
    app.cockpit.tick(app.cockpit.state().runbook!.items[0]!.id, true);
    const next = await app.cockpit.startNewSession();
    expect(next.session!.id).not.toBe(first.id);
    expect(next.session!.ticks).toEqual({});
    const journal = readFileSync(join(first.dir, 'journal.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(journal.at(-1)!).type).toBe('session.closed');
  });

  it('refuses unknown items and files that are not markdown, naming them', async () => {
    const { start, work } = fresh();
    const app = start();
    await app.cockpit.startup(null);
    expect(() => app.cockpit.tick('no-such-item', true)).toThrow(/No item "no-such-item"/);
    writeFileSync(join(work, 'notes.pdf'), 'x');
    await expect(app.cockpit.openPath(join(work, 'notes.pdf'))).rejects.toThrow(/not a markdown file/);
    await expect(app.cockpit.openPath(join(work, 'missing.md'))).rejects.toThrow(/does not exist/);
  });
});
