/**
 * The demo shop's Prometheus metrics and their text exposition (format
 * 0.0.4): request counters by route and status, a latency histogram by
 * route, cache hit and miss counters, and database connection gauges:
 * what a real service would expose, so the cockpit reads it through the
 * same probe as any production target.
 */

export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export class ShopMetrics {
  constructor() {
    /** @type {Map<string, number>} `${route}\u0000${status}` → count */
    this.requests = new Map();
    /** @type {Map<string, {buckets: number[], sum: number, count: number}>} */
    this.latency = new Map();
    this.cacheHits = 0;
    this.cacheMisses = 0;
    this.dbInUse = 0;
    this.dbMax = 100;
    /** @type {Map<string, number>} */
    this.flagPercentages = new Map();
  }

  /** One served request: `seconds` of latency. */
  observe(route, status, seconds) {
    const key = `${route}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    let histogram = this.latency.get(route);
    if (!histogram) {
      histogram = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
      this.latency.set(route, histogram);
    }
    // Non-cumulative here; render() accumulates into the `le` buckets Prometheus expects.
    const index = BUCKETS.findIndex((le) => seconds <= le);
    if (index !== -1) histogram.buckets[index] += 1;
    histogram.sum += seconds;
    histogram.count += 1;
  }

  render() {
    const lines = [];
    lines.push('# HELP http_requests_total Requests served, by route and status code.', '# TYPE http_requests_total counter');
    for (const [key, count] of [...this.requests].sort(([a], [b]) => a.localeCompare(b))) {
      const [route, status] = key.split('\u0000');
      lines.push(`http_requests_total{route="${label(route)}",status="${status}"} ${count}`);
    }
    lines.push('# HELP http_request_duration_seconds Time to serve a request, by route.', '# TYPE http_request_duration_seconds histogram');
    for (const [route, h] of [...this.latency].sort(([a], [b]) => a.localeCompare(b))) {
      let cumulative = 0;
      BUCKETS.forEach((le, i) => {
        cumulative += h.buckets[i];
        lines.push(`http_request_duration_seconds_bucket{route="${label(route)}",le="${le}"} ${cumulative}`);
      });
      lines.push(`http_request_duration_seconds_bucket{route="${label(route)}",le="+Inf"} ${h.count}`);
      lines.push(`http_request_duration_seconds_sum{route="${label(route)}"} ${round(h.sum)}`);
      lines.push(`http_request_duration_seconds_count{route="${label(route)}"} ${h.count}`);
    }
    lines.push('# HELP cache_hits_total Cache lookups that found the entry.', '# TYPE cache_hits_total counter', `cache_hits_total ${this.cacheHits}`);
    lines.push('# HELP cache_misses_total Cache lookups that went to the database.', '# TYPE cache_misses_total counter', `cache_misses_total ${this.cacheMisses}`);
    lines.push('# HELP db_connections_in_use Database connections checked out of the pool.', '# TYPE db_connections_in_use gauge', `db_connections_in_use ${this.dbInUse}`);
    lines.push('# HELP db_connections_max Size of the database connection pool.', '# TYPE db_connections_max gauge', `db_connections_max ${this.dbMax}`);
    lines.push('# HELP feature_flag_rollout_percent Rollout percentage of each feature flag.', '# TYPE feature_flag_rollout_percent gauge');
    for (const [flag, percentage] of this.flagPercentages) lines.push(`feature_flag_rollout_percent{flag="${label(flag)}"} ${percentage}`);
    return `${lines.join('\n')}\n`;
  }
}

/** Label values escape backslash, quote and newline. */
function label(value) {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function round(n) {
  return Math.round(n * 1e6) / 1e6;
}
