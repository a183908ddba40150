/**
 * Redirects are where a health check silently starts checking something
 * else (a login page, a parked domain). None is followed unless the profile
 * names the target's origin in allowRedirectsTo; then at most five hops,
 * each checked, and a loop is refused. Every refusal names the origin the
 * server pointed at.
 */
import { displayTarget, originOf } from './target-display';

export const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export type RedirectDecision = { follow: true; url: URL } | { follow: false; message: string };

export function isRedirect(status: number): boolean {
  return REDIRECT_STATUSES.has(status);
}

export class RedirectPolicy {
  private readonly allowed: Set<string>;

  constructor(allowRedirectsTo: readonly string[]) {
    this.allowed = new Set(allowRedirectsTo.map((url) => originOf(new URL(url))));
  }

  /** `visited` holds every URL requested so far, the first one included. */
  decide(status: number, from: URL, location: string | undefined, visited: readonly URL[]): RedirectDecision {
    if (!location) return { follow: false, message: `HTTP ${status} redirect without a Location header` };
    let target: URL;
    try {
      target = new URL(location, from);
    } catch {
      return { follow: false, message: `HTTP ${status} redirect to an invalid Location` };
    }
    const origin = originOf(target);
    if (target.protocol !== 'http:' && target.protocol !== 'https:') return { follow: false, message: `HTTP ${status} redirect to ${target.protocol} (only http and https)` };
    if (!this.allowed.has(origin)) return { follow: false, message: `HTTP ${status} redirect to ${origin}, which is not in allowRedirectsTo (redirects are not followed)` };
    if (visited.some((url) => url.href === target.href)) {
      const chain = [...visited, target].map((url) => displayTarget(url.href)).join(' → ');
      return { follow: false, message: `redirect loop: ${chain}` };
    }
    if (visited.length > MAX_REDIRECTS) return { follow: false, message: `more than ${MAX_REDIRECTS} redirects (last to ${origin})` };
    return { follow: true, url: target };
  }
}
