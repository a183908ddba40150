/**
 * Synthetic traffic for the demo shop: 50 to 100 requests a second (or
 * around `--rate`), computed
 * on a timer (no sockets). Users in the faulty flag's rollout take the new
 * code path, which is slower and fails more often, so rolling the flag out
 * shows as a regression on the graphs and turning it off as a recovery:
 *
 *   rollout   error rate   p95 latency   cache hit rate   db connections
 *     0 %       ~0.2 %       ~120 ms          ~85 %            ~30 %
 *    10 %       ~0.8 %       ~350 ms          ~84 %            ~34 %
 *    50 %       ~3 %         ~650 ms          ~80 %            ~50 %
 *   100 %       ~6 %         ~800 ms          ~75 %            ~70 %
 */

const ROUTES = [
  { route: '/api/products', weight: 0.45, lookups: 3 },
  { route: '/api/cart', weight: 0.2, lookups: 2 },
  { route: '/api/checkout', weight: 0.25, lookups: 1 },
  { route: '/api/account', weight: 0.1, lookups: 1 },
];

/** Latency (median ms, log-normal shape) and 5xx probability of each code path. */
const STABLE = { medianMs: 45, sigma: 0.6, errorRate: 0.002 };
const FAULTY = { medianMs: 350, sigma: 0.5, errorRate: 0.06 };

/** A stalled process (laptop asleep) catches up at most this much simulated time. */
const MAX_CATCH_UP_MS = 5000;

export class TrafficModel {
  /**
   * @param {{ next(): number, normal(): number, logNormal(m: number, s: number): number }} random
   * @param {import('./flags.mjs').FlagStore} flags
   * @param {import('./metrics.mjs').ShopMetrics} metrics
   * @param {number} meanRate requests a second on average (75 gives the 50 to 100 of a small shop)
   */
  constructor(random, flags, metrics, meanRate = 75) {
    this.meanRate = meanRate;
    this.random = random;
    this.flags = flags;
    this.metrics = metrics;
    this.owed = 0;
    this.last = null;
    this.dbLoad = 0.3;
  }

  /** Simulates `ms` of traffic before `nowMs`, so the first scrape already has history. */
  warmUp(nowMs, ms) {
    for (let t = nowMs - ms; t < nowMs; t += 1000) this.tick(t);
    this.tick(nowMs);
  }

  /** Serves the requests due since the last tick. */
  tick(nowMs) {
    const elapsed = this.last === null ? 0 : Math.min(MAX_CATCH_UP_MS, nowMs - this.last);
    this.last = nowMs;
    const share = this.flags.faultyShare();
    // The mean rate, a slow five-minute swell of ±27 %, and noise; never beyond ±33 %.
    const swell = 0.27 * Math.sin((2 * Math.PI * nowMs) / 300_000) + 0.04 * this.random.normal();
    const rate = this.meanRate * Math.max(2 / 3, Math.min(4 / 3, 1 + swell));
    this.owed += (rate * elapsed) / 1000;
    const count = Math.floor(this.owed);
    this.owed -= count;
    for (let i = 0; i < count; i++) this.serve(share);
    for (const flag of this.flags.all()) this.metrics.flagPercentages.set(flag.name, flag.percentage);
    // Pool usage drifts toward its target rather than jumping: connections are held by slow requests.
    const target = 0.3 + 0.4 * share + 0.03 * this.random.normal();
    this.dbLoad += (target - this.dbLoad) * Math.min(1, elapsed / 3000);
    this.metrics.dbInUse = Math.max(1, Math.min(this.metrics.dbMax, Math.round(this.dbLoad * this.metrics.dbMax)));
  }

  serve(share) {
    const { route, lookups } = this.pickRoute();
    const path = this.random.next() < share ? FAULTY : STABLE;
    const seconds = this.random.logNormal(path.medianMs, path.sigma) / 1000;
    let status = 200;
    if (this.random.next() < path.errorRate) status = path === FAULTY ? (this.random.next() < 0.8 ? 500 : 502) : 503;
    else if (route === '/api/products' && this.random.next() < 0.01) status = 404; // a client error, not a server one
    this.metrics.observe(route, status, seconds);
    const hitRate = 0.85 - 0.1 * share;
    for (let i = 0; i < lookups; i++) {
      if (this.random.next() < hitRate) this.metrics.cacheHits += 1;
      else this.metrics.cacheMisses += 1;
    }
  }

  pickRoute() {
    let r = this.random.next();
    for (const entry of ROUTES) {
      r -= entry.weight;
      if (r < 0) return entry;
    }
    return ROUTES[ROUTES.length - 1];
  }
}

/** How long /health takes: instant normally, slow (degraded past 500 ms) with the faulty flag far out. */
export function healthDelayMs(share) {
  return 5 + 750 * share * share;
}
