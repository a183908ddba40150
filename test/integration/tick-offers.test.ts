/**
 * Steps tick their items (issue 14), through the contract as a renderer
 * calls it, against the real demo environment: a flag step read back at
 * its item's value offers that item, and only that one; the offer is
 * accepted with the item's id alone (the evidence is main's, never the
 * renderer's), and once taken it is gone. The health probe answering
 * offers its item, and the offer is withdrawn when the shop stops
 * answering. Nothing is ticked without the operator.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/main/app/create-app';
import type { ActionRecord, ControlState } from '../../src/shared/control-model';
import type { EntryDataOf, JournalEntry } from '../../src/shared/session-model';
import { call, tempDir, testApp, trustOpenRunbook } from '../support/app';
import { startDemoEnv, type DemoEnv } from '../support/demo-env';
import { waitFor } from '../support/wait';

let demo: DemoEnv;
let dir: { path: string; remove: () => void };
let app: App;

const offers = async () => (await call<ControlState>(app, 'getControl')).tickOffers;
const itemId = (text: string) => app.cockpit.state().runbook!.items.find((i) => i.text === text)!.id;
const ticks = () =>
  app.cockpit
    .activation()!
    .journal.entries()
    .filter((e: JournalEntry) => e.type === 'item.ticked')
    .map((e) => e.data as EntryDataOf<'item.ticked'>);

beforeAll(async () => {
  demo = await startDemoEnv();
  dir = tempDir();
  const folder = join(dir.path, 'runbook');
  mkdirSync(folder);
  const runbook = demo.profileFor(folder);
  app = testApp(join(dir.path, 'data'));
  await call(app, 'setOperator', { name: 'Dana' });
  await app.cockpit.openPath(runbook);
  await trustOpenRunbook(app);
  await waitFor('the panel to read the flag', async () => (await call<ControlState>(app, 'getControl')).flags[0]?.value === 0, { timeoutMs: 20_000 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await demo?.stop();
  dir?.remove();
});

describe('tick offers, through the contract', () => {
  it('a flag step read back at 10 offers "Set checkout_v2 to 10%" alone; accepting ticks it with main’s evidence, once', async () => {
    expect((await call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 10 })).outcome).toBe('ok');
    const offer = await waitFor('the offer', async () => (await offers()).find((o) => o.evidence.act === 'flag'));
    expect(offer).toMatchObject({ itemId: itemId('Set checkout_v2 to 10%'), evidence: { what: 'set checkout_v2 from 0 to 10', readBack: '10', by: 'Dana' } });
    expect((await offers()).filter((o) => o.evidence.act === 'flag')).toHaveLength(1);
    expect(ticks()).toEqual([]);

    // The renderer names the item; it cannot bring evidence of its own.
    expect(await app.call('acceptTickOffer', { itemId: offer.itemId, evidence: { act: 'flag', what: 'made up', readBack: '100', at: 'now', by: 'x' } })).toMatchObject({ ok: false, error: { code: 'bad-input' } });
    const entry = await call<JournalEntry>(app, 'acceptTickOffer', { itemId: offer.itemId });
    expect(entry.data).toMatchObject({ itemId: offer.itemId, checked: true, evidence: offer.evidence });
    expect(entry.by).toBe('Dana');
    expect((await offers()).some((o) => o.itemId === offer.itemId)).toBe(false);
    expect(await app.call('acceptTickOffer', { itemId: offer.itemId })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(ticks()).toHaveLength(1);
  });

  it('a write read back at a value no item names offers nothing', async () => {
    expect((await call<ActionRecord>(app, 'setFlag', { flag: 'checkout_v2', percent: 0 })).outcome).toBe('ok');
    await waitFor('the flag at 0', async () => (await call<ControlState>(app, 'getControl')).flags[0]?.value === 0);
    expect((await offers()).filter((o) => o.evidence.act === 'flag')).toEqual([]);
  });

  it('the health probe answering offers its item; the shop going away withdraws the offer', async () => {
    const health = itemId('Health endpoint responding');
    const offer = await waitFor('the probe offer', async () => (await offers()).find((o) => o.itemId === health), { timeoutMs: 20_000 });
    expect(offer.evidence).toMatchObject({ act: 'probe', what: expect.stringContaining('probe shop-health answered'), readBack: expect.stringMatching(/^HTTP 200 in \d+ ms$/) });
    await demo.stop();
    await waitFor('the offer withdrawn', async () => !(await offers()).some((o) => o.itemId === health), { timeoutMs: 20_000 });
    expect(ticks().some((t) => t.itemId === health)).toBe(false);
  });
});
