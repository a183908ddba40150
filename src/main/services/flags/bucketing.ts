/**
 * Which users a percentage rollout lets in, by Unleash's gradual rollout
 * rule, so the confirmation can list the test accounts a step moves:
 * normalizedValue = murmur3_x86_32("groupId:userId", seed 0) % 100 + 1,
 * and a user is inside at p percent when normalizedValue <= p. The group
 * id defaults to the flag name, as Unleash's does. Same hash library as
 * the Unleash client (murmurhash3js); test/unit/bucketing.test.ts checks
 * the result against the client's own function.
 */
import * as murmurHash3 from 'murmurhash3js';
import type { FlagPreview } from '../../../shared/control-model';

const STRATEGY_SEED = 0;

/** 1..100: the user's place in the rollout of this group. */
export function normalizedValue(userId: string, groupId: string): number {
  return (murmurHash3.x86.hash32(`${groupId}:${userId}`, STRATEGY_SEED) % 100) + 1;
}

export function isInside(userId: string, groupId: string, percent: number): boolean {
  return percent > 0 && normalizedValue(userId, groupId) <= percent;
}

/**
 * The users inside and outside at `toPercent`, and those who join
 * (outside at `fromPercent`). A `from` that is not a percentage (unread,
 * or a non-numeric value) counts as 0: everyone inside then joins.
 */
export function previewBucketing(
  flagName: string,
  groupId: string | undefined,
  users: readonly string[],
  fromPercent: number | string | boolean | null,
  toPercent: number,
): FlagPreview {
  const group = groupId ?? flagName;
  const before = percentOf(fromPercent);
  const inside: string[] = [];
  const outside: string[] = [];
  const joining: string[] = [];
  for (const user of users) {
    if (isInside(user, group, toPercent)) {
      inside.push(user);
      if (!isInside(user, group, before)) joining.push(user);
    } else outside.push(user);
  }
  return { flag: flagName, from: fromPercent, to: toPercent, inside, outside, joining };
}

/** A flag value as a percentage: 50, "50", true (100), false (0); 0 otherwise. */
export function percentOf(value: number | string | boolean | null | undefined): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value ? 100 : 0;
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  return 0;
}
