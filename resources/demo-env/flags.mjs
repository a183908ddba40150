/**
 * The demo shop's feature flags, shaped like the admin API in
 * dual-dashboard-rollout.md (`/api/admin/feature-flags`): a rollout
 * percentage, enabled when above zero, consistent-hash bucketing. One flag
 * is marked faulty: the traffic model makes the shop worse the further it
 * is rolled out.
 */

const INITIAL = [
  { name: 'checkout_v2', description: 'New checkout flow (payment step rewritten)', percentage: 0 },
  { name: 'dual_dashboards', description: 'Side-by-side trading dashboards', percentage: 100 },
  { name: 'new_search', description: 'Search backed by the new index', percentage: 0 },
];

export class FlagStore {
  /** @param {string} faulty the flag whose rollout degrades the shop (created when missing) */
  constructor(faulty) {
    /** @type {Map<string, {name: string, description: string, percentage: number, updatedAt: string}>} */
    this.flags = new Map();
    const now = new Date().toISOString();
    for (const flag of INITIAL) this.flags.set(flag.name, { ...flag, updatedAt: now });
    if (!this.flags.has(faulty)) this.flags.set(faulty, { name: faulty, description: 'Marked faulty for the demo', percentage: 0, updatedAt: now });
    this.faulty = faulty;
  }

  /** The flag as the API shows it, or null. */
  get(name) {
    const flag = this.flags.get(name);
    return flag ? this.view(flag) : null;
  }

  all() {
    return [...this.flags.values()].map((flag) => this.view(flag));
  }

  /** Share of users (0..1) on the faulty code path. */
  faultyShare() {
    return (this.flags.get(this.faulty)?.percentage ?? 0) / 100;
  }

  /**
   * Applies a PUT/PATCH body. Returns { flag } or { status, error } with a
   * message that says what was wrong and what is accepted.
   * @param {string} name
   * @param {unknown} body
   */
  update(name, body) {
    const flag = this.flags.get(name);
    if (!flag) return { status: 404, error: `There is no feature flag named "${name}". Flags: ${[...this.flags.keys()].join(', ')}.` };
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return { status: 400, error: 'The body must be a JSON object such as {"percentage": 10}.' };
    // The demo runbook's curl examples say rolloutPercentage; both spellings are accepted.
    const raw = 'percentage' in body ? body.percentage : 'rolloutPercentage' in body ? body.rolloutPercentage : undefined;
    const field = 'percentage' in body ? 'percentage' : 'rolloutPercentage';
    if (raw === undefined) return { status: 400, error: 'The body must set "percentage" to a number from 0 to 100, e.g. {"percentage": 10}.' };
    if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0 || raw > 100) {
      return { status: 400, error: `"${field}" must be a number from 0 to 100; got ${JSON.stringify(raw)}.` };
    }
    const before = flag.percentage;
    flag.percentage = raw;
    flag.updatedAt = new Date().toISOString();
    return { flag: this.view(flag), before };
  }

  view(flag) {
    return {
      name: flag.name,
      description: flag.description,
      enabled: flag.percentage > 0,
      percentage: flag.percentage,
      strategy: 'consistent-hash',
      faulty: flag.name === this.faulty,
      updatedAt: flag.updatedAt,
    };
  }
}
