/**
 * The bucketing preview must put every user exactly where Unleash will:
 * the Unleash Node client's own functions are the oracle.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { isInside, normalizedValue, previewBucketing } from '../../src/main/services/flags/bucketing';

const require = createRequire(import.meta.url);
const { normalizedStrategyValue } = require('unleash-client/lib/strategy/util') as { normalizedStrategyValue: (id: string, groupId: string) => number };
const FlexibleRolloutStrategy = (require('unleash-client/lib/strategy/flexible-rollout-strategy') as { default: new () => UnleashStrategy }).default;

interface UnleashStrategy {
  isEnabled(parameters: Record<string, unknown>, context: Record<string, unknown>): boolean;
}

/** Ids of the shapes teams use: e-mails, numbers, UUID-like, unicode. */
function generatedIds(count: number): string[] {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 4;
    if (kind === 0) ids.push(`user${i}@example.com`);
    else if (kind === 1) ids.push(String(i * 7919));
    else if (kind === 2) ids.push(`${(i * 2654435761).toString(16).padStart(8, '0')}-4a1f-${(i % 9973).toString(16)}`);
    else ids.push(`Zoë-${i}-用户`);
  }
  return ids;
}

const IDS = generatedIds(4000);
const GROUPS = ['checkout_v2', 'dual-dashboards', 'flag.with.dots', ''];

describe('Unleash bucketing', () => {
  it('gives every id the normalized value of the Unleash client, in every group', () => {
    let compared = 0;
    for (const group of GROUPS) {
      for (const id of IDS) {
        expect(normalizedValue(id, group)).toBe(normalizedStrategyValue(id, group));
        compared++;
      }
    }
    expect(compared).toBe(16_000);
  });

  it('lets in the users Unleash enables at each step, with the flag name as the default group', () => {
    const strategy = new FlexibleRolloutStrategy();
    for (const percent of [0, 1, 10, 33, 50, 99, 100]) {
      const preview = previewBucketing('checkout_v2', undefined, IDS.slice(0, 1000), 0, percent);
      const unleash = IDS.slice(0, 1000).filter((userId) => strategy.isEnabled({ rollout: percent, stickiness: 'userId' }, { userId, featureToggle: 'checkout_v2' }));
      expect(preview.inside).toEqual(unleash);
      const explicit = previewBucketing('checkout_v2', 'shop', IDS.slice(0, 1000), 0, percent);
      expect(explicit.inside).toEqual(IDS.slice(0, 1000).filter((userId) => strategy.isEnabled({ rollout: percent, stickiness: 'userId', groupId: 'shop' }, { userId })));
    }
  });

  it('spreads users evenly: about half are inside at 50%', () => {
    const inside = IDS.filter((id) => isInside(id, 'checkout_v2', 50)).length;
    expect(inside / IDS.length).toBeGreaterThan(0.46);
    expect(inside / IDS.length).toBeLessThan(0.54);
  });

  it('moves users only inwards as the percentage rises, and lists who joins', () => {
    const users = IDS.slice(0, 300);
    const at10 = previewBucketing('checkout_v2', undefined, users, 0, 10);
    const at50 = previewBucketing('checkout_v2', undefined, users, 10, 50);
    expect(at10.inside.every((u) => at50.inside.includes(u))).toBe(true);
    expect(at50.joining).toEqual(at50.inside.filter((u) => !at10.inside.includes(u)));
    expect([...at50.inside, ...at50.outside].sort()).toEqual([...users].sort());
    expect(previewBucketing('checkout_v2', undefined, users, 50, 0).inside).toEqual([]);
    expect(previewBucketing('checkout_v2', undefined, users, 0, 100).outside).toEqual([]);
  });

  it('reads the current value as stored: "50" from Redis counts as 50%', () => {
    const users = IDS.slice(0, 300);
    expect(previewBucketing('checkout_v2', undefined, users, '50', 50).joining).toEqual([]);
    expect(previewBucketing('checkout_v2', undefined, users, null, 50).joining).toEqual(previewBucketing('checkout_v2', undefined, users, 0, 50).inside);
  });
});
