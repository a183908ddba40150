/**
 * Which checklist items name an act Flightdeck performs (flag step,
 * baseline, probe), read from the demo runbook and profile as shipped, and
 * from text a team might write.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bindItemActs } from '../../src/main/services/checklist/item-acts';
import { parseProfileText } from '../../src/main/services/profile/profile-loader';
import { DEMO_RUNBOOK, parseFile, parseText } from '../support/runbooks';

const demoProfile = parseProfileText(readFileSync(DEMO_RUNBOOK.replace(/runbook\.md$/, 'runbook.flightdeck.yaml'), 'utf8'), { file: 'runbook.flightdeck.yaml' });

describe('bindItemActs', () => {
  it('binds the demo’s flag steps, its baseline item and its health item, and nothing else', () => {
    const doc = parseFile(DEMO_RUNBOOK);
    const text = (id: string) => doc.items.find((i) => i.id === id)!.text;
    const acts = bindItemActs(doc, demoProfile).map((a) => [text(a.itemId), a.kind, a.kind === 'flag' ? `${a.flag}=${a.percent}` : a.kind === 'probe' ? a.probe : '']);
    expect(acts).toEqual([
      ['Baseline metrics captured (take a snapshot for comparison)', 'baseline', ''],
      ['Set checkout_v2 to 10%', 'flag', 'checkout_v2=10'],
      ['Health endpoint responding', 'probe', 'shop-health'],
      ['Set checkout_v2 to 50%', 'flag', 'checkout_v2=50'],
      ['Set checkout_v2 to 100%', 'flag', 'checkout_v2=100'],
    ]);
  });

  it('binds a probe named in the text, a URL with a trailing slash, and no act in a rollback phase', () => {
    const doc = parseText(
      [
        '# R',
        '## Checks',
        '- [ ] `shop-metrics` scraping',
        '- [ ] Ping https://shop.example.com/healthz/',
        '- [ ] Capture a baseline of the error rate',
        '- [ ] Error rates unchanged or lower than the baseline',
        '## Rollback',
        '- [ ] Set `checkout_v2` to 0%',
      ].join('\n'),
    );
    const profile = { flags: [{ name: 'checkout_v2' }], probes: [{ name: 'shop-metrics', url: 'http://127.0.0.1:1/metrics' }, { name: 'edge', url: 'https://shop.example.com/healthz' }] };
    const acts = bindItemActs(doc, profile).map((a) => [doc.items.find((i) => i.id === a.itemId)!.text, a.kind]);
    expect(acts).toEqual([
      ['shop-metrics scraping', 'probe'],
      ['Ping https://shop.example.com/healthz/', 'probe'],
      ['Capture a baseline of the error rate', 'baseline'],
    ]);
  });
});
